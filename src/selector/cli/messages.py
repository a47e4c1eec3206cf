"""The sentences: refusals and next steps, worded for the clerk in the interface language.

The domain and the service raise errors that carry data (`errors.py`) and return next steps
as values (`service.steps`); this module is the one place that turns them into words, with
the command lines to type. An error that carries its own message (a template and its
fields) is looked up in the catalog by that template.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from selector import errors as e
from selector.i18n import N_, _, ngettext
from selector.service import steps as s


def _who(ids, names=()) -> str:
    """People by name and id where the names are known: "王芳 (C02), 李强 (C03)"."""
    if names and len(names) == len(ids):
        return _(", ").join(_("{name} ({id})").format(name=n, id=i) for i, n in zip(ids, names))
    return _(", ").join(ids)


def _held_cut(err: e.HeldCut) -> str:
    parts = []
    for h in err.held:
        if h.status == "tied":
            parts.append(ngettext("{post} tied ({tied} for {slots} place: --resolve {post}=ID)",
                                  "{post} tied ({tied} for {slots} places: --resolve {post}=ID)", h.slots)
                         .format(post=h.post, tied=_who(h.tied, h.names), slots=h.slots))
        else:
            parts.append(_("{post} short ({eligible} eligible for {k}: --accept-short {post})")
                         .format(post=h.post, eligible=h.eligible, k=h.k))
    n = len(err.held)
    return ngettext("stage {stage}: nothing locked, {n} post held: {posts} — give the decision with --reason \"…\"",
                    "stage {stage}: nothing locked, {n} posts held: {posts} — give the decision with --reason \"…\"",
                    n).format(stage=err.stage, n=n, posts=_("; ").join(parts))


def _inspection_incomplete(err: e.InspectionIncomplete) -> str:
    text = ngettext("stage {stage}: nothing locked: {n} candidate missing checks, {held} post(s) held",
                    "stage {stage}: nothing locked: {n} candidates missing checks, {held} post(s) held",
                    len(err.missing)).format(stage=err.stage, n=len(err.missing), held=len(err.held))
    if err.pending or err.concerns:
        text += _(", {pending} with checks 核查中, {concerns} with concerns to decide").format(
            pending=len(err.pending), concerns=len(err.concerns))
    return text


def _inspection_details(err: e.InspectionIncomplete) -> list[str]:
    out = [_("{id} {name} ({posts}): missing {checks}").format(
        id=m.candidate, name=m.name, posts=_(", ").join(m.posts), checks=_(", ").join(m.missing))
        for m in err.missing]
    for h in err.held:
        if h.status == "tied":
            out.append(ngettext("{post}: backfill tied between {tied} for {slots} place: --resolve {post}=ID --reason \"…\"",
                                "{post}: backfill tied between {tied} for {slots} places: --resolve {post}=ID --reason \"…\"",
                                h.slots).format(post=h.post, tied=_who(h.tied, h.names), slots=h.slots))
        elif h.tied:
            out.append(_("{post}: {eligible} of {k} after strikes; 递补 proposed: {proposed} — --backfill {post}=ID "
                         "or --no-backfill {post}, with --reason \"…\"").format(
                post=h.post, eligible=h.eligible, k=h.k, proposed=_who(h.tied, h.names)))
        else:
            out.append(_("{post}: short ({eligible} of {k} after strikes, nobody left to backfill): "
                         "--no-backfill {post} --reason \"…\"").format(post=h.post, eligible=h.eligible, k=h.k))
    out += [_("{id} {name} ({posts}): 核查中 {checks} — record the finding when the check is done").format(
        id=m.candidate, name=m.name, posts=_(", ").join(m.posts), checks=_(", ").join(m.missing))
        for m in err.pending]
    out += [_("{id} {name} ({posts}): concern ({checks}) to decide: selector inspect {stage} --keep {id} or "
              "--strike {id}, with --reason \"…\"").format(
        id=m.candidate, name=m.name, posts=_(", ").join(m.posts), checks=_(", ").join(m.missing), stage=err.stage)
        for m in err.concerns]
    return out


def _not_proposed(err: e.NotProposed) -> str:
    if not err.proposed:
        return _("--backfill {post}: {candidate} cannot come in: the post has no open place to fill, or nobody "
                 "left in its ranking").format(post=err.post, candidate=err.candidate)
    return _("--backfill {post}: {candidate} is not proposed for 递补 (proposed: {proposed})").format(
        post=err.post, candidate=err.candidate, proposed=_(", ").join(err.proposed))


# A stage's kind named in a sentence (the round file's word in English, 推荐/票决/… in Chinese)
KIND_WORDS = {"recommend": N_("recommend"), "vote": N_("vote"), "inspect": N_("inspect"), "notice": N_("notice"),
              "decide": N_("decide")}


def _kind(kind: str) -> str:
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


def _wrong_kind(err: e.WrongStageKind) -> str:
    if err.wanted == "ballots" and err.kind == "decide":
        return _("stage {stage} is a decide stage: it takes no ballots (record its sittings with `selector sitting "
                 "{stage} SITTING.toml`)").format(stage=err.stage)
    if err.wanted == "sittings":
        return _("stage {stage} is a {kind} stage: sittings are recorded for decide stages (讨论决定) and for the "
                 "re-votes (再次投票) of vote stages").format(stage=err.stage, kind=_kind(err.kind))
    if err.wanted == "ballots":
        text = (_("stage {stage} is an {kind} stage: it takes no ballots (use `selector {kind} {stage} …`)")
                if err.kind == "inspect" else
                _("stage {stage} is a {kind} stage: it takes no ballots (use `selector {kind} {stage} …`)"))
        return text.format(stage=err.stage, kind=err.kind)
    return _("stage {stage} is a {kind} stage, not {wanted}").format(stage=err.stage, kind=_kind(err.kind),
                                                                    wanted=err.wanted)


def _undecided(err: e.UndecidedPosts) -> str:
    parts = []
    for p in err.posts:
        who = _who(p.ballot, p.names)
        if p.status == "deferred":
            parts.append(_("{post} deferred (暂缓: {who})").format(post=p.post, who=who))
        elif p.status == "revote":
            parts.append(ngettext("{post} goes to a re-vote ({who} for {slots} place)",
                                  "{post} goes to a re-vote ({who} for {slots} places)", p.slots)
                         .format(post=p.post, who=who, slots=p.slots))
        else:
            parts.append(_("{post} not taken up yet ({who})").format(post=p.post, who=who))
    n = len(err.posts)
    return ngettext("stage {stage}: nothing locked, {n} post not decided: {posts} — record the sitting with "
                    "`selector sitting {stage} SITTING.toml`",
                    "stage {stage}: nothing locked, {n} posts not decided: {posts} — record the sitting with "
                    "`selector sitting {stage} SITTING.toml`", n).format(stage=err.stage, n=n,
                                                                         posts=_("; ").join(parts))


def _not_tied(err: e.NotTied) -> str:
    if err.line == "cut":
        return _("{post} is not tied at the cut line: --resolve {post}=… is not needed").format(post=err.post)
    if not err.tied:
        return _("--resolve {post}: an inspection's 递补 is chosen with --backfill {post}=ID (or --no-backfill "
                 "{post}), with --reason").format(post=err.post)
    text = ngettext("--resolve {post}: {strangers} is not tied at {post}'s backfill line",
                    "--resolve {post}: {strangers} are not tied at {post}'s backfill line", len(err.strangers))
    text = text.format(post=err.post, strangers=_(", ").join(err.strangers))
    return text + (_(" (tied: {tied})").format(tied=_(", ").join(err.tied)) if err.tied else "")


def _bad_resolve(err: e.BadResolve) -> str:
    text = _("--resolve {post}: choose exactly {slots} of the tied {tied} (got {chosen})").format(
        post=err.post, slots=err.slots, tied=_(", ").join(err.tied), chosen=_(", ").join(err.chosen) or _("none"))
    if err.above:  # the other way to write it: the whole shortlist
        text += _(", or the whole shortlist: {above} and {slots} of {tied}").format(
            above=_(", ").join(err.above), slots=err.slots, tied=_(", ").join(err.tied))
    return text


def _not_short(err: e.NotShort) -> str:
    if err.k is None:
        return _("{post} is not short: --accept-short {post} is not needed").format(post=err.post)
    return _("{post} is not short ({eligible} eligible for {k} places): --accept-short {post} is not needed"
             ).format(post=err.post, eligible=err.eligible, k=err.k)


def _no_tally(err: e.NoTallyYet) -> str:
    if err.purpose == "certify":
        return _("stage {stage} has no tally to certify: run `selector tally {stage} FILE…`").format(stage=err.stage)
    return _("stage {stage} has no tally yet: run `selector tally {stage} FILE…`").format(stage=err.stage)


def _calendar_unknown(err: e.CalendarUnknown) -> str:
    """Issue 12.4: the years without a schedule, the holidays crossed, and the two ways on."""
    years = _(", ").join(str(y) for y in err.years)
    crossed = _(", ").join(f"{day} {name}" for day, name in err.holidays) or _("none")
    year = err.years[0]
    return _("the notice {stage} cannot be counted: the official holiday schedule of {years} is not known "
             "({covered}); statutory holidays in the period (to {end} without make-up days): {crossed}. "
             "Give the State Council's schedule as [calendar.{year}] (holidays = […], workdays = […]) in the "
             "round file or its calendar file (round.calendar) and run `selector init FILE --reason \"…\"`, "
             "or give the end date: selector notice {stage} open --start DATE --end DATE --reason \"…\"").format(
        stage=err.stage, years=years, covered=err.covered, end=err.end, crossed=crossed, year=year)


def _notice_from_notice_stage(err: e.NoticeFromNoticeStage) -> str:
    if not err.notices:
        return _("--doc notice is made from a notice stage; {stage} is a {kind} stage and the round has no notice "
                 "stage").format(stage=err.stage, kind=_kind(err.kind))
    return _("--doc notice is made from a notice stage; {stage} is a {kind} stage: selector export {notice} --doc "
             "notice (notice stages: {notices})").format(stage=err.stage, kind=_kind(err.kind), notice=err.notices[0],
                                                         notices=_(", ").join(err.notices))


def _document_not_for(err: e.DocumentNotFor) -> str:
    if err.doc == "decision":
        return _("--doc decision is for decide stages (讨论决定); {stage} is a {kind} stage").format(
            stage=err.stage, kind=_kind(err.kind))
    if err.kind == "decide":
        return _("--doc {doc} is not made of a decide stage; {stage} has {docs}").format(
            doc=err.doc, stage=err.stage, docs=", ".join(err.documents))
    if err.doc == "inspection":
        return _("--doc inspection (考察情况汇总表) is for inspect stages; {stage} is a {kind} stage").format(
            stage=err.stage, kind=_kind(err.kind))
    if err.doc == "vote":
        return _("--doc vote is for vote stages; {stage} is a {kind} stage (use --doc tally)").format(
            stage=err.stage, kind=_kind(err.kind))
    return _("--doc {doc} needs a ballot stage; {stage} is a {kind} stage").format(
        doc=err.doc, stage=err.stage, kind=_kind(err.kind))


def _verify_failed(err: e.VerifyFailed) -> str:
    n = len(err.report.problems)
    return ngettext("audit verify: round {round}: {n} difference found",
                    "audit verify: round {round}: {n} differences found", n).format(round=err.report.round, n=n)


def _reason(option: str) -> str:
    return _("{option} is a correction and is recorded with its reason: give --reason \"…\"").format(option=option)


def _no_such_input(err: e.NoSuchInput) -> str:
    if err.kind == "finding":
        return _("stage {stage} has no finding {ref!r} to withdraw: give CANDIDATE/CHECK (e.g. C03/纪检), or a "
                 "file's number or name").format(stage=err.stage, ref=err.ref)
    known = _(", ").join(f"{n} {name}" for n, name in err.known) or _("none")
    text = (_("stage {stage} has no batch {ref!r} (batches: {known})") if err.kind == "batch" else
            _("stage {stage} has no file {ref!r} (files: {known})") if err.kind == "file" else
            _("stage {stage} has no {kind} {ref!r} ({kind}s: {known})"))
    return text.format(stage=err.stage, ref=err.ref, kind=err.kind, known=known)


def _holds(d: e.Dependent) -> str:
    parts = []
    if d.batches:
        parts.append(ngettext("{n} batch", "{n} batches", len(d.batches)).format(n=len(d.batches)))
    if d.files:
        parts.append(ngettext("{n} inspection file", "{n} inspection files", len(d.files)).format(n=len(d.files)))
    if d.notice:
        parts.append(_("an open notice"))
    if d.sittings:
        parts.append(ngettext("{n} sitting", "{n} sittings", d.sittings).format(n=d.sittings))
    if d.complaints:
        parts.append(ngettext("{n} complaint", "{n} complaints", len(d.complaints)).format(n=len(d.complaints)))
    if d.locked:
        parts.append(_("a locked cut"))
    if d.certified:
        parts.append(_("a certificate"))
    return _(", ").join(parts)


def _reopen_blocked(err: e.ReopenBlocked) -> str:
    n = len(err.dependents)
    return ngettext("stage {stage}'s cut cannot be re-opened: {n} later stage depends on it ({holds}); undo what "
                    "they hold first, the latest stage first (below)",
                    "stage {stage}'s cut cannot be re-opened: {n} later stages depend on it ({holds}); undo what "
                    "they hold first, the latest stage first (below)", n).format(
        stage=err.stage, n=n, holds=_("; ").join(f"{d.stage}: {_holds(d)}" for d in err.dependents))


def _reopen_steps(err: e.ReopenBlocked) -> list[str]:
    out = []
    for d in reversed(err.dependents):
        if d.certified:
            out.append(f"selector certify {d.stage} --revoke --reason \"…\"")
        if d.locked:
            out.append(f"selector cut {d.stage} --reopen --reason \"…\"")
        out += [f"selector tally {d.stage} --withdraw {n} --reason \"…\"   ({file})" for n, file in d.batches]
        out += [f"selector inspect {d.stage} --withdraw {n} --reason \"…\"   ({file})" for n, file in d.files]
        out += [f"selector notice {d.stage} withdraw-complaint {n} --reason \"…\"" for n in d.complaints]
        if d.notice:
            out.append(_("the notice {stage} is open: it has published the list, which cannot be taken back "
                         "here").format(stage=d.stage))
        if d.sittings:
            out.append(_("stage {stage} has recorded sittings: they decided on the list, which cannot be taken "
                         "back here").format(stage=d.stage))
    return out


def _change(c: e.RoundChange) -> str:
    line = f"{c.path}: {c.old} → {c.new}"
    if c.stage:
        line += _(" — stage {stage} has recorded {holds} under the stored rule").format(stage=c.stage, holds=c.holds)
    return line


def _amend_without_reason(err: e.AmendmentWithoutReason) -> str:
    n = len(err.changes)
    what = ngettext("{n} change, below", "{n} changes, below", n).format(n=n) if n else \
        _("its layout or comments only")
    return _("round {round}: {file} changes the stored round after recording started ({what}): an amendment "
             "is a correction; run again with --reason \"…\"").format(round=err.round, file=err.file, what=what)


_NOT_SELECTOR = {"folder": N_("a folder"), "empty": N_("an empty file"),
                 "foreign": N_("an SQLite database of another application"),
                 "unreadable": N_("not an SQLite database"), "damaged": N_("a damaged SQLite file")}


def _not_selector(err: e.NotSelectorDatabase) -> str:
    what = _(_NOT_SELECTOR[err.what]) if err.what in _NOT_SELECTOR else err.what
    if err.reason:
        what += _(": ") + err.reason
    return _("{path} is not a selector database ({what}): give --db a selector database, or a path that does not "
             "exist yet to `selector init`").format(path=err.path, what=what)


def _newer(err: e.NewerDatabase) -> str:
    needs = (_("selector {version} or newer").format(version=err.needs) if err.needs else _("a newer selector"))
    return _("{path} was written by a newer selector: it needs {needs} (this is selector {version}, which does "
             "not know {migration})").format(path=err.path, needs=needs, version=err.version, migration=err.migration)


def _bad_head(err) -> str:
    if err.why == "neither":
        return _("--head {value}: neither a record hash (64 hexadecimal characters) nor a file of them").format(
            value=err.value)
    if err.why == "empty":
        return _("--head {value}: the file holds no record hash").format(value=err.value)
    return _("--head {value}: the file cannot be read ({reason})").format(value=err.value, reason=err.reason)


def _bad_output(err) -> str:
    if err.why == "folder":
        return _("--out {path}: a folder: give a file name, e.g. --out {path}/FILE").format(path=err.path)
    return _("--out {path}: the folder {folder} does not exist").format(path=err.path, folder=Path(err.path).parent)


def _talked(categories) -> str:
    """The --talked options a talk stage needs: one per category, or one number."""
    return " ".join(f"--talked {c}=N" for c in categories) if categories else "--talked N"


def _counted_by_category(err) -> str:
    if not err.categories:
        return _("stage {stage} has no categories: give {option} N (one number), not {given!r}").format(
            stage=err.stage, option=err.option, given=err.given)
    return _("stage {stage} counts by category: give {option} CATEGORY=N for each of {categories} (given: "
             "{given!r})").format(stage=err.stage, option=err.option, categories=", ".join(err.categories),
                                  given=err.given)


def _returned_required(err) -> str:
    if err.talk:
        return _("stage {stage} is a 谈话调研推荐: give those talked to (实谈) with --talked N, or --talked "
                 "CATEGORY=N for each category").format(stage=err.stage)
    return _("stage {stage}: --totals needs the papers returned (--returned N, or CATEGORY=N for each category) "
             "and, with the first input, the attendance (--present N --issued N)").format(stage=err.stage)


TEXT: dict[type, Callable] = {
    e.CountsOnly: lambda x: _("stage {stage} is a 谈话调研推荐: it has no ballot papers; record its counts with "
                              "`selector tally {stage} --totals COUNTS.csv --talked N` (CATEGORY=N for each "
                              "category)").format(stage=x.stage),
    e.RecordedFromTotals: lambda x: _("stage {stage} is recorded from totals (batch {batch}, {file}): nothing can be "
                                      "added to them; to record it anew, first run `selector tally {stage} "
                                      "--withdraw {batch} --reason \"…\"`").format(stage=x.stage, batch=x.batch,
                                                                                 file=x.file),
    e.RecordedFromPapers: lambda x: _("stage {stage} already has {n} ballot batch(es): totals cannot be added to "
                                      "papers; withdraw them first (`selector tally {stage} --withdraw N --reason "
                                      "\"…\"`)").format(stage=x.stage, n=x.batches),
    e.NoPapers: lambda x: _("stage {stage} was recorded from totals: it has no ballot papers for `audit {command}` "
                            "to draw or compare (the totals file's SHA-256 is in the record; `selector audit "
                            "verify --files DIR` re-reads it)").format(stage=x.stage, command=x.command),
    e.CountedByCategory: _counted_by_category,
    e.ReturnedRequired: _returned_required,
    e.NoDatabase: lambda x: _("no database at {path}: give --db (or SELECTOR_DB), or create one with "
                              "`selector init ROUND.toml`").format(path=x.path),
    e.NoRoundYet: lambda x: _("{path} holds no round yet: run `selector init rounds/FILE.toml`").format(path=x.path),
    e.SeveralRounds: lambda x: _("{path} holds {n} rounds ({rounds}): choose one with --round ID or "
                                 "SELECTOR_ROUND").format(path=x.path, n=len(x.rounds), rounds=", ".join(x.rounds)),
    e.NotSelectorDatabase: _not_selector,
    e.NewerDatabase: _newer,
    e.WitnessWithoutDatabase: lambda x: _("{witness} is there but {path} is not: it is the witness file of an "
                                          "earlier database (deleted or moved?); move it away before `selector "
                                          "init` makes a new database there").format(witness=x.witness, path=x.path),
    e.WrongStageKind: _wrong_kind,
    e.PreviousCutNotLocked: lambda x: _("stage {stage} takes its candidates from stage {previous}, whose "
                                        "shortlist is not locked yet: run `selector cut {previous}`").format(
        stage=x.stage, previous=x.previous),
    e.NoTallyYet: _no_tally,
    e.CutNotLocked: lambda x: _("stage {stage}'s shortlist is not locked yet: run `selector cut {stage}` "
                                "before exporting the {doc}").format(stage=x.stage, doc=x.doc),
    e.AttendanceRequired: lambda x: _("stage {stage}: the first batch must give the attendance: --present N "
                                      "(实到) and --issued N (发出票)").format(stage=x.stage),
    e.DecisionWithoutReason: lambda x: _("--resolve, --accept-short, --backfill and --no-backfill are decisions: "
                                         "give --reason \"…\""),
    e.NothingToDecide: lambda x: _("stage {stage} has no [stage.cut]: nothing to resolve").format(stage=x.stage),
    e.NoticeClosesItself: lambda x: _("stage {stage} is a notice: it is confirmed with "
                                      "`selector notice {stage} close`").format(stage=x.stage),
    e.HeldCut: _held_cut,
    e.UndecidedPosts: _undecided,
    e.RevoteNotResolve: lambda x: _("stage {stage} is a {kind} stage: a tie or a failed vote is settled by voting "
                                    "again (再次投票), not by --resolve or by lot: record the re-vote with `selector "
                                    "sitting {stage} REVOTE.toml` (see selector show {stage})").format(
        stage=x.stage, kind=_kind(x.kind)),
    e.NothingToRevote: lambda x: _("stage {stage} has no post waiting for a re-vote (a tie at its line, or a post "
                                   "nobody passed with cut.shortfall = \"revote\")").format(stage=x.stage),
    e.InspectionIncomplete: _inspection_incomplete,
    e.NotTied: _not_tied,
    e.NotProposed: _not_proposed,
    e.BackfillNotHere: lambda x: _("--backfill and --no-backfill are an inspection's 递补 decisions: stage {stage} is "
                                   "not an inspect stage").format(stage=x.stage),
    e.NoConcern: lambda x: _("--{decision} {candidate}: no open concern for them at stage {stage} (only a "
                             "concern that is not yet decided is decided with --keep/--strike)").format(
        decision=x.decision, candidate=x.candidate, stage=x.stage),
    e.EvaluationUnitOptions: lambda x: (
        _("--unit, --expected and --present describe one 民主测评: give all three (got {given})").format(
            given=", ".join(x.given)) if len(x.given) < 3 else
        _("--unit, --expected and --present describe one 民主测评: give exactly one evaluation file with them "
          "(got {files})").format(files=x.files)),
    e.TiesDecidedByRound: lambda x: _("{post}: the round file decides ties at this cut (ties = \"{policy}\"): "
                                      "--resolve {post}=… cannot override it").format(post=x.post, policy=x.policy),
    e.NotShort: _not_short,
    e.TiedNotShort: lambda x: _("{post} is tied at the backfill line, not short: --resolve {post}=ID from "
                                "{tied}").format(post=x.post, tied=_(", ").join(x.tied)),
    e.ShortWithoutBackfill: lambda x: _("{post}: the stage has no backfill, so going on short needs no "
                                        "decision: leave out --accept-short {post}").format(post=x.post),
    e.BadResolve: _bad_resolve,
    e.NoticeNotOpen: lambda x: _("the notice {stage} is not open yet: selector notice {stage} open --start "
                                 "YYYY-MM-DD").format(stage=x.stage),
    e.NotOnNotice: lambda x: _("--candidate {text!r} is not on the notice {stage} ({listed})").format(
        text=x.text, stage=x.stage, listed=_(", ").join(f"{c} {n}" for c, n in x.listed)),
    e.ReceivedBeforeNotice: lambda x: _("--received {received} is before the notice opened ({start})").format(
        received=x.received, start=x.start),
    e.CalendarUnknown: _calendar_unknown,
    e.PostponeTooLong: lambda x: _("--until {until}: a postponement lasts at most three months after the "
                                   "notice ends ({limit})").format(until=x.until, limit=x.limit),
    e.PostponeBeforeEnd: lambda x: _("--until {until} is before the notice ends ({end})").format(
        until=x.until, end=x.end),
    e.TooFewSigners: lambda x: (
        (ngettext("certify {stage}: {need} teller must sign (round.certify.tellers), got {got}: give --teller "
                  "NAME for each",
                  "certify {stage}: {need} tellers must sign (round.certify.tellers), got {got}: give --teller "
                  "NAME for each", x.need) if x.role == "teller" else
         ngettext("certify {stage}: {need} scrutineer must sign (round.certify.scrutineers), got {got}: give "
                  "--scrutineer NAME for each",
                  "certify {stage}: {need} scrutineers must sign (round.certify.scrutineers), got {got}: give "
                  "--scrutineer NAME for each", x.need)).format(stage=x.stage, need=x.need, got=x.got)),
    e.SameFileTwice: lambda x: _("--check-against {second} is the same file as {first}: double entry needs a "
                                 "second, independent keying").format(first=x.first, second=x.second),
    e.NotAFolder: lambda x: _("--files {path}: not a folder").format(path=x.path),
    e.BinaryToStdout: lambda x: _("--format {format} is a binary file: give --out PATH, not -").format(format=x.format),
    e.BadHead: _bad_head,
    e.BadOutput: _bad_output,
    e.OutputFailed: lambda x: _("cannot write {path}: {reason}; nothing was changed").format(path=x.path,
                                                                                           reason=x.reason),
    e.OutputExists: lambda x: _("{path} already exists: give --force to replace it, or another --out").format(
        path=x.path),
    e.NotXmlText: lambda x: _("--format {format}: {text!r} holds a control character, which {upper} files cannot "
                              "hold: export it with --format md or csv").format(format=x.format, text=x.text,
                                                                                 upper=x.format.upper()),
    e.DocumentNotFor: _document_not_for,
    e.NoticeFromNoticeStage: _notice_from_notice_stage,
    e.NoListToPrint: lambda x: _("stage {stage} has no [stage.cut]: it chose nobody and passes its whole list "
                                 "on, so it has no 名单 to print; export its count with `selector export {stage} "
                                 "--doc tally`").format(stage=x.stage),
    e.PapersNotFor: lambda x: _("stage {stage} is a {kind} stage: it has no ballot papers (papers are for "
                                "recommend and vote stages, and inspect stages with an evaluation)").format(
        stage=x.stage, kind=_kind(x.kind)),
    e.VerifyFailed: _verify_failed,
    e.ReasonRequired: lambda x: _reason(x.option),
    e.CorrectLockedStage: lambda x: _("stage {stage}'s cut is locked: re-open it first with "
                                      "`selector cut {stage} --reopen --reason \"…\"`").format(stage=x.stage),
    e.CorrectCertifiedStage: lambda x: _("stage {stage} is certified: its count is frozen; revoke the certificate "
                                         "first with `selector certify {stage} --revoke --reason \"…\"`").format(
        stage=x.stage),
    e.CorrectUsedStage: lambda x: _("stage {stage}'s results were used by the locked cut of {users}: re-open it "
                                    "first with `selector cut {last} --reopen --reason \"…\"`").format(
        stage=x.stage, users=", ".join(x.users), last=x.users[-1]),
    e.NoSuchInput: _no_such_input,
    e.ReopenBlocked: _reopen_blocked,
    e.RoundChangeRefused: lambda x: _("round {round} already has tallied ballots and {file} has changed: a stored "
                                      "round's rules cannot change after counting starts; give the changed file a "
                                      "new round id").format(round=x.round, file=x.file),
    e.AmendmentWithoutReason: _amend_without_reason,
    e.NothingReplaced: lambda x: _("--replace: {file} replaces no finding of stage {stage}; record it without "
                                   "--replace").format(file=x.file, stage=x.stage),
    e.CorrectionAlone: lambda x: _("{option} takes no {others}: correct first, then record or decide again with a "
                                   "command of its own").format(option=x.option, others=", ".join(x.others)),
    e.InputsRequired: lambda x: (_("give the FILE(s) to {command} for stage {stage}, or correct one with "
                                   "`selector {command} {stage} --withdraw BATCH --reason \"…\"`")
                                 if x.command == "tally" else
                                 _("give the FILE(s) to {command} for stage {stage}, or correct one with "
                                   "`selector {command} {stage} --withdraw FILE|CANDIDATE/CHECK --reason \"…\"`")
                                 ).format(command=x.command, stage=x.stage),
    e.ReasonWithoutCorrection: lambda x: _("--reason goes with {options} (a correction); this command records "
                                           "none").format(options=" or ".join(x.options)),
}

DETAILS: dict[type, Callable] = {e.InspectionIncomplete: _inspection_details,
                                 e.VerifyFailed: lambda x: [problem(p) for p in x.report.problems],
                                 e.ReopenBlocked: _reopen_steps,
                                 e.RoundChangeRefused: lambda x: [_change(c) for c in x.refused],
                                 e.AmendmentWithoutReason: lambda x: [_change(c) for c in x.changes]}


def place(err: e.Located) -> str:
    """Where in a file: "rec1.csv: row 3, column 2 (category): " in the interface language."""
    return e.place_text(err.place, {"row": _("row {row}"), "line": _("line {line}"),
                                    "column": _("column {column}"), "heading": _("column {column} ({heading})"),
                                    "no heading": _("no header"), "key": "{key}", "colon": _(": "),
                                    "joiner": _(", ")})


def text(err: e.SelectorError) -> str:
    """The refusal's one line (without "error: ")."""
    render = TEXT.get(type(err))
    if render is not None:
        return render(err)
    where = place(err) if isinstance(err, e.Located) else ""
    if not err.params:
        return where + _(err.template) if where else _(err.message)
    # A field may itself be a refusal (what made this one: a roster that cannot be read): worded too.
    params = {k: text(v) if isinstance(v, e.SelectorError) else v for k, v in err.params.items()}
    try:
        return where + _(err.template).format(**params)
    except (KeyError, IndexError, ValueError):  # a translation that lost a field: the English
        return err.message


