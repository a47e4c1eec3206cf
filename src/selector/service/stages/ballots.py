"""Recommendation and vote stages (民主推荐, 票决): numbered ballot papers, tallied in batches.

The handler records batches (`tally`), counts and ranks them, makes the cut, builds the view
every screen and document starts from, and re-checks itself for `audit verify`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from selector.domain.counting import Ballot, Count, Resolver, Run, StageCount
from selector.domain.cuts import Decisions, PassRule, PostCut, cut_post, lot_seed, score
from selector.domain.model import Stage
from selector.errors import (
    AttendanceRequired, BackfillNotHere, BallotFileError, HeldCut, HeldPost, NoSuchInput, NothingToDecide, NoTallyYet,
    ReasonRequired, RuleError,
)
from selector.i18n import N_
from selector.records import dataclass, field
from selector.service import steps
from selector.service.stages.decide import TakesSittings
from selector.service.stages import counts
from selector.service.views import corrections, eligibility_view, frac, signatures
from selector.storage import events
from selector.storage.intake import gc_paused

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from typing import ClassVar
    from selector.views import StageView
    from selector.readers.ballots import Paper
    from selector.service.recheck import Report
    from selector.service.rounds import OpenRound, StageState

Progress = Callable[[int, int], None]


@dataclass
class TallyResult:
    """What a tally read and counted, for the screen and --json."""

    stage: Stage
    count: StageCount
    batches: list[dict] = field(default_factory=list)  # file, sha256, ballots, rows, encoding
    present: int | None = None
    issued: int | None = None
    dry_run: bool = False


def _as_stored(count: StageCount) -> None:
    """Put a count's dicts in the order `Store.load_count` reads them back (candidates by id,
    categories by name), so that it stands for the stored count."""
    for pc in count.posts.values():
        ids = list(pc.counts)
        if ids != sorted(ids):
            pc.counts = dict(sorted(pc.counts.items()))
        for cc in pc.counts.values():
            if len(cc.by_category) > 1:
                cc.by_category = dict(sorted(cc.by_category.items()))


def _twice(run: Run, earlier: list[tuple[str, dict[str, int]]]):
    """The first paper of a run that another file of the command holds, as a Ballot with its
    row, and that file's name (the first such); None when there is none."""
    if all(seen.keys().isdisjoint(run.numbers) for _, seen in earlier):
        return None
    for number, line in zip(run.numbers, run.lines):
        for other, seen in earlier:
            if number in seen:
                return Ballot(number, line=line), other
    return None


