"""Use cases: what each command does, between the files, the database and the domain rules.

Commands call one function or method here; nothing here prints or exits.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from selector.readers import roundfile
from selector.domain.counting import Count, Resolver, StageCount
from selector.domain.cuts import PassRule, PostCut, cut_post, lot_seed, score
from selector.domain.model import Round, Stage
from selector.errors import BallotFileError, NotFound, RuleError, UsageError
from selector.storage import digest
from selector.storage.store import Store

if TYPE_CHECKING:  # the ballot reader is imported when a tally needs it (start-up time)
    from selector.readers.ballots import Paper

Progress = Callable[[int, int], None]


def check_round(path: str | Path) -> Round:
    """Validate a round file (and its roster) without touching any database."""
    round_, _ = roundfile.load(path)
    return round_


def init_round(store: Store, path: str | Path, operator: str) -> tuple[Round, str]:
    """Store a round. Returns (round, "stored" | "unchanged" | "updated")."""
    path = Path(path)
    round_, sources = roundfile.load(path)
    sha = hashlib.sha256(b"".join(sources[k] for k in sorted(sources))).hexdigest()
    with store.write():
        existing = store.round_row(round_.id)
        if existing and existing["sha256"] == sha:
            return round_, "unchanged"
        if existing:
            if store.tallied_batches(round_.id):
                raise RuleError(f"round {round_.id} already has tallied ballots and {path} has changed: "
                                "a stored round's rules cannot change after counting starts; "
                                "give the changed file a new round id")
        store.save_round(round_, path.name, sha, sources)
        store.log(round_.id, operator, "init", details={"file": path.name, "title": round_.title,
                                                        "change": "updated" if existing else "stored",
                                                        "sha256": sha},
                  files={name: hashlib.sha256(data).hexdigest() for name, data in sources.items()})
    return round_, "updated" if existing else "stored"


def open_round(store: Store, round_id: str | None) -> Round:
    """The round named, or the only one in the database."""
    ids = store.round_ids()
    if round_id is None:
        if not ids:
            raise NotFound(f"{store.path} holds no round yet: run `selector init rounds/FILE.toml`")
        if len(ids) > 1:
            raise UsageError(f"{store.path} holds {len(ids)} rounds ({', '.join(ids)}): "
                             "choose one with --round ID or SELECTOR_ROUND")
        round_id = ids[0]
    row = store.round_row(round_id)
    if row is None:
        raise NotFound(f"no round {round_id!r} in {store.path} (rounds: {', '.join(ids) or 'none'})")
    return roundfile.from_sources(row["main"], store.round_files(round_id))


@dataclass
class TallyResult:
    stage: Stage
    count: StageCount
    batches: list[dict] = field(default_factory=list)  # file, sha256, ballots, rows, encoding
    present: int | None = None
    issued: int | None = None
    dry_run: bool = False


class Selection:
    """One stored round and the operations on it."""

    def __init__(self, store: Store, round_id: str | None, operator: str):
        self.store = store
        self.operator = operator
        self.round = open_round(store, round_id)
        self.roster = {c.id: c for c in self.round.candidates}

    # -- pipeline ---------------------------------------------------------------------
    def ballot_stage(self, stage_id: str) -> Stage:
        stage = self.round.stage(stage_id)
        if not stage.takes_ballots:
            article = "an" if stage.kind == "inspect" else "a"
            raise UsageError(f"stage {stage.id} is {article} {stage.kind} stage: it takes no ballots "
                             f"(use `selector {stage.kind} {stage.id} …`)")
        return stage

    def lists(self, stage: Stage) -> dict[str, tuple[str, ...]]:
        """Each post's candidate list at `stage`: the roster, or the previous stage's locked cut."""
        if self.takes_roster(stage):
            return {p.id: tuple(c.id for c in self.round.candidates if c.eligible_for(p.id))
                    for p in self.round.posts}
        previous = self.round.previous(stage)
        cut = self.store.locked_cut(self.round.id, previous.id)
        if cut is None:
            raise RuleError(f"stage {stage.id} takes its candidates from stage {previous.id}, "
                            f"whose shortlist is not locked yet: run `selector cut {previous.id}`")
        return {p.id: tuple(cut[p.id]["advanced"]) if p.id in cut else () for p in self.round.posts}

    def takes_roster(self, stage: Stage) -> bool:
        """Does the stage's list come from the roster (not from a previous stage's cut)?"""
        return stage.candidates == "roster" or self.round.previous(stage) is None

    def pass_base(self, stage: Stage, valid: int) -> int:
        """The number the cut's pass line is a share of, for a post with `valid` ballots."""
        present = self.store.stage_row(self.round.id, stage.id)["present"] or 0
        return {"members": stage.entitled, "present": present, "valid": valid}[stage.cut.pass_base]

    def stored_decisions(self, stage: Stage):
        """The locked cut's rows and the decisions it was made with: (rows, resolve, accept_short,
        reasons), so its rankings can be rebuilt exactly."""
        cut = self.store.locked_cut(self.round.id, stage.id) or {}
        resolve = {p: tuple(r["chosen"]) for p, r in cut.items() if r["decision"] == "resolved"}
        accept = [p for p, r in cut.items() if r["decision"] == "accepted-short"]
        reasons = {p: r["reason"] for p, r in cut.items() if r["reason"]}
        return cut, resolve, accept, reasons

    def paper(self, stage: Stage) -> Paper:
        from selector.readers.ballots import Paper

        return Paper(stage, self.round.posts, self.lists(stage), Resolver(self.round.candidates))

    def state(self, stage: Stage) -> dict:
        row = self.store.stage_row(self.round.id, stage.id)
        return {"row": row, "locked": bool(row["locked_at"]), "certified": bool(row["certified_at"]),
                "batches": self.store.batches(self.round.id, stage.id)}

    def users_of(self, stage: Stage) -> list[str]:
        """Later stages whose locked cut was scored on this stage's results."""
        return [s.id for s in self.round.stages
                if s.id != stage.id and s.cut and stage.id in dict(s.cut.score)
                and self.store.stage_row(self.round.id, s.id)["locked_at"]]

    # -- tally --------------------------------------------------------------------------
    def tally(self, stage_id: str, files: list[Path], *, present: int | None = None,
              issued: int | None = None, dry_run: bool = False, layout: str = "wide",
              encoding: str | None = None, sheet: str | None = None,
              progress: Progress | None = None, checked: dict | None = None) -> TallyResult:
        """Validate ballot files and (unless dry_run) record them as batches of the stage.

        `checked`: the double-entry check the file passed (recorded in the tally event)."""
        stage = self.ballot_stage(stage_id)
        try:
            with _gc_paused(), self.store.write(), contextlib.ExitStack() as opened:
                return self._tally(stage, files, present, issued, dry_run, layout, encoding,
                                   sheet, progress, opened, checked)
        except _Refused as refusal:
            failure = refusal
        if dry_run:  # a dry run stores nothing, not even its refusal
            raise RuleError(failure.message)
        # A rule refusal (attendance, more returned than issued) is itself part of the record.
        with self.store.write():
            self.store.log(self.round.id, self.operator, "tally refused", stage.id,
                           {"reason": failure.message}, failure.files)
        raise RuleError(failure.message)

    def _tally(self, stage, files, present, issued, dry_run, layout, encoding, sheet, progress,
               opened: contextlib.ExitStack, checked=None):
        from selector.readers.ballots import interpret
        from selector.readers.tables import open_table

        rid = self.round.id
        state = self.state(stage)
        if state["certified"]:
            raise RuleError(f"stage {stage.id} is certified: its count is frozen")
        if state["locked"]:
            raise RuleError(f"stage {stage.id}'s cut is locked: no more ballots can be added")
        users = self.users_of(stage)
        if users:
            raise RuleError(f"stage {stage.id}'s results were used by the locked cut of "
                            f"{', '.join(users)}: no more ballots can be added")
        paper = self.paper(stage)
        row = state["row"]
        present, issued = self._attendance(stage, row, present, issued)
        known_sha = {b["sha256"]: b["file"] for b in state["batches"]}
        start = self.store.load_count(rid, stage, self.round.posts, paper.lists)
        counter = Count(stage, self.round.posts, paper.lists, paper.resolver, self.roster, start)
        result = TallyResult(stage, counter.result, present=present, issued=issued, dry_run=dry_run)
        returned_before = counter.result.returned
        numbers_here: dict[str, str] = {}
        given: dict[str, str] = {}  # sha256 -> file, in this command
        total = sum(Path(f).stat().st_size for f in files if Path(f).is_file())
        done = 0
        for path in files:
            table = opened.enter_context(open_table(path, encoding=encoding, sheet=sheet))
            if table.sha256 in given:
                raise BallotFileError(f"{table.name}: the same file as {given[table.sha256]}, "
                                      "given twice in this command")
            if table.sha256 in known_sha:
                raise BallotFileError(f"{table.name}: this exact file was already tallied "
                                      f"for stage {stage.id} (as {known_sha[table.sha256]})")
            named = {**{b["file"]: "already tallied" for b in state["batches"]},
                     **{Path(f).name: "given in this command" for f in given.values()}}
            if Path(path).name in named:
                # The record names batches by file name: two different files must not share one.
                raise BallotFileError(f"{table.name}: another file named {Path(path).name} was "
                                      f"{named[Path(path).name]} for stage {stage.id}; rename this "
                                      "one (e.g. after its counting team) so the record tells them apart")
            given[table.sha256] = table.name
            if checked and checked["tallied_sha256"] != table.sha256:
                raise BallotFileError(f"{table.name}: changed since the double-entry check; run it again")
            batch = None if dry_run else self.store.add_batch(
                {"round": rid, "stage": stage.id, "file": Path(path).name, "sha256": table.sha256,
                 "encoding": table.encoding, "layout": layout, "sheet": sheet,
                 "header": _json(table.header), "rows": 0, "ballots": 0})
            rows = _stored(self.store, batch, _json(table.header), table.chunks, progress and (
                lambda base=done, t=table: progress(base + t.progress(), total)))
            ballots = 0
            numbers: dict[str, int | None] = {}  # ballot number -> its row in this file
            for ballot in interpret(paper, table.name, table.header, itertools.chain.from_iterable(rows),
                                    layout):
                if ballot.number in numbers_here:
                    raise BallotFileError(f"{table.name}: row {ballot.line}: ballot {ballot.number} is "
                                          f"also in {numbers_here[ballot.number]} (given in this same "
                                          "command)")
                numbers_here[ballot.number] = table.name
                numbers[ballot.number] = ballot.line
                counter.add(ballot)
                ballots += 1
            if not ballots:
                raise BallotFileError(f"{table.name}: row 2: no ballots after the header")
            clash = self.store.tallied_numbers(rid, stage.id, list(numbers))
            if clash:
                first = min(clash, key=lambda n: numbers[n] or 0)
                raise BallotFileError(f"{table.name}: row {numbers[first]}: ballot {first} was already "
                                      f"tallied in {clash[first]} ("
                                      + (f"{len(clash)} ballot numbers repeat" if len(clash) > 1
                                         else "1 ballot number repeats") + " an earlier batch)")
            done += table.size
            # The record keeps the file's name, not the clerk's folders (`audit verify --files`
            # finds it by name).
            result.batches.append({"file": Path(path).name, "sha256": table.sha256, "ballots": ballots,
                                   "rows": rows.count, "encoding": table.encoding})
            if batch is not None:
                self.store.add_papers(rid, stage.id, batch, numbers)
                self.store.update("batches", {"id": batch}, {"rows": rows.count, "ballots": ballots})
                result.batches[-1]["rows_sha256"] = rows.digest()
        returned = counter.result.returned
        if returned > issued:
            raise _Refused(
                f"stage {stage.id}: more ballots returned than issued ({returned} returned, "
                f"{issued} issued): this vote is void and must be held again",
                {b["file"]: b["sha256"] for b in result.batches})
        if not dry_run:
            if row["present"] is None:
                self.store.set_attendance(rid, stage.id, present, issued)
            self.store.save_count(rid, counter.result)
            self.store.log(rid, self.operator, "tally", stage.id,
                           {"batches": [{k: b[k] for k in ("file", "sha256", "ballots", "rows",
                                                           "encoding", "rows_sha256")}
                                        for b in result.batches],
                            "returned": returned, "returned_before": returned_before,
                            "present": present, "issued": issued, "layout": layout,
                            "results_sha256": digest.results(self.store, rid, stage.id),
                            **({"checked_against": checked} if checked else {})},
                           {b["file"]: b["sha256"] for b in result.batches})
        else:
            self.store.conn.rollback()
        return result

    def _attendance(self, stage: Stage, row: dict, present, issued) -> tuple[int, int]:
        if row["present"] is not None:
            for name, given, stored in (("present", present, row["present"]),
                                        ("issued", issued, row["issued"])):
                if given is not None and given != stored:
                    raise RuleError(f"stage {stage.id}: --{name} was recorded as {stored} with the "
                                    f"first batch; it cannot change to {given}")
            return row["present"], row["issued"]
        if present is None or issued is None:
            raise UsageError(f"stage {stage.id}: the first batch must give the attendance: "
                             "--present N (实到) and --issued N (发出票)")
        entitled = stage.entitled
        who = stage.entitled_name
        if present > entitled:
            raise _Refused(f"stage {stage.id}: {present} present but the {who} is only {entitled}")
        if not stage.quorum.met(present, entitled):
            need = stage.quorum.minimum(entitled)
            raise _Refused(f"stage {stage.id}: no quorum: {present} present of {entitled} "
                           f"{who}, the quorum {stage.quorum} needs at least {need}; "
                           "the meeting's ballots are void")
        if issued > present:
            raise _Refused(f"stage {stage.id}: {issued} ballots issued but only {present} present "
                           "(issued must not exceed present)")
        return present, issued

    # -- results and cuts -------------------------------------------------------------------
    def count(self, stage: Stage) -> StageCount | None:
        return self.store.load_count(self.round.id, stage, self.round.posts, self.lists(stage))

    def shares(self, stage: Stage, own: StageCount) -> dict[str, dict[str, dict[str, Fraction]]]:
        """post -> scored stage -> candidate -> share, for the stages in stage.cut.score."""
        out: dict[str, dict[str, dict[str, Fraction]]] = {p.id: {} for p in self.round.posts}
        for sid, _ in stage.cut.score:
            count = own if sid == stage.id else self.count(self.round.stage(sid))
            if count is None:
                raise RuleError(f"stage {stage.id}'s score uses stage {sid}, which has no tally yet")
            for pid, pc in count.posts.items():
                out[pid][sid] = {cid: pc.share(cid) for cid in pc.counts}
        return out

    def cuts(self, stage: Stage, resolve: dict[str, tuple[str, ...]] | None = None,
             accept_short: Iterable[str] = (), count: StageCount | None = None) -> list[PostCut] | None:
        """The stage's cut per post as it stands (decisions applied), or None without a cut rule.

        `count` replaces the stored count (a dry run's preview)."""
        rule = stage.cut
        if rule is None:
            return None
        resolve = resolve or {}
        accept = set(accept_short)
        for pid in [*resolve, *accept]:
            self.round.post(pid)
        count = count or self.count(stage)
        if count is None:
            raise RuleError(f"stage {stage.id} has no tally yet: run `selector tally {stage.id} FILE…`")
        shares = self.shares(stage, count)
        weights = dict(rule.score)
        out = []
        for post in self.round.posts:
            pc = count.posts[post.id]
            scores = {cid: score(weights, shares[post.id], cid) for cid in pc.candidates}
            pass_rule = None
            if rule.pass_ is not None:
                pass_rule = PassRule(rule.pass_, self.pass_base(stage, pc.valid))
            out.append(cut_post(post.id, post.seats, rule, scores,
                                {cid: cc.votes for cid, cc in pc.counts.items()}, pass_rule,
                                seed=lot_seed(self.round.tie_seed, stage.id, post.id),
                                resolve=resolve.get(post.id), accept_short=post.id in accept))
        return out

    def cut(self, stage_id: str, resolve: dict[str, tuple[str, ...]] | None = None,
            accept_short: Iterable[str] = (), reason: str | None = None) -> tuple[Stage, list[PostCut]]:
        """Make and lock the stage's shortlist; refuses (locking nothing) while a post is held."""
        stage = self.round.stage(stage_id)
        accept_short = list(accept_short)
        if (resolve or accept_short) and not (reason and reason.strip()):
            raise UsageError("--resolve and --accept-short are decisions: give --reason \"…\"")
        if stage.kind == "notice":
            raise UsageError(f"stage {stage.id} is a notice: it is confirmed with "
                             f"`selector notice {stage.id} close`")
        with self.store.write():
            state = self.state(stage)
            if state["locked"]:
                raise RuleError(f"stage {stage.id}'s cut is already locked; a locked cut cannot change")
            if stage.kind == "inspect":
                from selector.stages import cut_inspect

                return stage, cut_inspect(self, stage, resolve, accept_short, reason)
            if stage.cut is None:
                if resolve or accept_short:
                    raise UsageError(f"stage {stage.id} has no [stage.cut]: nothing to resolve")
                if stage.takes_ballots and not state["batches"]:
                    raise RuleError(f"stage {stage.id} has no tally yet: run `selector tally {stage.id} FILE…`")
                lists = self.lists(stage)
                cuts = [PostCut(p.id, len(lists[p.id]), (), "ok", False, lists[p.id]) for p in self.round.posts]
            else:
                cuts = self.cuts(stage, resolve, accept_short)
            held = [c for c in cuts if c.held]
            if held:
                raise HeldCut(stage, cuts)
            self.store.save_cut(self.round.id, stage.id, cuts, reason)
            self.store.log(self.round.id, self.operator, "cut", stage.id, {
                "posts": {c.post: {"status": c.status, "advanced": list(c.advanced),
                                   **({"decision": c.decision, "chosen": list(c.chosen)} if c.decision else {})}
                          for c in cuts},
                **({"reason": reason, "resolve": {k: list(v) for k, v in (resolve or {}).items()},
                    "accept_short": accept_short} if reason else {}),
                **({"tie_seed": self.round.tie_seed} if any(c.decision == "lot" for c in cuts) else {}),
            })
        return stage, cuts

    # -- status ---------------------------------------------------------------------------
    def status(self) -> list[dict]:
        """Each stage's state, counts and, for the first unfinished one, the next step."""
        out, next_given = [], False
        for stage in self.round.stages:
            state = self.state(stage)
            row = state["row"]
            returned = self.store.returned(self.round.id, stage.id)
            label = self.label(stage, state)
            entry = {"stage": stage.id, "kind": stage.kind, "title": stage.title, "state": label,
                     "certified": state["certified"], "batches": len(state["batches"]),
                     "returned": returned, "present": row["present"], "issued": row["issued"],
                     "next": None}
            if not stage.takes_ballots:
                from selector.stages import counts

                entry.update(counts(self, stage))
            if not next_given and label != "locked":
                entry["next"] = self._next_step(stage, label)
                next_given = True
            out.append(entry)
        return out

    def label(self, stage: Stage, state: dict | None = None) -> str:
        """waiting (for the previous cut) | ready | tallied | locked (inspect and notice
        stages: see `stages.label`)."""
        state = state or self.state(stage)
        if not stage.takes_ballots:
            from selector.stages import label

            return label(self, stage, state["locked"])
        if state["locked"]:
            return "locked"
        if state["batches"]:
            return "tallied"
        try:
            self.lists(stage)
        except RuleError:
            return "waiting"
        return "ready"

    def _next_step(self, stage: Stage, label: str) -> str:
        if not stage.takes_ballots:
            from selector.stages import next_step

            return next_step(self, stage, label)
        if label == "ready":
            return (f"selector tally {stage.id} BALLOTS.csv --present N --issued N "
                    f"({stage.entitled_name} {stage.entitled})")
        if stage.cut is None:
            return f"selector tally {stage.id} MORE.csv (another batch), or selector cut {stage.id}"
        try:
            cuts = self.cuts(stage)
        except RuleError as e:
            return str(e)
        tied = [c.post for c in cuts if c.held and c.status == "tied"]
        short = [c.post for c in cuts if c.held and c.status == "short"]
        if tied or short:
            parts = ([f"--resolve {p}=ID,…" for p in tied] + [f"--accept-short {p}" for p in short])
            return f"selector cut {stage.id} {' '.join(parts)} --reason \"…\" (see selector show {stage.id})"
        return f"selector cut {stage.id}"