def details(err: e.SelectorError) -> list[str]:
    """The refusal's detail lines."""
    render = DETAILS.get(type(err))
    return render(err) if render else err.details


def failure(err: BaseException) -> str:
    """The one line for what no refusal foresaw: memory or disk running out, a file or the
    database failing underneath (the command's writes were rolled back)."""
    if isinstance(err, MemoryError):
        return ("out of memory: nothing was changed (close other programs, or give the files in "
                "smaller batches)")
    if isinstance(err, OSError):
        where = f" ({err.filename})" if getattr(err, "filename", None) else ""
        return f"{err.strerror or type(err).__name__}{where}: nothing was changed"
    return f"the database failed ({str(err)[:120]}): nothing was changed"


# -- next steps ----------------------------------------------------------------------------

def _next_cut(step: s.Cut) -> str:
    if step.tied or step.short:
        parts = [f"--resolve {p}=ID,…" for p in step.tied] + [f"--accept-short {p}" for p in step.short]
        return _("selector cut {stage} {decisions} --reason \"…\" (see selector show {stage})").format(
            stage=step.stage, decisions=" ".join(parts))
    if step.held:
        return _("selector cut {stage} --resolve/--accept-short … --reason \"…\" (see selector show {stage})"
                 ).format(stage=step.stage)
    return f"selector cut {step.stage}"