class _Refused(Exception):
    """A rule refused a tally; recorded as an event (in English), then reported as a RuleError."""

    def __init__(self, error: RuleError, files: dict[str, str] | None = None):
        self.error = error
        super().__init__(self.error.message)
        self.message = self.error.message
        self.files = files or {}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class BallotStage:
    """A stage counted from numbered ballot papers (`RecommendStage`, `VoteStage`)."""

    capability: ClassVar[str] = "ballots"

    def __init__(self, open_: "OpenRound", stage: Stage):
        self.open, self.stage = open_, stage
        self.store, self.round = open_.store, open_.round

    documents: ClassVar[tuple[str, ...]] = ("tally", "shortlist", "record")
    # Over the whole roster, a recommendation lists only the people someone marked.
    lists_the_marked: ClassVar[bool] = False

    # -- inputs ---------------------------------------------------------------------------------
    def paper(self) -> "Paper":
        from selector.readers.ballots import Paper

        return Paper(self.stage, self.round.posts, self.open.lists(self.stage), Resolver(self.round.candidates))

    def tally(self, files: list[Path], *, present: int | None = None, issued: int | None = None,
              dry_run: bool = False, layout: str = "wide", encoding: str | None = None,
              sheet: str | None = None, progress: Progress | None = None,
              checked: dict | None = None) -> TallyResult:
        """Validate ballot files and (unless dry_run) record them as batches of the stage.

        `checked`: the double-entry check the file passed (recorded in the tally event)."""
        from selector.readers.ballots import Scattered
        from selector.readers.tables import GuessedWrong, utf8_throughout

        self.open.refuse_expired(self.stage)  # a recommendation result serves one year (issue 12.6)
        # Each try is undone whole when the next is needed: a long file whose papers' rows are
        # apart is read again gathering them (`stream` off); a file read as UTF-8 from its first
        # piece that is not UTF-8 throughout is read again, its encoding told from every byte
        # (`guess` off), as a tally that stops before a guessed file's end checks first.
        stream = guess = True
        try:
            while True:
                guessed: list[Path] = []  # the files opened on a guess (`open_table(guess=True)`)
                try:
                    with gc_paused(), self.store.write(), self.store.savepoint(keep=not dry_run), \
                            contextlib.ExitStack() as opened:
                        return self._tally(files, present, issued, dry_run, layout, encoding, sheet,
                                           progress, opened, checked, stream=stream, guess=guess, guessed=guessed)
                except Scattered:
                    if not stream:
                        raise
                    stream = False
                except GuessedWrong:
                    guess = False
                except Exception:
                    if all(utf8_throughout(path) for path in guessed):  # (no guess was wrong)
                        raise
                    guess = False
        except _Refused as refusal:
            failure = refusal
        if dry_run:  # a dry run stores nothing, not even its refusal
            raise failure.error
        # A rule refusal (attendance, more returned than issued) is itself part of the record.
        with self.store.write():
            self.open.log(events.tally_refused(self.stage.id, failure.message, failure.files))
        raise failure.error

    def _tally(self, files, present, issued, dry_run, layout, encoding, sheet, progress,
               opened: contextlib.ExitStack, checked, stream: bool, guess: bool, guessed: list) -> TallyResult:
        from selector.readers.ballots import interpret
        from selector.readers.tables import open_table

        stage, store, rid = self.stage, self.store, self.round.id
        state = self.open.state(stage)
        self.may_add(state)
        counts.refuse_papers(self, state.batches)
        paper = self.paper()
        row = state.row
        present, issued = self._attendance(row, present, issued, dry_run)
        known_sha = {b["sha256"]: b["file"] for b in state.batches}
        # Earlier batches' invalid marks are not read back: this tally appends its own, and its
        # view lists them alone (issue 17: the 100th batch costs what the first does).
        start = store.load_count(rid, stage, self.round.posts, paper.lists, marks=False)
        counter = Count(stage, self.round.posts, paper.lists, paper.resolver, self.open.roster, start)
        result = TallyResult(stage, counter.result, present=present, issued=issued, dry_run=dry_run)
        returned_before = counter.result.returned
        earlier: list[tuple[str, dict[str, int]]] = []  # each file of this command: its ballot numbers
        given: dict[str, str] = {}  # sha256 -> file, in this command
        stored: list[int] = []  # the batches this command stores
        # Each stored batch's invalid marks and void papers (appended to the stored ones: a
        # batch writes and hashes its own rows, not every earlier batch's again).
        added: list[tuple[int, list, list]] = []
        batch_of: dict[str, int] = {}  # ballot number -> its batch, in this command (those save_count files)
        total = sum(Path(f).stat().st_size for f in files if Path(f).is_file())
        done = 0
        for path in files:
            table = opened.enter_context(open_table(path, encoding=encoding, sheet=sheet, guess=guess))
            if table.guessed:
                guessed.append(Path(path))
            if table.sha256 in given:
                raise BallotFileError("the same file as {other}, given twice in this command", file=table.name,
                                      other=given[table.sha256])
            if table.sha256 in known_sha:
                raise BallotFileError("this exact file was already tallied for stage {stage} (as {other})",
                                      file=table.name, stage=stage.id, other=known_sha[table.sha256])
            name = Path(path).name
            # The record names batches by file name: two different files must not share one.
            if name in {b["file"] for b in state.batches}:
                raise BallotFileError("another file named {name} was already tallied for stage {stage}; rename "
                                      "this one (e.g. after its counting team) so the record tells them apart",
                                      file=table.name, name=name, stage=stage.id)
            if name in {Path(f).name for f in given.values()}:
                raise BallotFileError("another file named {name} was given in this command for stage {stage}; "
                                      "rename this one (e.g. after its counting team) so the record tells them "
                                      "apart", file=table.name, name=name, stage=stage.id)
            given[table.sha256] = table.name
            if checked and checked["tallied_sha256"] != table.sha256:
                raise BallotFileError("changed since the double-entry check; run it again", file=table.name)
            batch = None if dry_run else store.add_batch(
                {"round": rid, "stage": stage.id, "file": Path(path).name, "sha256": table.sha256,
                 "encoding": table.encoding, "layout": layout, "sheet": sheet,
                 "header": _json(table.header), "rows": 0, "ballots": 0})
            rows = store.intake(batch, _json(table.header), table.chunks, progress and (
                lambda base=done, t=table: progress(base + t.progress(), total)))
            ballots = 0
            marks_at = {pid: len(pc.invalid_marks) for pid, pc in counter.result.posts.items()}
            voided_at = len(counter.result.voided)
            reading = interpret(paper, table.name, table.header, rows.taken(), layout, blocks=True, stream=stream,
                                runs=counter.takes_runs)
            numbers = reading.lines  # ballot number -> its row in this file, as the papers are read
            twice = None  # (a long file: its rows' problems come first, as when it was read whole)
            for ballot in reading:
                if type(ballot) is Run:  # a chunk of plain papers, counted together
                    if earlier and twice is None:
                        twice = _twice(ballot, earlier)
                        if twice is not None and layout != "long":
                            break
                    counter.add_run(ballot)
                    ballots += len(ballot.numbers)
                    continue
                if earlier and twice is None:
                    twice = next(((ballot, other) for other, seen in earlier if ballot.number in seen), None)
                    if twice is not None and layout != "long":
                        break
                counter.add(ballot)
                ballots += 1
            if twice is not None:
                ballot, other = twice
                raise BallotFileError("ballot {ballot} is also in {other} (given in this same command)",
                                      file=table.name, row=ballot.line, ballot=ballot.number, other=other)
            earlier.append((table.name, numbers))
            if not ballots:
                raise BallotFileError("no ballots after the header", file=table.name, row=reading.top + 1)
            clash = store.tallied_numbers(rid, stage.id, numbers)
            if clash:
                first = min(clash, key=lambda n: numbers[n] or 0)
                text = (N_("ballot {ballot} was already tallied in {other} ({n} ballot numbers repeat an earlier "
                           "batch)") if len(clash) > 1 else
                        N_("ballot {ballot} was already tallied in {other} (1 ballot number repeats an earlier "
                           "batch)"))
                raise BallotFileError(text, file=table.name, row=numbers[first], ballot=first, other=clash[first],
                                      n=len(clash))
            done += table.size
            # The record keeps the file's name, not the clerk's folders (`audit verify --files`
            # finds it by name).
            result.batches.append({"file": Path(path).name, "sha256": table.sha256, "ballots": ballots,
                                   "rows": rows.count, "encoding": table.encoding})
            if reading.cleaned_cells:  # invisible characters removed before counting: say where
                result.batches[-1]["cleaned"] = {
                    "cells": reading.cleaned_cells,
                    "first": [{"ballot": c.ballot, "row": c.row, "column": c.column, "heading": c.heading,
                               "text": c.text} for c in reading.cleaned[:5]]}
            if batch is not None:
                stored.append(batch)
                counted = counter.result  # (the count so far: papers the counter held, counted now)
                added.append((batch, [m for pid, pc in counted.posts.items() for m in pc.invalid_marks[marks_at[pid]:]],
                              counted.voided[voided_at:]))
                # (the papers with an invalid mark or void: all save_count asks about; not every number)
                batch_of.update(dict.fromkeys([m.ballot for m in added[-1][1]], batch))
                batch_of.update(dict.fromkeys([ballot for ballot, _, _ in added[-1][2]], batch))
                store.add_papers(rid, stage.id, batch, numbers)
                store.set_batch_size(batch, rows.count, ballots)
                result.batches[-1]["rows_sha256"] = rows.digest()
            del reading, numbers
        earlier.clear()  # (the numbers read are stored: their memory serves the snapshot)
        returned = counter.result.returned
        if issued is not None and returned > issued:
            raise _Refused(RuleError("stage {stage}: more ballots returned than issued ({returned} returned, "
                                     "{issued} issued): this vote is void and must be held again",
                                     stage=stage.id, returned=returned, issued=issued),
                           {b["file"]: b["sha256"] for b in result.batches})
        if not dry_run:
            if row["present"] is None:
                store.set_attendance(rid, stage.id, present, issued)
            head = None
            if start is None:  # the stage's first batches: the whole snapshot, hashed whole
                saved = store.save_count(rid, counter.result, batch_of)
            else:  # more batches: their rows appended, and chained onto the digest recorded before
                head = store.chain_added(self._marks_head(), added)
                saved = store.append_count(rid, counter.result, added)
            _as_stored(counter.result)  # so the view after the tally need not read it back
            event = self.open.log(events.tally(stage.id, result.batches, returned=returned,
                                               returned_before=returned_before, present=present,
                                               issued=issued, layout=layout,
                                               results_sha256=store.count_digest(rid, counter.result, saved, head),
                                               checked=checked, voided=self._voided(returned_before, counter.result),
                                               sheet=sheet, marks_sha256=head))
            store.set_batch_event(stored, event)
        return result

    def may_add(self, state: "StageState") -> None:
        """Refuse more input once the count is certified, the cut locked, or a later cut used it."""
        stage = self.stage
        if state.certified:
            raise RuleError("stage {stage} is certified: its count is frozen", stage=stage.id)
        if state.locked:
            raise RuleError("stage {stage}'s cut is locked: no more ballots can be added", stage=stage.id)
        users = self.open.users_of(stage)
        if users:
            raise RuleError("stage {stage}'s results were used by the locked cut of {users}: no more ballots "
                            "can be added", stage=stage.id, users=", ".join(users))

    # -- a stage recorded from counts (service/stages/counts.py) ----------------------------------
    def tally_totals(self, path: Path, *, returned: dict[str | None, int] | None, present: int | None = None,
                     issued: int | None = None, dry_run: bool = False, encoding: str | None = None,
                     sheet: str | None = None) -> TallyResult:
        """Record (unless dry_run) the stage from a counts file — the totals the meeting counted and
        signed, or a 谈话调研推荐's counts — refused whole at the first problem. `returned`: the papers
        returned (people talked to) per category, None for a stage without categories."""
        try:
            with self.store.write(), self.store.savepoint(keep=not dry_run), \
                    contextlib.ExitStack() as opened:
                return self._tally_totals(path, returned, present, issued, dry_run, encoding, sheet, opened)
        except _Refused as refusal:
            failure = refusal
        if dry_run:
            raise failure.error
        with self.store.write():  # a rule refusal (attendance) is part of the record
            self.open.log(events.tally_refused(self.stage.id, failure.message, failure.files))
        raise failure.error

    def _tally_totals(self, path, returned, present, issued, dry_run, encoding, sheet,
                      opened: contextlib.ExitStack) -> TallyResult:
        from selector.readers.tables import open_table

        stage, store, rid = self.stage, self.store, self.round.id
        state = self.open.state(stage)
        self.may_add(state)
        counts.refuse_second(self, state.batches)
        paper = self.paper()  # a stage still waiting for its list is refused here, before anything is logged
        returned = counts.returned_by_category(self, returned, "--talked" if stage.talk else "--returned")
        total = sum(returned.values())
        row = state.row
        if stage.talk:  # a talk's attendance is its counts: those talked to (实谈) of the 应谈
            refusal = counts.talk_attendance(stage, returned)
            if refusal is not None:
                raise _Refused(refusal)
            present = issued = total
            row = {**row, "present": None, "issued": None}
        present, issued = self._attendance(row, present, issued, dry_run)
        if issued is not None and total > issued:
            raise _Refused(RuleError("stage {stage}: more ballots returned than issued ({returned} returned, "
                                     "{issued} issued): this vote is void and must be held again",
                                     stage=stage.id, returned=total, issued=issued))
        table = opened.enter_context(open_table(path, encoding=encoding, sheet=sheet))
        name = Path(path).name
        batch = None if dry_run else store.add_batch(
            {"round": rid, "stage": stage.id, "file": name, "sha256": table.sha256, "encoding": table.encoding,
             "layout": counts.LAYOUT, "sheet": sheet, "header": _json(table.header), "rows": 0, "ballots": total})
        rows = store.intake(batch, _json(table.header), table.chunks)
        count = counts.read_totals(self, paper, table.name, table.header, itertools.chain.from_iterable(rows),
                                   returned)
        result = TallyResult(stage, count, present=present, issued=issued, dry_run=dry_run)
        result.batches.append({"file": name, "sha256": table.sha256, "ballots": total, "rows": rows.count,
                               "encoding": table.encoding, "source": "totals"})
        if not dry_run:
            store.set_batch_size(batch, rows.count, total)
            result.batches[-1]["rows_sha256"] = rows.digest()
            store.add_counted(batch, returned)
            store.set_attendance(rid, stage.id, present, issued)
            store.save_count(rid, count)
            event = self.open.log(events.tally(
                stage.id, result.batches, returned=total, returned_before=0, present=present, issued=issued,
                layout=counts.LAYOUT, results_sha256=store.results_digest(rid, stage.id), checked=None, voided=0,
                sheet=sheet, counted={c or "": n for c, n in returned.items()}))
            store.set_batch_event([batch], event)
        return result

    def _marks_head(self) -> str:
        """The marks chain's head as the stage's last counting event left it (a tally or a
        withdrawal): as recorded, or — when it recorded the whole snapshot's digest — made
        from the stored rows (once, after a first batch or a correction)."""
        last = self.store.last_event(self.round.id, self.stage.id, ("tally", "withdraw batch"))
        if last is not None and "marks_sha256" in last:
            return last["marks_sha256"]
        return self.store.marks_head(self.round.id, self.stage.id)

    def _voided(self, returned_before: int, count: StageCount) -> int | None:
        """How many void papers and posts are listed, or None when earlier batches were
        tallied before the list was kept (m008_void_papers): then it is not complete."""
        if returned_before and any("voided" not in e["details"] for e in events.of(
                self.store.events(self.round.id), self.stage.id, "tally")):
            return None
        return len(count.voided)

    def _attendance(self, row: dict, present, issued, dry_run: bool = False) -> tuple[int | None, int | None]:
        """The stage's attendance: as recorded, or given with this first batch and checked. A dry
        run may leave it out (None, None): it checks the file, and reports attendance not given."""
        stage = self.stage
        if row["present"] is not None:
            for name, given, stored in (("present", present, row["present"]),
                                        ("issued", issued, row["issued"])):
                if given is not None and given != stored:
                    raise RuleError("stage {stage}: --{option} was recorded as {stored} with the first batch; it "
                                    "cannot change to {given}", stage=stage.id, option=name, stored=stored, given=given)
            return row["present"], row["issued"]
        if dry_run and present is None and issued is None:
            return None, None
        if present is None or issued is None:
            raise AttendanceRequired(stage.id)
        entitled = stage.entitled
        who = stage.entitled_name
        if present > entitled:
            text = (N_("stage {stage}: {present} present but the electorate is only {entitled}")
                    if who == "electorate" else
                    N_("stage {stage}: {present} present but the members is only {entitled}"))
            raise _Refused(RuleError(text, stage=stage.id, present=present, entitled=entitled))
        if not stage.quorum.met(present, entitled):
            need = stage.quorum.minimum(entitled)
            text = (N_("stage {stage}: no quorum: {present} present of {entitled} electorate, the quorum {quorum} "
                       "needs at least {need}; the meeting's ballots are void")
                    if who == "electorate" else
                    N_("stage {stage}: no quorum: {present} present of {entitled} members, the quorum {quorum} "
                       "needs at least {need}; the meeting's ballots are void"))
            raise _Refused(RuleError(text, stage=stage.id, present=present, entitled=entitled,
                                     quorum=str(stage.quorum), need=need))
        if issued > present:
            raise _Refused(RuleError("stage {stage}: {issued} ballots issued but only {present} present (issued "
                                     "must not exceed present)", stage=stage.id, issued=issued, present=present))
        return present, issued

    # -- corrections ----------------------------------------------------------------------------
    def batch_list(self) -> list[dict]:
        """Every batch the stage has tallied, withdrawn ones too, numbered 1, 2, … in order (the
        numbers `show` lists and `--withdraw` takes; a withdrawn batch keeps its number)."""
        return [{**b, "number": i}
                for i, b in enumerate(self.store.batches(self.round.id, self.stage.id, withdrawn=True), start=1)]

    def find_batch(self, ref: str) -> dict:
        """A batch by its number or file name (the live one, when a withdrawn file was tallied again)."""
        batches = self.batch_list()
        ref = ref.strip()
        found = [b for b in batches if ref.isdigit() and b["number"] == int(ref)] or \
                [b for b in batches if b["file"] == Path(ref).name]
        if not found:
            raise NoSuchInput(self.stage.id, ref, "batch", tuple((b["number"], b["file"]) for b in batches))
        live = [b for b in found if b["withdrawn"] is None]
        return live[0] if live else found[-1]

    def withdraw(self, ref: str, reason: str | None) -> dict:
        """Take a batch out of the count (a correction, until the cut is locked): the stage is
        counted again from the batches left, through the code `audit verify` recounts with; the
        batch's stored rows stay (and stay hashed), and its ballot numbers are free again."""
        from selector.service.stages.ballots_check import recount

        if not (reason and reason.strip()):
            raise ReasonRequired("--withdraw")
        stage, store, rid = self.stage, self.store, self.round.id
        with store.write():
            self.open.refuse_correction(stage)
            batch = self.find_batch(ref)
            if batch["withdrawn"] is not None:
                raise RuleError("batch {number} ({file}) of stage {stage} was already withdrawn "
                                "(event #{event})", number=batch["number"], file=batch["file"],
                                stage=stage.id, event=batch["withdrawn"])
            try:
                rows_sha256 = store.rows_digest(batch["id"])
            except ValueError as e:
                raise RuleError("stage {stage}: the stored rows of batch {number} ({file}) no longer read "
                                "({problem}); nothing was changed", stage=stage.id, number=batch["number"],
                                file=batch["file"], problem=str(e)) from None
            before = store.returned(rid, stage.id)
            logged = events.tallied_batches(events.of(store.events(rid), stage.id, "tally"))
            position = batch["number"] - 1
            tally_event = logged[position][0]["id"] if position < len(logged) else None
            store.drop_papers(batch["id"])
            left = [b for b in store.batches(rid, stage.id) if b["id"] != batch["id"]]
            if left:
                count, numbers = recount(self, left)
                store.save_count(rid, count, numbers)
            else:
                store.clear_count(rid, stage.id)
            # the batch's papers count as returned until it is marked withdrawn (below)
            after = store.returned(rid, stage.id) - batch["ballots"]
            event = self.open.log(events.withdraw_batch(
                stage.id, number=batch["number"], batch=batch, rows_sha256=rows_sha256,
                tally_event=tally_event, reason=reason.strip(), returned_before=before, returned=after,
                results_sha256=store.results_digest(rid, stage.id)))
            store.mark_withdrawn("batches", {"id": batch["id"]}, event)
        return {"batch": batch["number"], "file": batch["file"], "ballots": batch["ballots"],
                "returned_before": before, "returned": after, "reason": reason.strip(), "event": event}

    # -- results and cuts -----------------------------------------------------------------------
    def count(self, stage: Stage | None = None) -> StageCount | None:
        stage = stage or self.stage
        return self.store.load_count(self.round.id, stage, self.round.posts, self.open.lists(stage))

    def pass_base(self, valid: int, present: int | None = None) -> int:
        """The number the cut's pass line is a share of, for a post with `valid` ballots
        (`present`: the stage's attendance, when the caller has read it already)."""
        if present is None:
            present = self._present()
        return {"members": self.stage.entitled, "present": present, "valid": valid}[self.stage.cut.pass_base]

    def _present(self) -> int:
        return self.store.stage_row(self.round.id, self.stage.id)["present"] or 0

    @staticmethod
    def share_table(count: StageCount) -> dict[str, dict[str, Fraction]]:
        """post -> candidate -> share, for every candidate with a count (others have 0)."""
        return {pid: {cid: pc.share(cid) for cid in pc.counts} for pid, pc in count.posts.items()}

    def shares(self, own: StageCount, own_shares: dict | None = None) -> dict[str, dict[str, dict[str, Fraction]]]:
        """post -> scored stage -> candidate -> share, for the stages in stage.cut.score
        (`own_shares`: `share_table(own)`, when the caller has it)."""
        out: dict[str, dict[str, dict[str, Fraction]]] = {p.id: {} for p in self.round.posts}
        for sid, _ in self.stage.cut.score:
            count = own if sid == self.stage.id else self.count(self.round.stage(sid))
            if count is None:
                raise RuleError("stage {stage}'s score uses stage {scored}, which has no tally yet",
                                stage=self.stage.id, scored=sid)
            table = own_shares if sid == self.stage.id and own_shares is not None else self.share_table(count)
            for pid, by_candidate in table.items():
                out[pid][sid] = by_candidate
        return out

    def cuts(self, decisions: Decisions | None = None, count: StageCount | None = None,
             own_shares: dict | None = None) -> list[PostCut] | None:
        """The stage's cut per post as it stands (decisions applied), or None without a cut rule.

        `count` replaces the stored count (a dry run's preview, or `audit verify`'s recount);
        `own_shares` is its `share_table`, when the caller has made it."""
        stage, rule = self.stage, self.stage.cut
        if rule is None:
            return None
        decisions = decisions or Decisions()
        for pid in decisions.posts:
            self.round.post(pid)
        count = count or self.count()
        if count is None:
            raise NoTallyYet(stage.id)
        shares = self.shares(count, own_shares)
        weights = dict(rule.score)
        present = self._present() if rule.pass_ is not None else None
        out = []
        for post in self.round.posts:
            pc = count.posts[post.id]
            scores = {cid: score(weights, shares[post.id], cid) for cid in pc.candidates}
            pass_rule = None
            if rule.pass_ is not None:
                pass_rule = PassRule(rule.pass_, self.pass_base(pc.valid, present))
            out.append(cut_post(post.id, post.seats, rule, scores,
                                {cid: cc.votes for cid, cc in pc.counts.items()}, pass_rule,
                                seed=lot_seed(self.round.tie_seed, stage.id, post.id),
                                resolve=decisions.resolve.get(post.id),
                                accept_short=post.id in decisions.accept_short))
        return out

    def refuse_before_cut(self, decisions: Decisions) -> None:
        """What no count can change: a locked cut, and 递补 decisions (an inspection's)."""
        self.open.refuse_if_locked(self.stage)
        if decisions.backfill or decisions.no_backfill:
            raise BackfillNotHere(self.stage.id)

    def cut(self, decisions: Decisions) -> list[PostCut]:
        """Make and lock the shortlist; refuses (locking nothing) while a post is held."""
        stage = self.stage
        self.refuse_before_cut(decisions)
        if stage.cut is None:
            if decisions:
                raise NothingToDecide(stage.id)
            if not self.open.state(stage).batches:
                raise NoTallyYet(stage.id)
            lists = self.open.lists(stage)
            cuts = [PostCut(p.id, len(lists[p.id]), (), "ok", False, lists[p.id]) for p in self.round.posts]
        else:
            cuts = self.cuts(decisions)
        held = [c for c in cuts if c.held]
        if held:
            raise HeldCut(stage.id, tuple(
                HeldPost(c.post, c.status, c.tie.tied, c.tie.slots,
                         names=tuple(self.open.roster[i].display for i in c.tie.tied)) if c.status == "tied"
                else HeldPost(c.post, c.status, eligible=sum(1 for s in c.standings if s.eligible), k=c.k)
                for c in held), cuts)
        self.store.save_cut(self.round.id, stage.id, cuts, decisions.reason)
        self.open.log(events.cut(stage.id, cuts, decisions, self.round.tie_seed))
        return cuts

    # -- the pipeline ---------------------------------------------------------------------------
    def label(self, state: "StageState") -> str:
        """waiting (for the previous cut) | ready | tallied | locked."""
        if state.locked:
            return "locked"
        if state.batches:
            return "tallied"
        return "waiting" if self.open.waiting(self.stage) else "ready"

    def next_step(self, label: str):
        stage = self.stage
        if label == "waiting":
            return steps.Cut(self.round.previous(stage).id)
        if label == "ready" and stage.talk:
            return counts.next_step(self, label)
        if label == "ready":
            return steps.Tally(stage.id, stage.entitled_name, stage.entitled)
        if stage.cut is None:
            return steps.MoreOrCut(stage.id)
        try:
            cuts = self.cuts()
        except RuleError as e:
            return steps.Blocked(e)
        return steps.Cut(stage.id, tuple(c.post for c in cuts if c.held and c.status == "tied"),
                         tuple(c.post for c in cuts if c.held and c.status == "short"))

    def counts(self) -> dict:
        return {}

    # -- the view -------------------------------------------------------------------------------
    def view(self, cuts: list[PostCut] | None = None, counted: StageCount | None = None) -> StageView:
        """The stage's tally, ranking and cut (SPEC §4 `--json`, plus names and details).

        `cuts` overrides the cut (a refused cut's preview); `counted` the stored count (a dry run).
        """

        stage, open_ = self.stage, self.open
        state = open_.state(stage)
        row = state.row
        locked_rows = self.store.locked_cut(self.round.id, stage.id) or {}
        count = counted or self.count()
        shares = self.share_table(count) if count is not None else {}
        if cuts is None and stage.cut is not None and count is not None:
            try:
                cuts = self.cuts(Decisions.stored(locked_rows), count=count, own_shares=shares)
            except RuleError:
                cuts = None  # e.g. a scored stage not tallied yet: show the count without a ranking
        by_post = {c.post: c for c in cuts or ()}
        over_roster = self.lists_the_marked and open_.takes_roster(stage)
        view = {
            "round": self.round.id, "stage": stage.id, "kind": stage.kind, "title": stage.title,
            "state": self.label(state),
            "attendance": {stage.entitled_name: stage.entitled, "present": row["present"],
                           "issued": row["issued"], "returned": count.returned if count else 0},
            "certified": state.certified,
            "certified_at": row["certified_at"],
            "certified_by": signatures(row["certificate"]),
            "tie_seed": self.round.tie_seed or None,
            "posts": [],
            "stage_batches": [{"batch": b["number"], "file": b["file"], "ballots": b["ballots"],
                               "rows": b["rows"], "sha256": b["sha256"], "at": b["at"],
                               "withdrawn": b["withdrawn"]} for b in self.batch_list()],
        }
        if open_.takes_roster(stage) and self.round.eligibility is not None:
            view["eligibility"] = eligibility_view(self.round)  # who is kept off this list, and who let on
        # Void papers once for the stage; a post voided on an otherwise valid paper under its post.
        overvoted: dict[str, list[dict]] = {}
        if count is not None:
            view["void_papers"] = [{"ballot": b, "reason": r} for b, p, r in count.voided if p is None]
            for b, p, r in count.voided:
                if p is not None:
                    overvoted.setdefault(p, []).append({"ballot": b, "reason": r})
        corrected = corrections(self.store, self.round.id, stage.id)
        if corrected:
            view["corrections"] = corrected
        present = row["present"] or 0
        # Each post's void papers and voided posts, in the order counted: one pass, not one per post.
        void_lists: dict[str, list[dict]] = {p.id: [] for p in self.round.posts} if count else {}
        for b, p, r in count.voided if count else ():
            for pid in void_lists if p is None else (p,) if p in void_lists else ():
                void_lists[pid].append({"ballot": b, "reason": r})
        for post in self.round.posts:
            pc = count.posts[post.id] if count else None
            pcut = by_post.get(post.id)
            locked = locked_rows.get(post.id)
            entry = {"post": post.id, "title": post.title, "seats": post.seats}
            if pc is not None:
                entry["ballots"] = {"valid": pc.valid, "void": pc.void, "blank": pc.blank,
                                    "returned": pc.returned, "overvotes": pc.overvotes}
                if stage.categories:
                    entry["ballots"]["weighted_valid"] = frac(pc.weighted_valid)
                entry["invalid_marks"] = pc.marks_before + len(pc.invalid_marks)
                if pc.marks_before:  # after a later batch's tally: its list holds the new marks only
                    entry["invalid_marks_earlier"] = pc.marks_before
                if pc.by_list:  # only then: views (and --json) of other rounds stay as they were
                    entry["placed_by_list"] = pc.by_list
                entry["invalid_mark_list"] = [{"ballot": m.ballot, "text": m.text, "reason": m.reason}
                                              for m in pc.invalid_marks]
                entry["void_list"] = overvoted.get(post.id, [])
            entry["results"] = self._results(pc, pcut, over_roster, shares.get(post.id, {})) if pc is not None else []
            if stage.cut is not None:
                entry["k"] = stage.cut.ratio * post.seats
                if stage.cut.pass_ is not None and pc is not None:
                    base = self.pass_base(pc.valid, present)
                    entry["pass_line"] = {"rule": str(stage.cut.pass_), "base": stage.cut.pass_base,
                                          "of": base, "votes": stage.cut.pass_.minimum(base)}
            if locked is not None:
                entry["status"] = locked["status"]
                entry["advanced"] = locked["advanced"]
                if locked["decision"]:
                    entry["decision"] = {"kind": locked["decision"], "chosen": locked["chosen"],
                                         "reason": locked["reason"]}
            elif pcut is not None:
                entry["status"] = pcut.status
                entry["advanced"] = None
            else:
                entry["status"] = "ok" if pc is not None else None  # nothing counted: no status yet
                entry["advanced"] = None
            if pcut is not None and pcut.tie is not None:
                entry["tie"] = {"score": frac(pcut.tie.score), "tied": list(pcut.tie.tied),
                                "slots": pcut.tie.slots}
                if pcut.decision == "lot":
                    entry["lot"] = {"seed": lot_seed(self.round.tie_seed, stage.id, post.id),
                                    "drawn": list(pcut.chosen)}
            view["posts"].append(entry)
        counts.add_to_view(self, view, count)
        return view

    def _results(self, pc, pcut: PostCut | None, over_roster: bool, shares: dict) -> list[dict]:
        stage = self.stage
        standings = {s.candidate: s for s in pcut.standings} if pcut else {}
        approve = stage.approve
        tied = set(pcut.tie.tied) if pcut and pcut.tie else set()
        out = []
        share_of: dict[str, Fraction] = {}
        for cid in pc.candidates:
            cc = pc.count(cid)
            st = standings.get(cid)
            if over_roster and not cc.votes and not (st and st.score > 0):
                continue
            person = self.open.roster[cid]
            share = shares.get(cid)
            if share is None:
                share = pc.share(cid)
            share_of[cid] = share
            item = {"candidate": cid, "name": person.display, "votes": cc.votes, "yes": cc.votes,
                    "no": cc.no if approve else None, "abstain": cc.abstain if approve else None,
                    "invalid": cc.invalid, "share": frac(share), "by_category": cc.by_category}
            if stage.categories:
                item["weighted"] = frac(cc.weighted)
            if pcut is not None:
                item.update({"score": frac(st.score), "rank": st.rank, "passed": st.passed,
                             "eligible": st.eligible, "needs": st.needs, "tied": cid in tied})
            else:
                item["passed"] = None
            out.append(item)
        if pcut is not None:
            out.sort(key=lambda r: (r["rank"], r["candidate"]))
        else:  # share, highest first, then id (sorted by id, then stably by share)
            out.sort(key=lambda r: r["candidate"])
            out.sort(key=lambda r: share_of[r["candidate"]], reverse=True)
        return out

    # -- audit verify ---------------------------------------------------------------------------
    def recheck(self, events_: list[dict], report: "Report") -> StageCount | None:
        from selector.service.stages.ballots_check import recheck

        return recheck(self, events_, report)

    def recut(self, recount: StageCount | None, decisions: Decisions) -> dict[str, tuple[str, list[str]]] | None:
        if recount is None:
            return None
        if self.stage.cut is None:
            lists = self.open.lists(self.stage)
            return {p.id: ("ok", list(lists[p.id])) for p in self.round.posts}
        return {c.post: (c.status, list(c.advanced)) for c in self.cuts(decisions, count=recount)}

    def recheck_files(self, found: dict[str, list[Path]], folder: Path, report: "Report") -> None:
        from selector.service.stages.ballots_check import recheck_files

        recheck_files(self, found, folder, report)