class HeldCut(RuleError):
    """The cut cannot be locked: posts are tied or short and need a recorded decision."""

    def __init__(self, stage: Stage, cuts: list[PostCut]):
        held = [c for c in cuts if c.held]
        parts = []
        for c in held:
            if c.status == "tied":
                parts.append(f"{c.post} tied ({', '.join(c.tie.tied)} for {c.tie.slots} "
                             f"place{'s' if c.tie.slots > 1 else ''}: --resolve {c.post}=ID)")
            else:
                eligible = sum(1 for s in c.standings if s.eligible)
                parts.append(f"{c.post} short ({eligible} eligible for {c.k}: --accept-short {c.post})")
        super().__init__(f"stage {stage.id}: nothing locked, {len(held)} post"
                         f"{'s' if len(held) > 1 else ''} held: " + "; ".join(parts)
                         + " — give the decision with --reason \"…\"")
        self.stage = stage
        self.cuts = cuts


class _Refused(Exception):
    """A rule refused a tally; recorded as an event, then reported as a RuleError."""

    def __init__(self, message: str, files: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.files = files or {}


class _stored:
    """A table's chunks of rows (lists), each stored as it is read (flattened in C by the
    caller: a generator yielding row by row was 7 % of a 1M-row tally)."""

    def __init__(self, store: Store, batch: int | None, header: str, chunks: Iterator, tick: Callable | None):
        self.store, self.batch, self.chunks, self.tick = store, batch, chunks, tick
        self.count = 0
        self.hasher = digest.RowsHasher(header)

    def digest(self) -> str:
        """The rows digest of what was stored (digest.batch_rows, without reading it back)."""
        return self.hasher.hexdigest()

    def __iter__(self):
        for chunk in self.chunks:
            self.count += len(chunk.rows)
            if self.batch is not None:
                self.store.add_rows(self.batch, chunk.first, chunk.last, chunk.rows, chunk.text, self.hasher)
            if self.tick:
                self.tick()
            yield chunk.rows


@contextlib.contextmanager
def _gc_paused():
    """A tally keeps many small objects alive and makes almost no reference cycles, so the
    cyclic collector only re-scans the same objects (a third of a 1M-mark tally's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def round_overview(store: Store) -> list[dict]:
    """Every stored round with its progress and the time of its last recorded change."""
    out = []
    for row in store.rounds():
        round_ = roundfile.from_sources(row["main"], store.round_files(row["id"]))
        locked = sum(1 for s in round_.stages if store.stage_row(row["id"], s.id)["locked_at"])
        state = "complete" if locked == len(round_.stages) else f"{locked}/{len(round_.stages)} stages locked"
        out.append({"id": row["id"], "title": row["title"], "state": state, "at": row["at"],
                    "last": store.last_change(row["id"])})
    return out