def _next_inspect(step: s.Inspect) -> str:
    who = _(", ").join(f"{cid}: {'/'.join(m)}" for cid, m in step.missing[:4])
    if len(step.missing) > 4:
        who += _(" and {n} more").format(n=len(step.missing) - 4)
    return _("selector inspect {stage} FINDINGS.csv … (missing {who})").format(stage=step.stage, who=who)


def _people(found) -> str:
    who = _(", ").join(f"{cid}: {'/'.join(m)}" for cid, m in found[:4])
    if len(found) > 4:
        who += _(" and {n} more").format(n=len(found) - 4)
    return who


def _next_backfill(step: s.Backfill) -> str:
    parts = [f"--backfill {post}={ids[0]}" if ids else f"--no-backfill {post}" for post, ids in step.proposed]
    return _("selector cut {stage} {decisions} --reason \"…\" (递补 is a decision: see selector show {stage})").format(
        stage=step.stage, decisions=" ".join(parts))


def _entitled(step: s.Tally) -> str:
    return (_("electorate {n}") if step.entitled_name == "electorate" else _("members {n}")).format(n=step.entitled)


NEXT: dict[type, Callable] = {
    s.Tally: lambda x: _("selector tally {stage} BALLOTS.csv --present N --issued N ({entitled})").format(
        stage=x.stage, entitled=_entitled(x)),
    s.TallyTalk: lambda x: _("selector tally {stage} --totals COUNTS.csv {talked} (谈话调研推荐)").format(
        stage=x.stage, talked=_talked(x.categories)),
    s.MoreOrCut: lambda x: _("selector tally {stage} MORE.csv (another batch), or selector cut {stage}").format(
        stage=x.stage),
    s.Cut: _next_cut,
    s.Inspect: _next_inspect,
    s.Pending: lambda x: _("record the findings of the checks 核查中 when they are done: selector inspect {stage} "
                           "FINDINGS.csv ({who})").format(stage=x.stage, who=_people(x.pending)),
    s.Settle: lambda x: _("decide the concerns: selector inspect {stage} --keep ID|--strike ID --reason \"…\" "
                          "({who})").format(stage=x.stage, who=_people(x.concerns)),
    s.Backfill: _next_backfill,
    s.OpenNotice: lambda x: _("selector notice {stage} open --start YYYY-MM-DD").format(stage=x.stage),
    s.ResolveComplaint: lambda x: _("selector notice {stage} resolve {n} --outcome unfounded|minor|serious|postpone "
                                    "--note \"…\"").format(stage=x.stage, n=x.number),
    s.CloseNotice: lambda x: _("selector notice {stage} close (once {end} has passed)").format(stage=x.stage,
                                                                                           end=x.end),
    s.Blocked: lambda x: text(x.error),
    s.Sitting: lambda x: (_("selector sitting {stage} REVOTE.toml (a re-vote (再次投票) of {posts})") if x.revote else
                          _("selector sitting {stage} SITTING.toml (posts open: {posts})")).format(
        stage=x.stage, posts=_(", ").join(x.posts)),
}


