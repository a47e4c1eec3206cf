"""The sentences: typed refusals and next steps, worded for the clerk.

The domain and the service raise errors that carry data (`errors.py`) and return next steps
as values (`service.steps`); this module is the one place that turns them into words, with
the command lines to type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from selector import errors as e
from selector.service import steps as s


def _plural(n: int, word: str) -> str:
    return f"{word}{'s' if n != 1 else ''}"


def _held_cut(err: e.HeldCut) -> str:
    parts = []
    for h in err.held:
        if h.status == "tied":
            parts.append(f"{h.post} tied ({', '.join(h.tied)} for {h.slots} "
                         f"place{'s' if h.slots > 1 else ''}: --resolve {h.post}=ID)")
        else:
            parts.append(f"{h.post} short ({h.eligible} eligible for {h.k}: --accept-short {h.post})")
    n = len(err.held)
    return (f"stage {err.stage}: nothing locked, {n} post{'s' if n > 1 else ''} held: "
            + "; ".join(parts) + " — give the decision with --reason \"…\"")


def _inspection_incomplete(err: e.InspectionIncomplete) -> str:
    n = len(err.missing)
    return (f"stage {err.stage}: nothing locked: {n} {_plural(n, 'candidate')} missing checks, "
            f"{len(err.held)} post(s) held")


def _inspection_details(err: e.InspectionIncomplete) -> list[str]:
    out = [f"{m.candidate} {m.name} ({', '.join(m.posts)}): missing {', '.join(m.missing)}"
           for m in err.missing]
    for h in err.held:
        if h.status == "tied":
            out.append(f"{h.post}: backfill tied between {', '.join(h.tied)} for {h.slots} "
                       f"place{'s' if h.slots > 1 else ''}: --resolve {h.post}=ID --reason \"…\"")
        else:
            out.append(f"{h.post}: short ({h.eligible} of {h.k} after strikes, nobody left to "
                       f"backfill): --accept-short {h.post} --reason \"…\"")
    return out


def _wrong_kind(err: e.WrongStageKind) -> str:
    if err.wanted == "ballots":
        article = "an" if err.kind == "inspect" else "a"
        return (f"stage {err.stage} is {article} {err.kind} stage: it takes no ballots "
                f"(use `selector {err.kind} {err.stage} …`)")
    return f"stage {err.stage} is a {err.kind} stage, not {err.wanted}"


def _not_tied(err: e.NotTied) -> str:
    if err.line == "cut":
        return f"{err.post} is not tied at the cut line: --resolve {err.post}=… is not needed"
    verb = "is" if len(err.strangers) == 1 else "are"
    return (f"--resolve {err.post}: {', '.join(err.strangers)} {verb} not tied at {err.post}'s "
            "backfill line" + (f" (tied: {', '.join(err.tied)})" if err.tied else ""))


def _not_short(err: e.NotShort) -> str:
    if err.k is None:
        return f"{err.post} is not short: --accept-short {err.post} is not needed"
    return (f"{err.post} is not short ({err.eligible} eligible for {err.k} places): "
            f"--accept-short {err.post} is not needed")


def _no_tally(err: e.NoTallyYet) -> str:
    what = "to certify" if err.purpose == "certify" else "yet"
    return f"stage {err.stage} has no tally {what}: run `selector tally {err.stage} FILE…`"


def _document_not_for(err: e.DocumentNotFor) -> str:
    if err.doc == "vote":
        return f"--doc vote is for vote stages; {err.stage} is a {err.kind} stage (use --doc tally)"
    return f"--doc {err.doc} needs a ballot stage; {err.stage} is a {err.kind} stage"


def _verify_failed(err) -> str:
    n = len(err.report.problems)
    return f"audit verify: round {err.report.round}: {n} difference{'s' if n > 1 else ''} found"


_NOT_SELECTOR = {"folder": "a folder", "empty": "an empty file",
                 "foreign": "an SQLite database of another application",
                 "unreadable": "not an SQLite database", "damaged": "a damaged SQLite file"}


def _not_selector(err: e.NotSelectorDatabase) -> str:
    return (f"{err.path} is not a selector database ({_NOT_SELECTOR.get(err.what, err.what)}"
            f"{': ' + err.reason if err.reason else ''}): give --db a selector database, or a "
            "path that does not exist yet to `selector init`")


def _newer(err: e.NewerDatabase) -> str:
    needs = f"selector {err.needs} or newer" if err.needs else "a newer selector"
    return (f"{err.path} was written by a newer selector: it needs {needs} (this is selector "
            f"{err.version}, which does not know {err.migration})")


TEXT: dict[type, Callable] = {
    e.NotSelectorDatabase: _not_selector,
    e.NewerDatabase: _newer,
    e.WitnessWithoutDatabase: lambda x: (f"{x.witness} is there but {x.path} is not: it is the witness "
                                         "file of an earlier database (deleted or moved?); move it "
                                         "away before `selector init` makes a new database there"),
    e.NoDatabase: lambda x: (f"no database at {x.path}: give --db (or SELECTOR_DB), "
                             "or create one with `selector init ROUND.toml`"),
    e.NoRoundYet: lambda x: f"{x.path} holds no round yet: run `selector init rounds/FILE.toml`",
    e.SeveralRounds: lambda x: (f"{x.path} holds {len(x.rounds)} rounds ({', '.join(x.rounds)}): "
                                "choose one with --round ID or SELECTOR_ROUND"),
    e.WrongStageKind: _wrong_kind,
    e.PreviousCutNotLocked: lambda x: (f"stage {x.stage} takes its candidates from stage {x.previous}, "
                                       f"whose shortlist is not locked yet: run `selector cut {x.previous}`"),
    e.NoTallyYet: _no_tally,
    e.CutNotLocked: lambda x: (f"stage {x.stage}'s shortlist is not locked yet: run "
                               f"`selector cut {x.stage}` before exporting the {x.doc}"),
    e.AttendanceRequired: lambda x: (f"stage {x.stage}: the first batch must give the attendance: "
                                     "--present N (实到) and --issued N (发出票)"),
    e.DecisionWithoutReason: lambda x: "--resolve and --accept-short are decisions: give --reason \"…\"",
    e.NothingToDecide: lambda x: f"stage {x.stage} has no [stage.cut]: nothing to resolve",
    e.NoticeClosesItself: lambda x: (f"stage {x.stage} is a notice: it is confirmed with "
                                     f"`selector notice {x.stage} close`"),
    e.HeldCut: _held_cut,
    e.InspectionIncomplete: _inspection_incomplete,
    e.NotTied: _not_tied,
    e.TiesDecidedByRound: lambda x: (f"{x.post}: the round file decides ties at this cut "
                                     f"(ties = \"{x.policy}\"): --resolve {x.post}=… cannot override it"),
    e.NotShort: _not_short,
    e.TiedNotShort: lambda x: (f"{x.post} is tied at the backfill line, not short: "
                               f"--resolve {x.post}=ID from {', '.join(x.tied)}"),
    e.ShortWithoutBackfill: lambda x: (f"{x.post}: the stage has no backfill, so going on short needs "
                                       f"no decision: leave out --accept-short {x.post}"),
    e.BadResolve: lambda x: (f"--resolve {x.post}: choose exactly {x.slots} of the tied "
                             f"{', '.join(x.tied)} (got {', '.join(x.chosen) or 'none'})"),
    e.NoticeNotOpen: lambda x: (f"the notice {x.stage} is not open yet: "
                                f"selector notice {x.stage} open --start YYYY-MM-DD"),
    e.NotOnNotice: lambda x: (f"--candidate {x.text!r} is not on the notice {x.stage} ("
                              + ", ".join(f"{c} {n}" for c, n in x.listed) + ")"),
    e.ReceivedBeforeNotice: lambda x: f"--received {x.received} is before the notice opened ({x.start})",
    e.PostponeTooLong: lambda x: (f"--until {x.until}: a postponement lasts at most three months after "
                                  f"the notice ends ({x.limit})"),
    e.PostponeBeforeEnd: lambda x: f"--until {x.until} is before the notice ends ({x.end})",
    e.TooFewSigners: lambda x: (f"certify {x.stage}: {x.need} {x.role}{'s' if x.need > 1 else ''} "
                                f"must sign (round.certify.{x.role}s), got {x.got}: "
                                f"give --{x.role} NAME for each"),
    e.SameFileTwice: lambda x: (f"--check-against {x.second} is the same file as {x.first}: "
                                "double entry needs a second, independent keying"),
    e.NotAFolder: lambda x: f"--files {x.path}: not a folder",
    e.BadHead: lambda x: {
        "neither": f"--head {x.value}: neither a record hash (64 hexadecimal characters) nor a file of them",
        "empty": f"--head {x.value}: the file holds no record hash",
    }.get(x.why, f"--head {x.value}: the file cannot be read ({x.reason})"),
    e.BinaryToStdout: lambda x: f"--format {x.format} is a binary file: give --out PATH, not -",
    e.BadOutput: lambda x: (f"--out {x.path}: a folder: give a file name, e.g. --out {x.path}/FILE"
                            if x.why == "folder" else
                            f"--out {x.path}: the folder {Path(x.path).parent} does not exist"),
    e.OutputFailed: lambda x: f"cannot write {x.path}: {x.reason}; nothing was changed",
    e.OutputExists: lambda x: (f"{x.path} already exists: give --force to replace it, or another "
                               "--out"),
    e.NotXmlText: lambda x: (f"--format {x.format}: {x.text!r} holds a control character, which "
                             f"{x.format.upper()} files cannot hold: export it with --format md or csv"),
    e.DocumentNotFor: _document_not_for,
    e.VerifyFailed: _verify_failed,
}

DETAILS: dict[type, Callable] = {e.InspectionIncomplete: _inspection_details,
                                 e.VerifyFailed: lambda x: [problem(p) for p in x.report.problems]}


def text(err: e.SelectorError) -> str:
    """The refusal's one line (without "error: ")."""
    render = TEXT.get(type(err))
    return render(err) if render else err.message


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
        return f"selector cut {step.stage} {' '.join(parts)} --reason \"…\" (see selector show {step.stage})"
    if step.held:
        return (f"selector cut {step.stage} --resolve/--accept-short … --reason \"…\" "
                f"(see selector show {step.stage})")
    return f"selector cut {step.stage}"


