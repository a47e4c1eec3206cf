"""Counting rules for ballot stages (SPEC §3): marks, invalid marks, overvotes, blanks, weights.

A `Ballot` is one returned paper as the ballot reader understood it. `Count` takes them one
at a time (so a file can be streamed) and yields exact per-post results.
"""

from __future__ import annotations

from collections import Counter, defaultdict, namedtuple
from collections.abc import Iterable, Mapping
from fractions import Fraction
from itertools import chain, repeat

from selector.domain.model import Candidate, Post, Stage, normalize
from selector.records import dataclass, field

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from typing import Literal

    Choice = Literal["yes", "no", "abstain", "invalid"]

AMBIGUOUS = object()
_MISSING = object()
CACHE = 50_000  # distinct mark texts remembered per resolver/counter (bounded for bad files)


@dataclass(frozen=True, slots=True)
class Ballot:
    """One returned paper.

    `marks`: for `recommend`/`choose`, post id -> the texts marked in that post's cell (an
    absent post or an empty tuple is a blank). `choices`: for `approve`, post id ->
    candidate id -> choice.
    """

    number: str
    category: str | None = None
    void: str | None = None
    marks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    choices: Mapping[str, Mapping[str, Choice]] = field(default_factory=dict)
    line: int | None = field(default=None, compare=False)  # the file row it was read from


class Run(namedtuple("Run", "numbers lines pids columns counts split")):
    """Plain papers read together (a wide file's chunk of rows, or a long file's whole papers
    that each name the same posts in the same order; every check of the reader passed): each
    paper's number and first row (`numbers`, `lines`), and each post's column of cells as
    read (`pids`, `columns`: one cell per paper, and `counts`: each column's distinct cells
    and how many papers have each); a cell's texts are made when the counter asks (`split`,
    the reader's rule for its layout, as for `Cells`). A paper is plain when it has no
    category, no void entry and no cell with an invisible character (the reader notes those)."""

    __slots__ = ()


class Cells(Mapping):
    """A wide-layout paper's marks as its row holds them: the posts (`pids`, in column order)
    and each post's cell as read (`raw`); a post's texts are made when asked for (`split`,
    the reader's rule, which must give the same texts for the same cell every time). A
    Mapping like the dict it stands for; `Count` looks the cells themselves up (its fast
    path), so the usual cell is neither split nor copied into a dict."""

    __slots__ = ("pids", "raw", "split", "_at")

    def __init__(self, pids: list[str], raw: tuple[str, ...], split, at: Mapping[str, int]):
        self.pids, self.raw, self.split, self._at = pids, raw, split, at

    def __getitem__(self, pid: str) -> tuple[str, ...]:
        return self.split(self.raw[self._at[pid]])

    def __iter__(self):
        return iter(self.pids)

    def __len__(self) -> int:
        return len(self.pids)

    def texts(self, k: int) -> tuple[str, ...]:
        """The texts of the k-th post's cell."""
        return self.split(self.raw[k])

    def __repr__(self) -> str:
        return f"Cells({dict(self.items())!r})"


@dataclass(frozen=True, slots=True)
class InvalidMark:
    """A mark that counts for no one: the paper, the post, the text as written, and why."""

    ballot: str
    post: str
    text: str
    reason: str