def next_step(step) -> str | None:
    """The command line (or the reason it cannot be given yet) for a next step."""
    return None if step is None else NEXT[type(step)](step)


def worded(view: dict) -> dict:
    """A view whose values are ready to print: a refusal it carries (why a stage waits) as text."""
    if isinstance(view.get("waiting"), e.SelectorError):
        return {**view, "waiting": text(view["waiting"])}
    return view


def problem(p) -> str:
    """One difference `audit verify` found (service.recheck.Problem), as a line: its place and
    its message, each a template looked up in the catalog, filled from the fields (a refusal
    among them worded like any refusal)."""
    fields = {k: text(v) if isinstance(v, e.SelectorError) else v for k, v in p.fields.items()}
    try:
        return _(p.where).format(**fields) + _(": ") + _(p.message).format(**fields)
    except (KeyError, IndexError, ValueError):  # a translation that lost a field: the English
        return f"{p.where.format(**fields)}: {p.message.format(**fields)}"


def verify_summary(report) -> str:
    """What `audit verify` checked, when everything holds."""
    other = ""
    if report.inspections:
        other += ngettext("{n} inspection file re-read, ", "{n} inspection files re-read, ",
                          report.inspections).format(n=report.inspections)
    if report.sittings:
        other += ngettext("{n} sitting re-read, ", "{n} sittings re-read, ", report.sittings).format(n=report.sittings)
    if report.notices:
        other += (ngettext("{n} notice with ", "{n} notices with ", report.notices).format(n=report.notices)
                  + ngettext("{n} complaint rechecked, ", "{n} complaints rechecked, ",
                             report.complaints).format(n=report.complaints))
    return (ngettext("round {round}: {events} events chained (head {head}), {n} stage recounted from "
                     "{ballots} stored ballots, ",
                     "round {round}: {events} events chained (head {head}), {n} stages recounted from "
                     "{ballots} stored ballots, ", len(report.stages)).format(
        round=report.round, events=report.events, head=report.head, n=len(report.stages),
        ballots=report.ballots)
        + other
        + (ngettext("{n} stage recorded from totals re-read from its stored counts (no papers to recount: "
                    "{stages}), ",
                    "{n} stages recorded from totals re-read from their stored counts (no papers to recount: "
                    "{stages}), ", len(report.totals)).format(n=len(report.totals), stages=", ".join(report.totals))
           if report.totals else "")
        + (ngettext("{n} correction rechecked, ", "{n} corrections rechecked, ", report.corrections).format(
            n=report.corrections) if report.corrections else "")
        + ngettext("{n} cut rechecked, ", "{n} cuts rechecked, ", report.cuts).format(n=report.cuts)
        + ngettext("{n} file re-hashed", "{n} files re-hashed", report.files).format(n=report.files)
        + (ngettext(", {n} record hash kept outside found in the chain",
                    ", {n} record hashes kept outside found in the chain", report.anchors).format(n=report.anchors)
           if report.anchors else "")
        + _(": all hold"))