def _next_inspect(step: s.Inspect) -> str:
    who = ", ".join(f"{cid}: {'/'.join(m)}" for cid, m in step.missing[:4])
    more = f" and {len(step.missing) - 4} more" if len(step.missing) > 4 else ""
    return f"selector inspect {step.stage} FINDINGS.csv … (missing {who}{more})"


NEXT: dict[type, Callable] = {
    s.Tally: lambda x: (f"selector tally {x.stage} BALLOTS.csv --present N --issued N "
                        f"({x.entitled_name} {x.entitled})"),
    s.MoreOrCut: lambda x: f"selector tally {x.stage} MORE.csv (another batch), or selector cut {x.stage}",
    s.Cut: _next_cut,
    s.Inspect: _next_inspect,
    s.OpenNotice: lambda x: f"selector notice {x.stage} open --start YYYY-MM-DD",
    s.ResolveComplaint: lambda x: (f"selector notice {x.stage} resolve {x.number} --outcome "
                                   "unfounded|minor|serious|postpone --note \"…\""),
    s.CloseNotice: lambda x: f"selector notice {x.stage} close (on or after {x.end})",
    s.Blocked: lambda x: text(x.error),
}


def next_step(step: s.Step | None) -> str | None:
    """The command line (or the reason it cannot be given yet) for a next step."""
    return None if step is None else NEXT[type(step)](step)