class RecommendStage(BallotStage):
    """民主推荐: a `recommend` stage."""

    lists_the_marked = True


class VoteStage(BallotStage, TakesSittings):
    """票决: a `vote` stage; its result sheet is the vote document. A tie at its line (`ties =
    "hold"`), or a post nobody passes (`shortfall = "revote"`), goes to a re-vote (再次投票): a
    sitting recorded with `selector sitting`, never a clerk's `--resolve` or a lot."""

    capability: ClassVar[str] = "ballots"
    documents = ("tally", "shortlist", "vote", "record")

    def tally(self, files: list[Path], **kw) -> TallyResult:
        self._ballots_final()
        return super().tally(files, **kw)

    def withdraw(self, ref: str, reason: str | None) -> dict:
        self._ballots_final()
        return super().withdraw(ref, reason)

    def _ballots_final(self) -> None:
        """A re-vote was held on the count as it stood: the ballots cannot change under it."""
        if self.store.sittings(self.round.id, self.stage.id):
            raise RuleError("stage {stage} has a re-vote recorded: its ballots are final", stage=self.stage.id)

    def cuts(self, decisions: Decisions | None = None, count: StageCount | None = None,
             own_shares: dict | None = None, sittings: list | None = None) -> list[PostCut] | None:
        """The cut as the ballots leave it, then each post held at a tie (or short, with
        `shortfall = "revote"`) carried through its re-votes."""
        out = super().cuts(decisions, count, own_shares)
        self._outcomes, self._begun = {}, {}
        if out is None:
            return None
        sittings = self.sittings() if sittings is None else sittings
        return [self._revoted(c, sittings) for c in out]

    def _revoted(self, c: PostCut, sittings: list) -> PostCut:
        from selector.domain.decision import Pending, rule_of, settle

        rule = self.stage.cut
        if not c.held:
            return c
        if c.status == "tied" and rule.ties == "hold":
            above = tuple(s.candidate for s in c.standings if s.eligible and s.score > c.tie.score)
            begin, tied = Pending(above, c.tie.tied, c.tie.slots, 0, "tied", True), c.tie.tied
        elif c.status == "short" and rule.shortfall == "revote":
            passed = tuple(s.candidate for s in c.standings if s.eligible)
            rest = tuple(s.candidate for s in c.standings if not s.eligible)
            begin, tied = Pending(passed, rest, c.k - len(passed), 0, "short", True), ()
        else:
            return c
        o = settle(c.post, begin, sittings, rule_of(self.stage), tied)
        self._outcomes[c.post] = o
        self._begun[c.post] = begin.chosen
        if o.pending is not None:
            return c
        chosen = set(o.advanced)
        advanced = tuple(s.candidate for s in c.standings if s.candidate in chosen)
        won = tuple(x for x in advanced if x not in begin.chosen)
        return PostCut(c.post, c.k, c.standings, o.status, False, advanced, tie=c.tie,
                       decision=o.decision, chosen=won if o.decision == "revote" else ())

    def open_posts_after(self, sittings: list) -> dict:
        self.cuts(sittings=sittings)
        return {p: o.pending for p, o in self._outcomes.items() if o.pending is not None}

    def _sitting_allowed(self) -> None:
        from selector.errors import NothingToRevote

        super()._sitting_allowed()
        if self.stage.cut is None or not self.open_posts():
            raise NothingToRevote(self.stage.id)

    def cut(self, decisions: Decisions) -> list[PostCut]:
        from selector.errors import RevoteNotResolve, UndecidedPosts

        stage = self.stage
        self.refuse_before_cut(decisions)
        if decisions.resolve:
            raise RevoteNotResolve(stage.id, stage.kind, tuple(decisions.resolve))
        if stage.cut is not None:
            cuts = self.cuts(decisions)
            waiting = self.undecided(self._outcomes)
            if waiting:
                raise UndecidedPosts(stage.id, waiting, cuts)
        return super().cut(decisions)

    def next_step(self, label: str):
        if label == "tallied" and self.stage.cut is not None:
            try:
                self.cuts()
            except RuleError as e:
                return steps.Blocked(e)
            waiting = [p for p, o in self._outcomes.items() if o.pending is not None]
            if waiting:
                return steps.Sitting(self.stage.id, tuple(waiting), True)
        return super().next_step(label)

    def view(self, cuts: list[PostCut] | None = None, counted: StageCount | None = None) -> StageView:
        view = super().view(cuts, counted)
        rows = self.sitting_rows()
        if not hasattr(self, "_outcomes"):
            try:
                self.cuts(Decisions.stored(self.store.locked_cut(self.round.id, self.stage.id) or {}),
                          count=counted)
            except RuleError:
                self._outcomes, self._begun = {}, {}
        if rows:
            view["sittings"] = rows
        for entry in view["posts"]:
            o = self._outcomes.get(entry["post"])
            if o is None:
                continue
            entry["revotes"] = self.votes_view(o)
            if o.pending is not None:
                entry["pending"] = {"ballot": list(o.pending.ballot), "slots": o.pending.slots,
                                    "why": o.pending.why, "revote": True, "held": o.revotes}
            if o.pending is None and o.decision and "decision" not in entry:
                won = [c for c in o.advanced if c not in self._begun.get(entry["post"], ())]
                entry["decision"] = {"kind": o.decision, "chosen": won if o.decision == "revote" else [],
                                     "reason": None}
        return view

    def recheck(self, events_: list[dict], report: "Report") -> StageCount | None:
        from selector.service.stages.decide_check import recheck_sittings

        recount = super().recheck(events_, report)
        recheck_sittings(self, events_, report)
        return recount