class Resolver:
    """Turns the text of a mark (id, label or name) into a roster candidate id.

    Returns the id, None (nobody), or AMBIGUOUS (a name two roster people share); `place`
    then finds the one namesake on a list (the shared-name rule).
    """

    def __init__(self, roster: Iterable[Candidate]):
        self.people = tuple(roster)
        roster = self.people
        self._ids: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        names: dict[str, list[str]] = defaultdict(list)
        for c in roster:
            self._ids[normalize(c.id)] = c.id
            if c.label:
                self._labels[normalize(c.label)] = c.id
            names[normalize(c.name)].append(c.id)
        self._names = {n: ids[0] if len(ids) == 1 else AMBIGUOUS for n, ids in names.items()}
        self._shared = {n: tuple(ids) for n, ids in names.items() if len(ids) > 1}
        self._seen: dict[str, object] = {}  # text -> answer, for the texts a file repeats

    def resolve(self, text: str):
        found = self._seen.get(text, _MISSING)
        if found is not _MISSING:
            return found
        key = normalize(text)
        found = None
        for table in (self._ids, self._labels, self._names):
            if key in table:
                found = table[key]
                break
        if len(self._seen) < CACHE:
            self._seen[text] = found
        return found

    def namesakes(self, text: str) -> tuple[str, ...]:
        """Everyone on the roster whose name `text` is, when two or more share it (else ())."""
        return self._shared.get(normalize(text), ())

    def place(self, text: str, among) -> tuple[object, tuple[str, ...]]:
        """A mark read against a list (`among`: the ids on it): (id or None or AMBIGUOUS, the
        namesakes on the list). A name the roster shares counts for the only person of that
        name on the list; with none of them there, or two or more, it stays AMBIGUOUS (and the
        namesakes on the list are named: () when none is there)."""
        found = self.resolve(text)
        if found is not AMBIGUOUS:
            return found, ()
        here = tuple(cid for cid in self.namesakes(text) if cid in among)
        return (here[0] if len(here) == 1 else AMBIGUOUS), here


@dataclass(slots=True)  # slots: a 10,000-post tally touches one per mark
class CandidateCount:
    """One candidate's count in a post."""

    votes: int = 0  # marks (choose) or 同意 (approve) on papers valid for the post
    weighted: Fraction = Fraction(0)
    by_category: dict[str, int] = field(default_factory=dict)
    no: int = 0
    abstain: int = 0
    invalid: int = 0


@dataclass(slots=True)
class PostCount:
    """A post's count: its papers, blanks, voids and each candidate's count."""

    post: Post
    candidates: tuple[str, ...]  # the stage's list for this post
    returned: int = 0
    void: int = 0
    blank: int = 0
    weighted_valid: Fraction = Fraction(0)
    counts: dict[str, CandidateCount] = field(default_factory=dict)
    invalid_marks: list[InvalidMark] = field(default_factory=list)
    overvotes: int = 0
    # marks counted by the shared-name rule: a name two roster people share, placed on the
    # only one of them on this post's list (the others are counted by id, label or name)
    by_list: int = 0
    # invalid marks that earlier batches stored and this count did not read back (a later
    # batch's tally appends its own marks and lists them alone): the post has
    # marks_before + len(invalid_marks) in all
    marks_before: int = 0

    @property
    def valid(self) -> int:
        return self.returned - self.void

    def count(self, cand_id: str) -> CandidateCount:
        return self.counts.get(cand_id) or CandidateCount()

    def share(self, cand_id: str) -> Fraction:
        """votes / valid ballots, with category weights on both sides where the stage has them."""
        whole = self.weighted_valid
        if not whole:
            return Fraction(0)
        part = self.count(cand_id).weighted
        # part / whole, made from the integers (the same reduced Fraction, without the
        # operator's type checks: a 10,000-post view makes 60,000 of them)
        return Fraction(part.numerator * whole.denominator, part.denominator * whole.numerator)


@dataclass
class StageCount:
    """A stage's count: each post's, the papers returned and those voided whole."""

    stage: Stage
    posts: dict[str, PostCount]
    returned: int = 0
    void_papers: int = 0
    # What was not counted and why: (ballot, None, the void column's text or "overvote") for a
    # void paper, (ballot, post, "overvote") for a post voided on an otherwise valid paper.
    voided: list[tuple[str, str | None, str]] = field(default_factory=list)

    def invalid_marks(self) -> list[InvalidMark]:
        """Every post's invalid marks, post by post in the count's order (as they are stored)."""
        return [m for pc in self.posts.values() for m in pc.invalid_marks]