def worded(view: dict) -> dict:
    """A view whose values are ready to print: a refusal it carries (why a stage waits) as text."""
    if isinstance(view.get("waiting"), e.SelectorError):
        return {**view, "waiting": text(view["waiting"])}
    return view


def problem(p) -> str:
    """One difference `audit verify` found, as a line."""
    return f"{p.where}: " + "".join(text(x) if isinstance(x, e.SelectorError) else x for x in p.parts)


def verify_summary(report) -> str:
    """What `audit verify` checked, when everything holds."""
    other = ""
    if report.inspections:
        other += f"{report.inspections} inspection {_plural(report.inspections, 'file')} re-read, "
    if report.notices:
        other += (f"{report.notices} {_plural(report.notices, 'notice')} with {report.complaints} "
                  f"{_plural(report.complaints, 'complaint')} rechecked, ")
    anchors = (f", {report.anchors} record {'hash' if report.anchors == 1 else 'hashes'} kept outside "
               "found in the chain") if report.anchors else ""
    return (f"round {report.round}: {report.events} events chained (head {report.head}), "
            f"{len(report.stages)} {_plural(len(report.stages), 'stage')} recounted from "
            f"{report.ballots} stored ballots, {other}{report.cuts} {_plural(report.cuts, 'cut')} "
            f"rechecked, {report.files} {_plural(report.files, 'file')} re-hashed{anchors}: all hold")