class Count:
    """Counts a stage's ballots, one paper at a time.

    `lists` maps each post to the stage's candidate list for it (ids); `resolver` knows the
    whole roster, so a mark for someone real but not on the list is told apart from a typo.
    """

    FAST = True  # the fast path for plain papers (off: every cell takes the general path; tests compare)
    # A round of this many posts or more looks a wide paper's cells up BATCH papers at a time,
    # post by post (`_batch`): one paper's lookups each touch another post's dict, far apart
    # in memory (a 10,000-post paper took ~8 ms); a post's cells of several papers together
    # find its dict at hand.
    BATCH_POSTS = 256
    BATCH = 8

    def __init__(self, stage: Stage, posts: Iterable[Post], lists: Mapping[str, Iterable[str]],
                 resolver: Resolver, roster: Mapping[str, Candidate], start: StageCount | None = None):
        self.stage = stage
        self.resolver = resolver
        self.roster = roster
        self.weights = stage.weights
        # Counting is additive, so a new batch goes on from the stored count of earlier ones.
        self._result = start or StageCount(stage, {p.id: PostCount(p, tuple(lists[p.id])) for p in posts})
        self._on_list = {pid: set(pc.candidates) for pid, pc in self._result.posts.items()}
        self._approve = stage.approve
        self._limits = {pid: stage.marks_allowed(pc.post) for pid, pc in self._result.posts.items()}
        self._checked: dict[tuple[str, str], tuple] = {}  # (post, text) -> (cid, reason, key)
        self._single: dict[tuple[str, str], tuple] = {}  # (post, text) -> a one-mark cell's marks
        # Remember as many answers as the lists have names to mark (and CACHE more for typos):
        # a round of 10,000 posts has 60,000 (post, name) pairs, a bad file any number.
        self._cache = CACHE + sum(len(pc.candidates) for pc in self._result.posts.values())
        # post -> its one-mark cells' marks, the same entries as _single, one dict per post
        self._by_post: dict[str, dict[str, tuple]] = {pid: {} for pid in self._result.posts}
        # The fast path for the usual paper (neither void nor weighted nor of a category): a
        # cell seen before whose whole effect is one vote for one listed person, or a blank.
        # post -> cell (its tuple of texts; None or () for a blank) -> a slot number; a slot
        # is (PostCount, the CandidateCount to add a vote to, or None: a blank). A paper's
        # cells are looked up in C and their slots counted in C (`_pending`); only the cells
        # not found take the general path below, and `result` adds the pending counts.
        self._slots: list[tuple[PostCount, CandidateCount | None]] = []
        self._slot_of: dict[tuple[str, str], int] = {}  # (post, candidate) -> slot
        self._hot: dict[str, dict] = {}
        for pid, pc in self._result.posts.items():
            self._hot[pid] = {None: len(self._slots), (): len(self._slots)}
            self._slots.append((pc, None))
        self._hots = list(self._hot.values())
        # the same for a wide paper's cells as read (Cells): post -> cell text -> slot
        self._raw = [{"": hot[None]} for hot in self._hots]
        # a run's cells (`add_run`) whose whole effect is one invalid mark: post -> cell -> (text, reason)
        self._raw_invalid: list[dict[str, tuple[str, str]]] = [{} for _ in self._hots]
        # … and those whose whole effect is one vote placed by the list (the shared-name rule):
        # post -> cell -> the vote's slot (the post's `by_list` goes up with it)
        self._raw_placed: list[dict[str, int]] = [{} for _ in self._hots]
        self._raw_room = self._cache  # cell texts the raw tables may still learn (a bad file: any number)
        self._pending: Counter = Counter()
        self._raw_gets = [table.get for table in self._raw]  # (the tables only grow: their lookups stay theirs)
        self._held: list[tuple[str, Cells]] = []  # plain wide papers waiting for `_batch`
        # (a stage whose plain papers are all counted alike: as `takes_runs`)
        self._batching = self.takes_runs and len(self._result.posts) >= self.BATCH_POSTS
        self._plan = [(pid, pc, self._limits[pid], self._by_post[pid], self._hot[pid])
                      for pid, pc in self._result.posts.items()]
        self._pids = list(self._result.posts)
        self._index_of = {pid: k for k, pid in enumerate(self._pids)}
        self._unset = True  # weighted figures to set from the plain ones (see result)
        self._papers = 0  # papers added since each post's `returned` was brought up to date

    @property
    def result(self) -> StageCount:
        """The count so far. Without category weights every weight is 1, so the weighted
        figures are the plain ones: they are set here rather than summed paper by paper
        (once after each run of papers: a tally asks for the result several times). Every
        paper is returned for every post: those counts too are added here."""
        if self._held:
            self._batch()
        if self._pending:
            self._flush()
        if self._papers:
            for pc in self._result.posts.values():
                pc.returned += self._papers
            self._papers = 0
        if not self.weights and self._unset:
            made: dict[int, Fraction] = {}  # the same few vote counts recur: one Fraction each
            for pc in self._result.posts.values():
                pc.weighted_valid = made.get(pc.valid) or made.setdefault(pc.valid, Fraction(pc.valid))
                for cc in pc.counts.values():
                    cc.weighted = made.get(cc.votes) or made.setdefault(cc.votes, Fraction(cc.votes))
            self._unset = False
        return self._result

    def _flush(self) -> None:
        """Add the votes and blanks the fast path counted by slot."""
        pending, slots = self._pending, self._slots
        pending.pop(None, None)  # the cells that took the general path
        for slot, n in pending.items():
            pc, cc = slots[slot]
            if cc is None:
                pc.blank += n
            else:
                cc.votes += n
        pending.clear()

    def add_all(self, ballots: Iterable[Ballot]) -> StageCount:
        for b in ballots:
            self.add(b)
        return self.result

    def add(self, ballot: Ballot) -> None:
        marks = ballot.marks
        if self._batching and type(marks) is Cells and ballot.void is None and ballot.category is None \
                and (marks.pids is self._pids or marks.pids == self._pids):
            # a round of many posts: a plain wide paper waits for its batch (`_batch`)
            self._unset = True
            self._papers += 1
            self._result.returned += 1
            self._held.append((ballot.number, marks))
            if len(self._held) >= self.BATCH:
                self._batch()
            return
        if self._held:
            self._batch()  # the papers held come first: nothing of a paper counted now may pass them
        result = self._result
        self._unset = True
        self._papers += 1
        result.returned += 1
        weight = self.weights[ballot.category] if self.weights else None
        approve = self._approve
        # Each post's marks and overvote; read up front only when one post's overvote voids
        # the paper, or for approve papers, otherwise as each post is counted (one pass).
        ahead = None
        if approve or self.stage.overvote == "void-ballot":
            ahead = {pid: self._marks(pid, ballot) for pid in result.posts}
        paper_void = ballot.void is not None or (
            self.stage.overvote == "void-ballot" and any(over for _, over in ahead.values()))
        if paper_void:
            result.void_papers += 1
            result.voided.append((ballot.number, None, ballot.void if ballot.void is not None else "overvote"))
        category = ballot.category
        # Each post's cell, in the posts' order: a wide file's marks usually come in that order.
        marks, pids, plan = ballot.marks, self._pids, self._plan
        plain = ahead is None and not paper_void and weight is None and category is None
        work = None
        if plain and self.FAST and type(marks) is Cells and (marks.pids is pids or marks.pids == pids):
            # a wide paper's cells, in the posts' order: look the cells up as read
            values = marks.raw
            misses = self._fast(self._raw, values)
            if not misses:
                return
            work = zip(map(plan.__getitem__, misses), map(marks.texts, misses), map(values.__getitem__, misses))
            cells = ()
        else:
            cells = marks.values() if len(marks) == len(pids) and list(marks) == pids else map(marks.get, pids)
            if plain and self.FAST:
                cells = list(cells)
                try:
                    misses = self._fast(self._hots, cells)
                except TypeError:  # a cell that is not a tuple (not from a reader): the general path
                    misses = None
                if misses == []:
                    return
                if misses is not None:
                    work = zip(map(plan.__getitem__, misses), map(cells.__getitem__, misses), repeat(None))
        self._posts(ballot, ballot.number, work or zip(plan, cells, repeat(None)), ahead, paper_void, weight,
                    category, plain)

    def _posts(self, ballot: Ballot | None, number: str, work, ahead: dict | None, paper_void: bool,
               weight: Fraction | None, category: str | None, plain: bool) -> None:
        """Count a paper's posts that take the general path: `work` gives each one's plan entry,
        its texts and (a wide cell as read, or None) the cell the fast path may learn."""
        result, approve = self._result, self._approve
        for (pid, pc, limit, single, hot), texts, raw in work:
            if ahead is not None:
                (valid_marks, invalid, placed), over = ahead[pid]
            else:  # _marks, inlined: this runs once per post of every paper
                if not texts:
                    valid_marks = invalid = ()
                    placed = 0
                else:
                    found = single.get(texts[0]) if len(texts) == 1 else None
                    valid_marks, invalid, placed = found or self._choose_texts(pid, texts)
                over = limit is not None and len(valid_marks) + len(invalid) > limit
            if over:
                pc.overvotes += 1
                if not paper_void:
                    result.voided.append((number, pid, "overvote"))
            if paper_void or over:
                pc.void += 1
                continue
            if weight is not None:
                pc.weighted_valid += weight
            for text, reason in invalid:
                pc.invalid_marks.append(InvalidMark(number, pid, text, reason))
            if placed:
                pc.by_list += placed
            if approve:
                self._record_approve(pc, ballot, valid_marks, weight)
                continue
            if not valid_marks and not invalid:
                pc.blank += 1
            counts = pc.counts
            for cid in valid_marks:  # _tick, inlined: this runs once per mark
                cc = counts.get(cid)
                if cc is None:
                    cc = counts[cid] = CandidateCount()
                cc.votes += 1
                if weight is not None:
                    cc.weighted += weight
                if category is not None:
                    cc.by_category[category] = cc.by_category.get(category, 0) + 1
            if plain and raw is not None and not valid_marks and len(invalid) == 1 and len(texts) == 1 \
                    and texts[0] in single and self._raw_room > 0:
                # one name that counts for no one, remembered: next time in a run just the invalid mark
                self._raw_room -= 1
                self._raw_invalid[self._index_of[pid]][raw] = invalid[0]
            elif plain and len(valid_marks) == 1 and not invalid and len(texts) == 1 and texts[0] in single \
                    and (not placed or raw is not None and self._raw_room > 0):
                # one name, valid, remembered: next time just the vote, on the fast path
                slot = self._slot_of.get((pid, valid_marks[0]))
                if slot is None:
                    slot = self._slot_of[(pid, valid_marks[0])] = len(self._slots)
                    self._slots.append((pc, cc))
                if placed:  # (a run counts it with the post's by_list)
                    self._raw_room -= 1
                    self._raw_placed[self._index_of[pid]][raw] = slot
                elif raw is not None:
                    if self._raw_room > 0:
                        self._raw_room -= 1
                        self._raw[self._index_of[pid]][raw] = slot
                elif isinstance(texts, tuple):
                    hot[texts] = slot

    @property
    def takes_runs(self) -> bool:
        """Can `add_run` count plain papers here (a choose paper, no weights, an overvote that
        voids only its post), or must each paper come through `add`?"""
        return self.FAST and not self._approve and not self.weights and self.stage.overvote != "void-ballot"

    def add_run(self, run: Run) -> None:
        """Count a run of plain papers (`takes_runs`) as `add` counts them one by one: each
        post's column is counted by distinct cell in C, the cells the fast path knows added
        by slot; the others (a first sighting, an invalid mark, two names, an overvote) are
        counted one by one in the file's order, paper by paper and post by post as `add`
        counts them (so invalid marks and voided posts are listed in the same order): by the
        general path, or, for a cell whose whole effect was found to be one invalid mark,
        by noting that mark. A cell not known yet whose whole effect is one vote (`_one_vote`)
        takes the general path once, where its first paper is, and its other papers then
        count it by slot together (a vote's place in the order changes nothing)."""
        if self._held:
            self._batch()
        numbers, columns = run.numbers, run.columns
        n = len(numbers)
        result = self._result
        self._unset = True
        self._papers += n
        result.returned += n
        pending, index_of = self._pending, self._index_of
        # (paper, post's place in the plan, cell, how many more papers count it with this one)
        misses: list[tuple[int, int, str, int]] = []
        split = run.split
        for pid, column, counts in zip(run.pids, columns, run.counts):
            j = index_of[pid]
            raw = self._raw[j]
            for cell, times in counts.items():
                slot = raw.get(cell)
                if slot is not None:  # (`_known`'s first case, the usual one, without a call for each cell)
                    pending[slot] += times
                    continue
                if self._known(j, cell, times):
                    continue
                i = column.index(cell)
                if times > 1 and self._one_vote(pid, split(cell)):
                    misses.append((i, j, cell, times - 1))
                    continue
                misses.append((i, j, cell, 0))
                for _ in range(times - 1):
                    i = column.index(cell, i + 1)
                    misses.append((i, j, cell, 0))
        if len(run.pids) < len(self._pids):  # a post with no column (an empty list): a blank on every paper
            for pid in set(self._pids).difference(run.pids):
                pending[self._hot[pid][None]] += n
        if not misses:
            return
        misses.sort()
        plan, invalid = self._plan, self._raw_invalid
        for i, j, cell, more in misses:  # (a cell learned on an earlier paper of the run: as above)
            if self._known(j, cell, 1 + more):
                continue
            found = invalid[j].get(cell)
            if found is not None:  # what `_posts` would do with it
                plan[j][1].invalid_marks.append(InvalidMark(numbers[i], plan[j][0], *found))
                continue
            work = ((plan[j], split(cell), cell),)
            self._posts(None, numbers[i], work, None, False, None, None, True)
            if more and not self._known(j, cell, more):  # one vote: learned by now, unless the tables are full
                for _ in range(more):
                    self._posts(None, numbers[i], work, None, False, None, None, True)

    def _batch(self) -> None:
        """Count the plain wide papers held (`add`, a round of many posts) as `add` counts them
        one by one: their cells looked up post by post in C (a post's dict is used for all the
        papers at once) and counted by slot; the cells not found take the general path, paper
        by paper and post by post, unless a paper before them in the batch taught the fast
        path their cell."""
        held, self._held = self._held, []
        n = len(held)
        columns = zip(*(marks.raw for _, marks in held))  # post by post: each post's cells, paper by paper
        misses = self._counted(list(chain.from_iterable(map(map, self._raw_gets, columns))))
        plan = self._plan
        for i, j in sorted((k % n, k // n) for k in misses):  # (paper, post), as `add` goes
            number, marks = held[i]
            value = marks.raw[j]
            if self._known(j, value, 1):  # learned from a paper before it in the batch
                continue
            self._posts(None, number, ((plan[j], marks.texts(j), value),), None, False, None, None, True)

    def _known(self, j: int, cell: str, times: int) -> bool:
        """Count `times` papers' `cell` of the plan's j-th post by its slot when the raw tables
        know it (a vote, or a vote placed by the list: the post's `by_list` too); False if not."""
        slot = self._raw[j].get(cell)
        if slot is None:
            slot = self._raw_placed[j].get(cell)
            if slot is None:
                return False
            self._plan[j][1].by_list += times
        self._pending[slot] += times
        return True

    def _one_vote(self, pid: str, texts: tuple[str, ...]) -> bool:
        """Is a cell's whole effect on a plain paper one vote for one person, not placed by
        the list (what `_posts` does with it, without doing it)?"""
        if len(texts) != 1:
            return False
        valid, invalid, placed = self._by_post[pid].get(texts[0]) or self._choose_texts(pid, texts)
        limit = self._limits[pid]
        return len(valid) == 1 and not invalid and not placed and (limit is None or limit >= 1)

    def _fast(self, tables: list[dict], cells) -> list[int]:
        """Count the cells found in their post's table (`tables`, in post order) by slot, in C
        (`result` adds them); the positions of the others, for the general path."""
        return self._counted(list(map(dict.get, tables, cells)))

    def _counted(self, found: list) -> list[int]:
        """Count the slots found (a slot, or None for a cell not found) in C (`result` adds
        them); the positions of the cells not found."""
        self._pending.update(found)
        misses = []
        k = _index(found, None, 0)
        while k >= 0:
            misses.append(k)
            k = _index(found, None, k + 1)
        return misses

    def _marks(self, pid: str, ballot: Ballot) -> tuple[tuple, bool]:
        """A post's (valid marks, invalid marks, marks placed by the list) on the paper, and
        whether it is overvoted."""
        limit = self._limits[pid]
        if self._approve:
            m = self._approve_marks(pid, ballot)
            return m, limit is not None and self._overvoted(pid, m)
        m = self._choose_marks(pid, ballot)
        return m, limit is not None and len(m[0]) + len(m[1]) > limit

    # -- choose / recommend -------------------------------------------------
    def _choose_marks(self, pid: str, ballot: Ballot):
        return self._choose_texts(pid, ballot.marks.get(pid))

    def _choose_texts(self, pid: str, texts: tuple[str, ...] | None):
        """(valid marks, invalid marks) of a post's cell."""
        if not texts:
            return (), (), 0
        if len(texts) == 1:  # the usual cell: one mark, same answer every time
            found = self._single.get((pid, texts[0]))
            if found is None:
                found = self._choose_many(pid, texts)
                if len(self._single) < self._cache:
                    self._single[(pid, texts[0])] = found
                    self._by_post[pid][texts[0]] = found
            return found
        return self._choose_many(pid, texts)

    def _choose_many(self, pid: str, texts: tuple[str, ...]):
        seen: dict[str, bool] = {}  # candidate -> placed by the list (the first time marked)
        invalid: dict[str, tuple[str, str]] = {}
        checked = self._checked
        for text in texts:
            found = checked.get((pid, text))
            if found is None:
                cid, reason, by_list = self._check(pid, text)
                found = (cid, reason, None if cid is not None else normalize(text), by_list)
                if len(checked) < self._cache:
                    checked[(pid, text)] = found
            cid, reason, key, by_list = found
            if cid is not None:
                seen.setdefault(cid, by_list)
            else:
                invalid.setdefault(key, (text, reason))
        return tuple(seen), tuple(invalid.values()), sum(seen.values())

    def _check(self, pid: str, text: str):
        """(id, None, placed by the list?) for a mark that counts; (None, reason, False) not."""
        cid = self.resolver.resolve(text)
        if cid is AMBIGUOUS:
            cid, on_list = self.resolver.place(text, self._on_list[pid])
            if cid is not AMBIGUOUS:  # the shared-name rule: the only one of that name on the list
                return cid, None, True
            if on_list:  # (the reason as before the rule: the record of older rounds reads so)
                return None, "ambiguous: two people on the roster have this name", False
            return None, f"not on this stage's list for {pid}", False
        if cid is None:
            return None, "not on the roster", False
        if cid not in self._on_list[pid]:
            if not self.roster[cid].eligible_for(pid):
                return None, f"not eligible for {pid}", False
            return None, f"not on this stage's list for {pid}", False
        return cid, None, False

    def _overvoted(self, pid: str, marks) -> bool:
        limit = self._limits[pid]
        if limit is None:
            return False
        valid, invalid, _ = marks
        if self._approve:
            return sum(1 for choice in valid.values() if choice == "yes") > limit
        return len(valid) + len(invalid) > limit

    def _tick(self, pc: PostCount, cid: str, category: str | None, weight: Fraction | None) -> None:
        cc = pc.counts.get(cid)
        if cc is None:
            cc = pc.counts[cid] = CandidateCount()
        cc.votes += 1
        if weight is not None:  # None: unweighted, `result` sets weighted = votes
            cc.weighted += weight
        if category is not None:
            cc.by_category[category] = cc.by_category.get(category, 0) + 1

    # -- approve ------------------------------------------------------------
    def _approve_marks(self, pid: str, ballot: Ballot):
        return dict(ballot.choices.get(pid, {})), (), 0

    def _record_approve(self, pc: PostCount, ballot: Ballot, choices, weight: Fraction | None) -> None:
        # An empty cell is an abstention; a paper with every cell empty is a blank.
        if not any(cid in choices for cid in pc.candidates):
            pc.blank += 1
        for cid in pc.candidates:
            choice = choices.get(cid, "abstain")
            if choice == "yes":
                self._tick(pc, cid, ballot.category, weight)
                continue
            cc = pc.counts.get(cid)
            if cc is None:
                cc = pc.counts[cid] = CandidateCount()
            if choice == "no":
                cc.no += 1
            elif choice == "invalid":
                cc.invalid += 1
            else:
                cc.abstain += 1


def _index(items: list, value, start: int) -> int:
    """items.index(value, start), or -1 (the scan runs in C)."""
    try:
        return items.index(value, start)
    except ValueError:
        return -1


def count_stage(stage: Stage, posts: Iterable[Post], lists: Mapping[str, Iterable[str]],
                roster: Iterable[Candidate], ballots: Iterable[Ballot]) -> StageCount:
    """Count every ballot of a stage (convenience over `Count`)."""
    roster = tuple(roster)
    counter = Count(stage, posts, lists, Resolver(roster), {c.id: c for c in roster})
    return counter.add_all(ballots)
