"""Ballot files (SPEC §3): the ballot form and the wide and long layouts.

`interpret` turns a header and raw rows (as `tables.open_table` read them, or as they were
stored) into `Ballot` values for one stage, refusing the whole file at the first problem
with file, row and column.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter, namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter, ne

from selector.csvtext import flat_rows, rows_of
from selector.domain.counting import AMBIGUOUS, CACHE, Ballot, Cells, Resolver, Run
from selector.domain.model import INVISIBLE, Post, Stage, has_invisible, normalize
from selector.errors import BallotFileError
from selector.i18n import N_
from selector.readers.tables import Chunk, CsvChunk, Row, placed
from selector.records import dataclass, field

SEPARATORS = re.compile(r"[;；、,，|]")
CHOICES = {
    "yes": ("同意", "y", "yes", "√", "✓", "✔"),
    "no": ("不同意", "n", "no", "×", "✗", "✘"),
    "abstain": ("弃权", "a", "abstain"),
    "invalid": ("废", "void"),
}
CHOICE_OF = {normalize(token).casefold(): choice for choice, tokens in CHOICES.items() for token in tokens}
# Column names, with the Chinese headings clerks type in Excel.
ALIASES = {
    "ballot": ("ballot", "票号", "选票编号", "编号", "序号", "测评票号"),
    "category": ("category", "类别", "票别"),
    "void": ("void", "废票", "无效"),
    "post": ("post", "职位"),
    "candidate": ("candidate", "候选人", "人选"),
    "choice": ("choice", "意见", "表决意见"),
}
COLUMN_OF = {normalize(a).casefold(): key for key, names in ALIASES.items() for a in names}
WORDS = frozenset(word for word in COLUMN_OF if word.isascii())  # (each letters only: `_plain_numbers`)
# The void column (SPEC §3): empty, or the reason the paper is void (撕毁, 在选票上署名 …). Clerks
# also fill it in as a yes/no column, so a "no" must not void the paper: these mean "not void".
NOT_VOID = ("否", "不", "不是", "非", "无", "没有", "有效", "正常", "0", "no", "n", "false", "f", "none",
            "n/a", "na")
# … and these void it with no other reason (the word itself is kept as the reason).
VOID = ("是", "废", "废票", "作废", "无效", "1", "yes", "y", "true", "t", "void")
NOT_VOID_KEYS = frozenset(normalize(t).casefold() for t in NOT_VOID)
VOID_KEYS = frozenset(normalize(t).casefold() for t in VOID)


def void_reason(value: str) -> tuple[str | None, BallotFileError | None]:
    """A void cell (stripped) → (reason or None for a valid paper, problem or None). A problem
    is a refusal without its place, for `refuse` to give it one.

    Empty, or a NOT_VOID word: not void. A VOID word, or any text with a letter or a Chinese
    character in it: void, the text is the reason. Anything else (√, ×, -, /, 2 …) could mean
    either, so the file is refused rather than every such paper voided (or counted)."""
    if not value:
        return None, None
    key = normalize(value).casefold()
    if not key or key in NOT_VOID_KEYS:
        return None, None
    if key in VOID_KEYS or any(ch.isalpha() for ch in key):
        return value, None
    return None, BallotFileError("{value!r} in the void column means neither void nor valid: leave it "
                                 "empty for a valid paper; for a void one write the reason (e.g. 撕毁) or 是",
                                 value=value)


@dataclass(frozen=True)
class Paper:
    """What a stage's ballot paper holds: its posts, candidate lists and categories."""

    stage: Stage
    posts: tuple[Post, ...]
    lists: Mapping[str, tuple[str, ...]]
    resolver: Resolver
    _by_key: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        by_key: dict[str, Post] = {}
        for p in self.posts:  # the first post that matches wins, as in a scan
            by_key.setdefault(normalize(p.id), p)
            by_key.setdefault(normalize(p.title), p)
        object.__setattr__(self, "_by_key", by_key)

    def post_of(self, header: str) -> Post | None:
        return self._by_key.get(normalize(header))

    @property
    def approve(self) -> bool:
        return self.stage.approve


def split_marks(cell: str) -> tuple[str, ...]:
    """A wide-layout cell → the texts marked in it (any of ; ； 、 , ， |). A part that is
    nothing but invisible characters is no mark (it would be an invalid one, and an overvote)."""
    if cell.isalnum():  # the usual cell: one name (no separator, space or invisible character is alnum)
        return (cell,)
    if not cell.strip():
        return ()
    parts = (part.strip().strip("\u3000") for part in SEPARATORS.split(cell))
    if cell.isascii():
        return tuple(t for t in parts if t)
    return tuple(t for t in parts if t and normalize(t))


class Cleaned(namedtuple("Cleaned", "ballot row column heading text")):
    """A cell that held invisible characters (zero-width spaces and joiners, direction marks,
    BOM, soft hyphen …; model.INVISIBLE), which were removed before it was read. Nobody sees
    them, so the count is right; the tally says so, as the file was not what it looks like.
    `ballot` is the paper's number as read (normalised), `heading` the column's heading,
    `text` the cell as it is in the file."""

    __slots__ = ()


KEEP_CLEANED = 1000  # cells kept in Reading.cleaned; Reading.cleaned_cells counts them all
TITLE_ROWS = 10  # title rows looked past for the heading row (a sheet's title, its date, a blank line)


def heading_row(header: list[str], rows: Iterable[Row],
                is_heading: Callable[[list[str]], bool] | None = None) -> tuple[list[str], Iterator[Row], int]:
    """The heading row of a ballot file and the rows after it: the first row when it holds the
    ballot-number heading (票号, 序号 …), else the first of the next TITLE_ROWS rows that does —
    the rows above it are titles (统计表名称, 日期, a blank line) and are skipped. With none
    there, the first row as before (its refusals say what is missing). Returns (heading, rows
    after it, its row number). `is_heading` tells another file kind's heading row (findings)."""
    is_heading = is_heading or _has_ballot
    rows = iter(rows)
    if is_heading(header):
        return header, rows, 1
    ahead: list[Row] = []
    for row in rows:
        ahead.append(row)
        if is_heading(row[1]):
            return [c.strip() for c in row[1]], rows, row[0]
        if len(ahead) >= TITLE_ROWS:
            break
    return header, itertools.chain(ahead, rows), 1


def _has_ballot(cells: list[str]) -> bool:
    return any(COLUMN_OF.get(normalize(c).casefold()) == "ballot" for c in cells if c.strip())


class Reading:
    """The ballots of a file (an iterator, streamed as the rows are read) and, once they are
    read, what reading them noticed: `cleaned`, the first KEEP_CLEANED cells whose invisible
    characters were removed (in file order for a wide file), and `cleaned_cells`, how many."""

    def __init__(self, paper: Paper, name: str, header: list[str], rows: Iterable[Row], layout: str,
                 top: int = 1, *, blocks: Iterable[list[Row]] | None = None, stream: bool = False,
                 runs: bool = False):
        self.cleaned: list[Cleaned] = []
        self.cleaned_cells = 0
        self.top = top  # the heading row's number (title rows above it are skipped)
        self.lines: dict[str, int] = {}  # each paper's number -> its first row, as they are read
        self._header = header
        if layout == "long":
            self._ballots = _long(paper, name, header, _blocks(rows) if blocks is None else blocks, self._note,
                                  self.lines, stream, runs)
        else:
            self._ballots = _wide(paper, name, header, rows, self._note, self.lines, blocks, runs)

    def __iter__(self) -> Iterator[Ballot]:
        # the heading on row 1: nothing to re-place, the papers come straight from the reader
        return self if self.top > 1 else self._ballots

    def __next__(self) -> Ballot:
        try:
            return next(self._ballots)
        except BallotFileError as e:  # the heading's refusals name row 1: it is lower down
            if self.top > 1 and e.place.get("row") == 1:
                raise placed(e, row=self.top) from None
            raise

    def _note(self, ballot: str, row: int, column: int, text: str) -> None:
        self.cleaned_cells += 1
        if len(self.cleaned) < KEEP_CLEANED:
            heading = self._header[column - 1] if column <= len(self._header) else ""
            self.cleaned.append(Cleaned(ballot, row, column, heading, text))


def interpret(paper: Paper, name: str, header: list[str], rows: Iterable[Row],
              layout: str = "wide", *, blocks: bool = False, stream: bool = False, runs: bool = False) -> Reading:
    """Turn a file's rows into ballots for `paper`'s stage, refusing the file on any problem.
    The ballots stream; what was noticed on the way is on the Reading once they are read.

    `blocks`: `rows` are a table's chunks (tables.Chunk), which the long layout reads a chunk
    at a time. `stream`: a long file's papers are given as their rows end, without holding
    the file, and Scattered is raised (nothing refused) if a paper's rows turn out to be
    apart: the caller then reads the file again without `stream`. `runs` (a counter that
    takes them, `Count.takes_runs`): a wide file's chunks of plain papers come as one `Run`
    each, not paper by paper, and so do a streamed long file's (`_long_run`)."""
    chunks = None
    if blocks:
        if _has_ballot(header):  # the usual file: the heading row is the first
            chunks, rows = rows, ()
        else:
            rows = itertools.chain.from_iterable(chunk.rows for chunk in rows)
    header, rows, top = heading_row(header, rows)
    if not any(h.strip() for h in header):
        raise BallotFileError("missing header (the first row must name the columns)", file=name, row=1)
    return Reading(paper, name, header, rows, layout, top, blocks=chunks, stream=stream, runs=runs)


def refuse(name: str, line: int, col: int | None, header: list[str], message: str | BallotFileError,
           /, **fields):
    """Refuse the whole file, naming the row (and column, with its heading). `message` is a
    template (marked N_ for the catalog) with its `fields`, or a problem found earlier: a
    BallotFileError without a place (its template and fields are kept)."""
    if isinstance(message, BallotFileError):
        message, fields = message.template, {**message.params, **fields}
    place = {} if col is None else {"column": col, "heading": header[col - 1]}
    raise BallotFileError(message, file=name, row=line, **place, **fields)


def filled_rows(name: str, header: list[str], rows: Iterable[Row], width: int) -> Iterator[Row]:
    """The rows of a findings, 民主测评 or counts table that hold something; a row with filled
    cells beyond the `width` columns is refused (a lost separator shifts every cell after it)."""
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            refuse(name, line, None, header, N_("{cells} cells but the header has {columns} columns"),
                   cells=len(cells), columns=width)
        yield line, cells


def cell_text(roles: dict[str, int], cells: list[str], key: str) -> str:
    """The stripped text of the column `roles[key]` (1-based) on a row; "" when there is none."""
    col = roles.get(key)
    return cells[col - 1].strip() if col is not None and col <= len(cells) else ""


def header_roles(name: str, header: list[str], role_of: Callable[[int, str, str | None], tuple]):
    """Each column's role, `role_of(column, heading, known column name or None)`, refusing a
    column without a heading, two columns with one role and a file without a ballot column.
    Returns (roles in column order, role -> column)."""
    roles: list = []
    seen: dict = {}
    for col, h in enumerate(header, start=1):
        if not h:
            refuse(name, 1, col, header, N_("a column without a header"))
        role = role_of(col, h, COLUMN_OF.get(normalize(h).casefold()))
        if role in seen:
            refuse(name, 1, col, header, N_("the same column as column {other}"), other=seen[role])
        seen[role] = col
        roles.append(role)
    if ("ballot",) not in seen:
        raise BallotFileError("no 'ballot' column (the paper's serial number)", file=name, row=1)
    return roles, seen


UNKNOWN_COLUMN = {  # (layout, approve) → the refusal of a column no role fits
    ("wide", False): N_("unknown column {text!r} (expected ballot, and one column per post (id or title) or, "
                        "as a scanner writes it, per candidate; optional: category, void). Headings accepted: "
                        "{accepted}"),
    ("wide", True): N_("unknown column {text!r} (expected ballot, and one column per candidate; "
                       "optional: category, void). Headings accepted: {accepted}"),
    ("long", False): N_("unknown column {text!r} (expected ballot, post, candidate; optional: category, void). "
                        "Headings accepted: {accepted}"),
    ("long", True): N_("unknown column {text!r} (expected ballot, candidate, choice; optional: category, void). "
                       "Headings accepted: {accepted}"),
}


def accepted_headings(paper: Paper, layout: str) -> str:
    """Every heading a file for `paper` may have, in full (the refusal of an unknown one lists them)."""
    keys = ("ballot", "category", "void") + (("candidate", "choice") if paper.approve else ("post", "candidate")
                                              if layout == "long" else ())
    parts = [" / ".join(ALIASES[k]) for k in keys]
    if layout == "wide":
        people = {c.id: c for c in paper.resolver.people}
        posts_of = Counter(cid for p in paper.posts for cid in paper.lists[p.id])
        shared = {cid for cid, n in posts_of.items() if n > 1}  # on two posts' lists: POST/CANDIDATE
        if not paper.approve:
            parts += [f"{p.id} / {p.title}" for p in paper.posts if paper.lists[p.id]]
        parts += [f"{p.id}/{cid}" if cid in shared else f"{cid} / {people[cid].display}"
                  for p in paper.posts for cid in paper.lists[p.id]]
    return "; ".join(dict.fromkeys(parts))


def _columns(paper: Paper, name: str, header: list[str], layout: str):
    """Map each column to a role: ('ballot'|'category'|'void'|...), ('post', id) or ('cand', post, id)."""

    def role_of(col: int, h: str, key: str | None) -> tuple:
        if key in ("ballot", "category", "void") or (layout == "long" and key in ("post", "candidate", "choice")):
            return (key,)
        if layout == "long":
            role = None
        elif paper.approve:
            role = _candidate_column(paper, name, header, col)
        else:
            post = paper.post_of(h)
            # a post's column, or (the scanner's layout) a candidate's, marked √
            role = ("post", post.id) if post else _candidate_column(paper, name, header, col)
        if role is None:
            refuse(name, 1, col, header, UNKNOWN_COLUMN[layout, paper.approve], text=h,
                   accepted=accepted_headings(paper, layout))
        return role

    roles, seen = header_roles(name, header, role_of)
    if paper.stage.categories and ("category",) not in seen:
        raise BallotFileError("no 'category' column, but stage {stage} weighs categories ({categories})",
                              file=name, row=1, stage=paper.stage.id,
                              categories=", ".join(c for c, _ in paper.stage.categories))
    if layout == "wide":
        _every_column(paper, name, seen)
    if layout == "long":
        needed = ("candidate", "choice") if paper.approve else ("post", "candidate")
        for key in needed:
            if (key,) not in seen:
                raise BallotFileError("the long layout needs a {wanted!r} column (columns: ballot, {needed})",
                                      file=name, row=1, wanted=key, needed=", ".join(needed))
    return roles


def _every_column(paper: Paper, name: str, seen: dict) -> None:
    """A wide file needs a column for every post (every candidate, approve) on the paper:
    a missing one would silently count every ballot as blank (abstaining) there."""
    people = {c.id: c for c in paper.resolver.people}
    scanned = {role[1] for role in seen if role[0] == "cand"} if not paper.approve else set()
    for post in paper.posts:
        if paper.approve:
            for cid in paper.lists[post.id]:
                if ("cand", post.id, cid) not in seen:
                    raise BallotFileError("no column for {person} ({id}) on the {post} list: an approve file "
                                          "has one column per candidate", file=name, row=1,
                                          person=people[cid].display, id=cid, post=post.id)
        elif post.id in scanned:  # the scanner's layout: a column for everyone on the post's list
            if ("post", post.id) in seen:
                raise BallotFileError("post {post} has its own column and candidate columns: use one or the "
                                      "other", file=name, row=1, post=post.id)
            for cid in paper.lists[post.id]:
                if ("cand", post.id, cid) not in seen:
                    raise BallotFileError("no column for {person} ({id}) on the {post} list: in the scanner's "
                                          "layout every candidate has a column (√ or empty)", file=name, row=1,
                                          person=people[cid].display, id=cid, post=post.id)
        elif paper.lists[post.id] and ("post", post.id) not in seen:
            raise BallotFileError("no column for post {post} ({title}): every post on the paper needs one "
                                  "(an empty cell is a blank)", file=name, row=1, post=post.id, title=post.title)


def _candidate_column(paper: Paper, name: str, header: list[str], col: int):
    role, problem = _candidate(paper, header[col - 1])
    if problem:
        refuse(name, 1, col, header, problem)
    return role


def _split_post(paper: Paper, text: str):
    """`POST/CANDIDATE` → (post, candidate text); `CANDIDATE` → (None, text)."""
    # a post title may itself hold a slash (党工委书记/管委会主任): try every split
    for i, ch in enumerate(text):
        if ch == "/" and (post := paper.post_of(text[:i])) is not None:
            return post, text[i + 1:]
    return None, text


def _candidate(paper: Paper, text: str):
    """`CANDIDATE` or `POST/CANDIDATE` → (("cand", post, id), None), (None, None) if nobody,
    or (None, problem): a refusal without its place (see `refuse`)."""
    post, text = _split_post(paper, text)
    cid = paper.resolver.resolve(text)
    if cid is AMBIGUOUS:  # the shared-name rule: the only one of that name on the list(s)
        cid = paper.resolver.place(text, {c for p in paper.posts if post is None or p.id == post.id
                                          for c in paper.lists[p.id]})[0]
    if cid is AMBIGUOUS:
        return None, BallotFileError("{text!r} is a name two roster people share: use the id or label", text=text)
    if cid is None:
        return None, None
    posts = [p.id for p in paper.posts if cid in paper.lists[p.id] and (post is None or p.id == post.id)]
    if not posts:
        if post:
            return None, BallotFileError("{text!r} is not on this stage's list for {post}", text=text, post=post.id)
        return None, BallotFileError("{text!r} is not on this stage's list", text=text)
    if len(posts) > 1:
        return None, BallotFileError("{text!r} stands for {posts}: write POST/CANDIDATE, e.g. {first}/{text}",
                                     text=text, posts=", ".join(posts), first=posts[0])
    return ("cand", posts[0], cid), None


def _fields(roles) -> list[tuple[int, str]]:
    """The (column, key) of the ballot/category/void columns: the ballot column first (a row
    is first of all a paper, or a heading pasted again), then the others in column order."""
    return sorted(((col, role[0]) for col, role in enumerate(roles, start=1)
                   if role[0] in ("ballot", "category", "void")), key=lambda f: f[1] != "ballot")


def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _common(paper: Paper, name: str, header, roles, fields, line: int, cells: list[str], note,
            numbers: dict[str, str] | None = None):
    """The ballot number, category and void reason of a row; `numbers` memoises normalize()
    (never for a number with invisible characters: each of its rows is noted)."""
    if len(cells) > len(roles):
        extra = [c for c in cells[len(roles):] if c.strip()]
        if extra:
            refuse(name, line, len(roles) + 1, header + [""] * (len(cells) - len(header)),
                   N_("{cells} cells but the header has {columns} columns"), cells=len(cells), columns=len(roles))
    number = category = void = None
    cleaned: list[tuple[int, str]] = []
    for col, key in fields:
        value = cells[col - 1].strip() if col <= len(cells) else ""
        if key == "ballot":
            number = numbers.get(value) if numbers is not None else None
            if number is None:
                number = normalize(value)
                if not number.isdigit() and number.casefold() in COLUMN_OF:
                    refuse(name, line, None, header, N_("this row repeats the heading row ({value!r} in the "
                                                        "ballot column): delete it"), value=value)
                if number is not value and has_invisible(value):
                    cleaned.append((col, value))
                elif numbers is not None:
                    if len(numbers) >= 1024:
                        numbers.clear()
                    numbers[value] = number
            if not number and not value:
                refuse(name, line, col, header, N_("empty ballot number"))
            if not number:
                refuse(name, line, col, header, N_("the ballot number {value!r} is only invisible characters: "
                                                   "delete them and type the number"), value=value)
        elif key == "category":
            category = value
            if paper.stage.categories:
                if value not in paper.stage.weights:
                    # written another way (full-width, spaces, an invisible character)?
                    category = _categories(paper).get(normalize(value))
                    if category is not None and has_invisible(value):
                        cleaned.append((col, value))
                if not value:
                    refuse(name, line, col, header, N_("no category (stage {stage} weighs {categories}: every "
                                                       "paper needs one)"), stage=paper.stage.id,
                           categories=", ".join(c for c, _ in paper.stage.categories))
                if category is None:
                    refuse(name, line, col, header, N_("unknown category {category!r} (stage {stage}: {known})"),
                           category=value, stage=paper.stage.id,
                           known=", ".join(c for c, _ in paper.stage.categories))
            elif not value:
                category = None
        elif value:
            void, problem = void_reason(value)
            if problem:
                refuse(name, line, col, header, problem)
            if has_invisible(value):
                cleaned.append((col, value))
    for col, value in cleaned:
        note(number, line, col, value)
    return number, category, void


def _categories(paper: Paper) -> dict[str, str]:
    """The stage's categories by their normalised name."""
    return {normalize(c): c for c, _ in paper.stage.categories}


def _choice(name, header, line, col, value: str, note=None, number: str = ""):
    """The vote in an approve cell (None: empty, an abstention)."""
    choice = CHOICE_OF.get(value)
    if choice is not None or not value.strip():
        return choice
    key = normalize(value).casefold()
    if note is not None and has_invisible(value):
        note(number, line, col, value)
    if not key:
        return None
    choice = CHOICE_OF.get(key)
    if choice is None:
        refuse(name, line, col, header, N_("{value!r} is not a vote (同意/Y/√, 不同意/N/×, 弃权/A or empty, "
                                           "废 for an unclear mark)"), value=value)
    return choice


def _wide(paper: Paper, name: str, header: list[str], rows: Iterable[Row], note,
          seen: dict[str, int], blocks: Iterable | None = None, runs: bool = False) -> Iterator[Ballot | Run]:
    """A wide file's papers: from `rows`, or from a table's chunks (`blocks`), where with
    `runs` a chunk whose rows are all plain papers (`_run`) comes as one Run."""
    roles = _columns(paper, name, header, "wide")
    fields = _fields(roles)
    posts = [(col - 1, role[1]) for col, role in enumerate(roles, start=1) if role[0] == "post"]
    cands = [(col, role) for col, role in enumerate(roles, start=1) if role[0] == "cand"]
    # the scanner's layout of a recommendation: column -> the candidate as its heading names them
    scanned = {} if paper.approve else {col: _split_post(paper, header[col - 1])[1].strip() for col, _ in cands}
    width = len(roles)
    split: dict[str, tuple[str, ...]] = {}  # cell text -> marks, for the cells a file repeats
    # as many as the lists have names (a round of 10,000 posts: 60,000), and CACHE more
    room = CACHE + sum(len(ids) for ids in paper.lists.values())
    # the post cells of a row, in column order, fetched in C
    post_ids = [pid for _, pid in posts]
    if len(posts) > 1:
        post_cells = itemgetter(*(i for i, _ in posts))
    else:
        post_cells = (lambda cells, i=posts[0][0]: (cells[i],)) if posts else (lambda cells: ())
    at = {pid: k for k, pid in enumerate(post_ids)}

    def texts_of(value: str) -> tuple[str, ...]:  # a cell with no invisible character
        texts = split.get(value)
        if texts is None:
            texts = split_marks(value)
            if len(split) < room:
                split[value] = texts
        return texts

    def papers(rows: Iterable[Row]) -> Iterator[Ballot]:  # row by row
        for line, cells in rows:
            if _blank(cells):
                continue
            number, category, void = _common(paper, name, header, roles, fields, line, cells, note)
            if number in seen:
                refuse(name, line, None, header, N_("ballot {number} appears twice (also row {first})"),
                       number=number, first=seen[number])
            seen[number] = line
            if len(cells) < width:
                # A short row would silently count its missing posts as blanks.
                refuse(name, line, None, header, N_("{cells} cells but the header has {columns} columns (the "
                                                    "first missing is column {missing}, {title}): a lost "
                                                    "separator?"),
                       cells=len(cells), columns=width, missing=len(cells) + 1, title=header[len(cells)])
            values = post_cells(cells)
            joined = "".join(values)
            if joined.isascii() or INVISIBLE.search(joined) is None:
                # no cell to note: the cells as read, split when the counter asks (Cells)
                marks = Cells(post_ids, values, texts_of, at)
            else:
                marks = _wide_marks(values, split, room, post_ids, posts, number, line, note)
            choices: dict = {}
            for col, role in cands:
                choice = _choice(name, header, line, col, cells[col - 1], note, number)
                if choice is None:
                    continue
                if scanned:  # a recommendation: √ marks the candidate (counted as the mark of a cell)
                    if choice != "yes":
                        refuse(name, line, col, header, N_("{value!r} in a candidate's column: mark the candidate "
                                                           "with √ (or 同意, Y) or leave the cell empty"),
                               value=cells[col - 1])
                    pid = role[1]
                    if type(marks) is not dict:  # the cells as read (Cells) become a dict to add to
                        marks = dict(marks)
                    marks[pid] = marks.get(pid, ()) + (scanned[col],)
                else:
                    choices.setdefault(role[1], {})[role[2]] = choice
            yield Ballot(number, category, void, marks, choices, line)

    if blocks is not None:
        # a run needs nothing of a paper but its number and post cells: no candidate columns,
        # and no category or void column but for an empty (not void) one
        plain = runs and FAST and not cands and not paper.stage.categories
        at_column = [i for i, _ in posts]
        clean: set[str] = set()
        for block in blocks:
            run = _run(block, width, fields, post_ids, at_column, seen, texts_of, clean, room) if plain else None
            if run is None:
                yield from papers(block.rows)
            else:
                yield run
        return
    yield from papers(rows)


# A chunk of fewer rows is read row by row: a run costs a Counter for each post column, more
# than a few papers' cells (a round of 10,000 posts has a few rows in a chunk of the file).
RUN_ROWS = 8


def _run(block, width: int, fields: list[tuple[int, str]], pids: list[str], at: list[int], seen: dict[str, int],
         split, clean: set[str], room: int) -> Run | None:
    """A chunk of a wide file (`block`) as one Run, when every row is a plain paper that the
    row-by-row reader would take without a word: as wide as the header, a ballot number of
    ASCII letters and digits (nothing to normalise, not a heading) seen nowhere before, no
    invisible character in any cell, the category column (if any) empty and the void column
    (if any) empty or 'not void'. Else None: the reader reads the chunk row by row (and
    refuses it, or notes what it must, where it does). Its papers' numbers go in `seen`;
    `clean` holds (up to `room`) post cells known to hold no invisible character."""
    end = getattr(block, "end", None)
    if end is not None:  # plain text: its cells in one list (`csvtext.flat_rows`), a column a slice of it
        n = block.size
        flat = flat_rows(block.plain, end, n, width) if n >= RUN_ROWS else None
        if flat is None:
            return None
        columns = [flat[k::width] for k in range(width)]
        lines = range(block.start, block.start + n)
    else:
        cells = getattr(block, "cells", None)  # the rows of a chunk with CSV text, as parsed or read
        if cells is None:
            rows = block.rows
            lines, cells = [line for line, _ in rows], [row for _, row in rows]
        else:
            lines = range(block.start, block.start + len(cells))
        if not _even(cells, width):
            return None
        columns = list(zip(*cells))
    numbers = ()
    for col, key in fields:
        column = columns[col - 1]
        if key == "ballot":
            if not _plain_numbers(column, seen):
                return None
            numbers = column
        elif key == "void":
            if any(void_reason(v.strip()) != (None, None) or has_invisible(v) for v in set(column)):
                return None
        elif any(v.strip() for v in set(column)):  # a category
            return None
    posts = [columns[i] for i in at]
    counts = list(map(Counter, posts))  # each post's distinct cells, counted in C
    if not _clean(counts, clean, room):
        return None
    seen.update(zip(numbers, lines))
    return Run(numbers, lines, pids, posts, counts, split)


def _even(cells: list[list[str]], width: int) -> bool:
    """Rows enough for a run (RUN_ROWS), each exactly as wide as the header?"""
    return len(cells) >= RUN_ROWS and len(cells[0]) == width and len(set(map(len, cells))) == 1


def _plain_numbers(numbers: Sequence[str], seen: dict[str, int]) -> bool:
    """Are these ballot numbers ones the reader would take as they are: ASCII letters and
    digits (nothing to normalise), none a heading (`ballot`), none twice, none seen before?
    (A heading an ASCII number could read as is a word, letters only: a number with a digit
    in it is none, and the usual numbers are not looked up.)"""
    joined = "".join(numbers)
    return joined.isascii() and joined.encode("ascii").isalnum() and all(numbers) \
        and len(set(numbers)) == len(numbers) and seen.keys().isdisjoint(numbers) \
        and (joined.isdigit() or not any(map(str.isalpha, numbers))
             or WORDS.isdisjoint(",".join(numbers).casefold().split(",")))


def _clean(counts: list[Counter], clean: set[str], room: int) -> bool:
    """Does no cell counted (each column's distinct cells) hold an invisible character?
    `clean` holds (up to `room`) cells known to hold none."""
    for found in counts:
        if not clean.issuperset(found):
            for cell in found:
                if cell not in clean:
                    if has_invisible(cell):
                        return False
                    if len(clean) < room:
                        clean.add(cell)
    return True


def _wide_marks(values, split: dict, room: int, post_ids: list[str], posts: list, number: str, line: int,
                note) -> dict[str, tuple[str, ...]]:
    """A wide row's marks (post -> texts) when a cell holds invisible characters, each such
    cell noted."""
    found = list(map(split.get, values))
    k = _index(found, None, 0)
    while k >= 0:  # cells not seen before (or not remembered), in column order
        value = values[k]
        texts = split.get(value)
        if texts is None:
            texts = split_marks(value)
            if has_invisible(value):  # not remembered: each paper with it is noted
                note(number, line, posts[k][0] + 1, value)
            elif len(split) < room:
                split[value] = texts
        found[k] = texts
        k = _index(found, None, k + 1)
    return dict(zip(post_ids, found))


def _index(items: list, value, start: int) -> int:
    """items.index(value, start), or -1 (the scan runs in C)."""
    try:
        return items.index(value, start)
    except ValueError:
        return -1


class Scattered(Exception):
    """A long-layout file read as it streams (`interpret(..., stream=True)`) in which a paper's
    number comes back after other papers' rows: its papers must be gathered from the whole
    file, so the caller reads it again without `stream` (having counted nothing of it). Never
    shown to a user."""


BLOCK_ROWS = 1000  # rows taken at a time from a reader that gives them one by one
FAST = True  # off: a long file's rows are each read by the loop, and every file is read whole (tests compare)


def _blocks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    rows = iter(rows)
    return iter(lambda: list(itertools.islice(rows, BLOCK_ROWS)), [])


_CELLS = itemgetter(1)


def _long(paper: Paper, name: str, header: list[str], blocks: Iterable[list[Row]], note,
          lines: dict[str, int], stream: bool = False, runs: bool = False) -> Iterator[Ballot | Run]:
    """A long file's papers. With `stream`, each paper is given as soon as a row of another
    paper follows its rows (the usual file: a scanner writes a paper's rows together), so
    nothing is held but the paper being read; a paper whose number comes back later raises
    Scattered. Without it, every paper is held until the file ends (its rows may be
    anywhere) and they come in the order of their first rows. `lines`: each paper's number
    -> its first row, filled as they are read. With `stream` and `runs`, a CSV file's plain
    papers come a chunk at a time as one Run (`_long_runs`)."""
    roles = _columns(paper, name, header, "long")
    fields = _fields(roles)
    col_of = {role[0]: i for i, role in enumerate(roles)}
    ip, ic = col_of.get("post"), col_of.get("candidate")
    # A paper: [first row, category, void, post ids, marks, choices], where marks are (text,)
    # or () for a blank cell, one shared tuple per distinct cell.
    papers: dict[str, list] = {}  # held until the file ends (without `stream`)
    marked: dict[str, tuple[str, ...]] = {}  # candidate cell as read -> its marks
    numbers: dict[str, str] = {}  # a paper's rows repeat its number
    pids: dict[str, str] = {}  # post cell as read -> post id
    approve = paper.approve
    # The usual file has no category/void column and a paper's rows follow each other: a
    # row of the right width with the same ballot cell as the row before needs no checks
    # (and when its post and candidate cells were read before, `_bulk` adds it in C).
    width = len(roles)
    simple = [key for _, key in fields] == ["ballot"]
    ib = col_of["ballot"]
    hold: list = [None, None]  # the ballot cell of the last such row, and its paper
    bulk = simple and not approve and FAST
    stream = stream and FAST
    current: list | None = None  # (stream) the paper being read
    number = None
    if stream and runs and bulk:
        blocks = _long_runs(blocks, width, ib, ip, ic, pids, lines)
    for block in blocks:
        if type(block) is Run:
            if current is not None:  # the paper before the run's papers ends there
                yield _paper(current[6], current)
                current = None
            hold[0] = hold[1] = None
            yield block
            continue
        column = getattr(block, "cells", None)  # a CSV chunk: its cells as parsed, the first on row `start`
        if column is None:
            block = block if type(block) is list else block.rows
            if bulk:
                column, row_at = list(map(_CELLS, block)), block.__getitem__
        else:
            row_at = functools.partial(_row_at, block.start, column)
            if not bulk:
                block = enumerate(column, block.start)
        for line, cells in _bulk(column, row_at, hold, width, ib, ip, ic, pids, marked) if bulk else block:
            if simple and len(cells) == width and cells[ib] == hold[0]:
                entry = hold[1]  # the paper of the row before, checked then
            else:
                if _blank(cells):
                    continue
                number, category, void = _common(paper, name, header, roles, fields, line, cells, note, numbers)
                if stream:
                    if current is None or number != current[6]:
                        if number in lines:
                            raise Scattered(number)
                        if current is not None:
                            yield _paper(current[6], current)
                        hold[0] = hold[1] = None  # (no row reaches a paper given out)
                        current = [line, category, None, [], [], {}, number]
                        lines[number] = line
                    entry = current
                else:
                    entry = papers.get(number)
                    if entry is None:
                        entry = papers[number] = [line, category, None, [], [], {}]
                        lines[number] = line
                if entry[1] != category:
                    refuse(name, line, col_of["category"] + 1, header,
                           N_("ballot {number} has category {category!r} on row {first}"),
                           number=number, category=entry[1], first=entry[0])
                if void:
                    entry[2] = void
                if simple and len(cells) == width:
                    hold[0], hold[1] = cells[ib], entry
            if approve:
                def cell(key, cells=cells):
                    i = col_of.get(key)
                    return cells[i].strip() if i is not None and i < len(cells) else ""

                _long_choice(paper, name, header, line, col_of, cell, entry[5], note, number)
                continue
            cell = cells[ip] if ip < len(cells) else ""
            pid = pids.get(cell)
            if pid is None:
                post_text = cell.strip()
                dirty = has_invisible(post_text)
                if dirty:
                    note(number, line, ip + 1, cell)
                    post_text = normalize(post_text)
                if not post_text:
                    if ic < len(cells) and normalize(cells[ic]):
                        refuse(name, line, ip + 1, header, N_("a mark without a post"))
                    continue
                post = paper.post_of(post_text)
                if post is None:
                    refuse(name, line, ip + 1, header, N_("unknown post {post!r}"), post=post_text)
                pid = post.id
                if len(pids) < CACHE and not dirty:
                    pids[cell] = pid
            cell = cells[ic] if ic < len(cells) else ""
            marks = marked.get(cell)
            if marks is None:
                marks = _long_marks(cell)
                if marks and has_invisible(marks[0]):  # not remembered: each paper with it is noted
                    note(number, line, ic + 1, cell)
                    if not normalize(marks[0]):
                        marks = ()
                elif len(marked) < CACHE:
                    marked[cell] = marks
            entry[3].append(pid)
            entry[4].append(marks)
    if current is not None:
        yield _paper(current[6], current)
    for number, entry in papers.items():
        yield _paper(number, entry)


def _long_runs(blocks: Iterable, width: int, ib: int, ip: int, ic: int, pids: dict[str, str],
               seen: dict[str, int]) -> Iterator[Run | Chunk]:
    """A streamed long file's blocks, with the plain papers of each chunk with CSV text (a CSV
    file's, or plain workbook rows') as one Run (`_long_run`) and the rest as chunks for
    `_long`'s loop. The rows of a chunk's last paper are held back and go with the next
    chunk, so that a run never ends inside a paper (a chunk of one paper's rows goes to the
    loop, which reads a paper across chunks); after GIVE_UP chunks in a row that were no
    run, the chunks go to the loop as they are. A chunk's rows are its text when it is plain
    (`CsvChunk.plain`, with its line end), else its cells as csv parsed them (or as the
    workbook gave them). The loop reads a chunk's cells and first row only (its text stays
    with the table's chunks, stored as it was read)."""
    clean: set[str] = set()  # candidate cells known to hold no invisible character
    room = CACHE
    held: str | list = []  # the rows held back: text with line end `held_end`, or cells (no line end)
    held_end = None
    held_n = 0  # how many rows are held
    at = 0  # the row of held's first
    missed = -1  # chunks in a row that were no run (the first never is: no post cell is known yet)

    def chunk(rows, end: str | None, start: int, n: int) -> CsvChunk:
        return CsvChunk(0, start + n - 1, None, start, rows, end) if end else CsvChunk(0, 0, rows, start)

    for block in blocks:
        end = getattr(block, "end", None)
        rows = block.plain if end else getattr(block, "cells", None)
        if not rows or missed >= GIVE_UP:  # (no rows, workbook rows stored as JSON, or papers of another shape)
            if held:
                yield chunk(held, held_end, at, held_n)
                held = []
            yield block
            continue
        start, n = block.start, block.size
        if held:
            if held_end != end:  # plain and quoted text (or two line ends) meet: both as cells
                held = rows_of(held, held_end) if held_end else held
                rows = rows_of(rows, end) if end else rows
                end = None
            rows, start, n, held = held + rows, at, held_n + n, []
        flat = flat_rows(rows, end, n, width) if end is not None else None
        if flat is not None:  # every line as wide as the header: where the last paper begins, from its cells
            ballots = flat[ib::width]
            cut = n - 1
            while cut and ballots[cut - 1] == ballots[n - 1]:
                cut -= 1
            stop = len(rows)  # (where the rows before the last paper's end)
            if cut:
                stop = _line_at(rows, end, flat, width, cut, n)
                held, held_end, held_n, at, n = rows[stop:], end, n - cut, start + cut, cut
                del flat[cut * width:], ballots[cut:]
            run = _flat_run(flat, ballots, n, start, width, ip, ic, pids, seen, clean, room, True)
            if run is None:
                rows = rows[:stop]
        else:
            cut, before, last = _last_paper(rows, end, ib)
            if cut:
                held, held_end, held_n, at, rows, n = last, end, n - cut, start + cut, before, cut
            run = _long_run(rows, end, n, start, width, ib, ip, ic, pids, seen, clean, room)
        missed = missed + 1 if run is None else 0
        yield chunk(rows, end, start, n) if run is None else run
    if held:
        yield chunk(held, held_end, at, held_n)


def _last_paper(rows, end: str | None, ib: int):
    """(how many rows come before the last paper's, those rows, the last paper's rows) of a
    chunk's rows (plain text with line `end`, or cells): the last paper's rows are its last
    rows with one ballot cell (the last row alone when it has no ballot cell)."""
    if end is None:
        cut = len(rows) - 1
        tail = _ballot_cell(rows[cut], ib)
        while cut > 0 and tail is not None and _ballot_cell(rows[cut - 1], ib) == tail:
            cut -= 1
        return cut, rows[:cut], rows[cut:]

    def line_before(stop: int) -> tuple[int, str | None]:  # (where the line ending at `stop` begins, its ballot cell)
        begin = rows.rfind(end, 0, stop) + len(end)
        begin = begin if begin >= len(end) else 0
        return begin, _ballot_cell(rows[begin:stop].split(",") if stop > begin else [], ib)

    begin, tail = line_before(len(rows) - len(end) if rows.endswith(end) else len(rows))
    while begin and tail is not None:
        before, cell = line_before(begin - len(end))
        if cell != tail:
            break
        begin = before
    return rows.count(end, 0, begin), rows[:begin], rows[begin:]


def _line_at(text: str, end: str, flat: list[str], width: int, k: int, n: int) -> int:
    """Where line k begins in plain `text`, its n lines split as `flat` (`csvtext.flat_rows`):
    each line its `width` cells joined by commas, and its end (but maybe the last)."""
    after = sum(map(len, flat[k * width:])) + (n - k) * (width - 1 + len(end))
    return len(text) - after + (0 if text.endswith(end) else len(end))


def _ballot_cell(cells: list[str], ib: int) -> str | None:
    """A row's ballot cell; None if it has none."""
    return cells[ib] if len(cells) > ib else None


# Chunks in a row that were no run, after which a long file's papers are taken to be of
# another shape (a keyed file leaves out the posts a paper left blank: papers of different
# lengths) and the rest of it goes to the loop without a look (the looks cost ~5 %).
GIVE_UP = 4


def _long_run(rows, end: str | None, n: int, start: int, width: int, ib: int, ip: int, ic: int,
              pids: dict[str, str], seen: dict[str, int], clean: set[str], room: int) -> Run | None:
    """`n` rows of a long file (plain text with line `end`, or with `end` None cells as csv
    parsed them; the first on row `start`) as one Run, when they are whole plain papers that
    `_long`'s loop would read without a word, each paper's rows naming the same posts in the
    same order: every row as wide as the header; the ballot cells as in `_run` (ASCII letters
    and digits, not a heading, seen nowhere before), each paper's rows together, the same for
    its rows only, RUN_ROWS papers at least; post cells the loop has read before (`pids`), a
    paper's posts each once; no invisible character in a candidate cell. The papers' columns
    are then as a wide file's: a post's candidate cells, one per paper. Else None. Its
    papers' numbers go in `seen`. The rows' cells are taken in one list (`csvtext.flat_rows`),
    the columns as slices of it: no list is made for each row."""
    if n < RUN_ROWS:
        return None
    if end is not None:
        flat = flat_rows(rows, end, n, width)
    else:
        flat = list(itertools.chain.from_iterable(rows)) if _even(rows, width) else None
    if flat is None:
        return None
    return _flat_run(flat, flat[ib::width], n, start, width, ip, ic, pids, seen, clean, room, end is not None)


def _flat_run(flat: list[str], ballots: list[str], n: int, start: int, width: int, ip: int, ic: int,
              pids: dict[str, str], seen: dict[str, int], clean: set[str], room: int, plain: bool) -> Run | None:
    """`_long_run` of n rows whose cells are `flat` (`width` to a row), their ballot cells
    `ballots`; `plain` when they were split from plain text (no cell holds a comma)."""
    if n < RUN_ROWS:
        return None
    size = 1  # the first paper's rows
    first = ballots[0]
    while size < n and ballots[size] == first:
        size += 1
    papers = n // size
    if papers < RUN_ROWS:
        return None
    numbers = ballots[::size]
    if plain:  # (the cells joined by commas: one string compared, not a string a row)
        same = ",".join(ballots) + "," == "".join([(number + ",") * size for number in numbers])
    else:
        same = not any(ballots[k::size] != numbers for k in range(1, size))
    if not same or not _plain_numbers(numbers, seen):
        return None
    posts = flat[ip::width]
    order = posts[:size]
    ids = list(map(pids.get, order))
    if None in ids or len(set(ids)) != size:
        return None
    if (",".join(posts) + "," != (",".join(order) + ",") * papers) if plain else posts != order * papers:
        return None
    marks = flat[ic::width]
    columns = [marks[k::size] for k in range(size)]
    counts = list(map(Counter, columns))
    if not _clean(counts, clean, room):
        return None
    firsts = range(start, start + n, size)  # each paper's first row
    seen.update(zip(numbers, firsts))
    return Run(numbers, firsts, ids, columns, counts, _long_marks)


def _long_marks(cell: str) -> tuple[str, ...]:
    """A long file's candidate cell → its mark (none when it is blank), as `_long` reads it."""
    text = cell.strip()
    return (text,) if text else ()


def _paper(number: str, entry: list) -> Ballot:
    first, category, void, posts, marks, choices = entry[:6]
    by_post = dict(zip(posts, marks))
    if len(by_post) < len(posts):  # a post on two rows: its marks together
        by_post = {}
        for pid, texts in zip(posts, marks):
            by_post[pid] = by_post.get(pid, ()) + texts
    return Ballot(number, category, void, by_post, choices, first)


def _row_at(start: int, cells: list[list[str]], k: int) -> Row:
    return start + k, cells[k]


def _bulk(cells: list[list[str]], row_at, hold: list, width: int, ib: int, ip: int, ic: int, pids: dict,
          marked: dict) -> Iterator[Row]:
    """The rows of a block (`cells`, the k-th row `row_at(k)`) that `_long`'s loop must read
    itself. The others are the rows its shortcut would take with nothing new to learn — as
    wide as the header, the same ballot cell as the row before (`hold`: that cell and its
    paper), post and candidate cells read before (`pids`, `marked`) — and are added to their
    paper here, a run at a time, in C."""
    n = len(cells)
    if not n or len(set(map(len, cells))) != 1 or len(cells[0]) != width:
        yield from map(row_at, range(n))
        return
    ballot = list(map(itemgetter(ib), cells))
    posts = list(map(pids.get, map(itemgetter(ip), cells)))
    marks = list(map(marked.get, map(itemgetter(ic), cells)))
    # the loop reads the first row of each run of one ballot cell, and every row with a cell not read before
    own = {0}
    own.update(itertools.compress(range(1, n), map(ne, itertools.islice(ballot, 1, None), ballot)))
    for found in (posts, marks):
        k = _index(found, None, 0)
        while k >= 0:
            own.add(k)
            k = _index(found, None, k + 1)
    ends = sorted(own)
    ends.append(n)
    for a, k in zip(ends, ends[1:]):
        yield row_at(a)  # the loop reads it; the rest of the run repeats its ballot cell
        a += 1
        if a == k:
            continue
        if ballot[a] != hold[0]:  # (a blank row: the loop took no paper to add to)
            yield from map(row_at, range(a, k))
            continue
        paper = hold[1]
        paper[3] += posts[a:k]
        paper[4] += marks[a:k]


def _long_choice(paper, name, header, line, col_of, cell, choices, note, number):
    text = cell("candidate")
    col = col_of["candidate"] + 1
    if has_invisible(text):
        note(number, line, col, text)
        text = normalize(text)
    if not text:
        if cell("choice"):
            refuse(name, line, col, header, N_("a choice without a candidate"))
        return
    post_text = cell("post")
    role, problem = _candidate(paper, f"{post_text}/{text}" if post_text else text)
    if problem is not None:
        refuse(name, line, col, header, problem)
    if role is None:
        refuse(name, line, col, header, N_("{text!r} is not a candidate at this stage"), text=text)
    choice = _choice(name, header, line, col_of["choice"] + 1, cell("choice"), note, number)
    if choice is not None:
        marked = choices.setdefault(role[1], {})
        if marked.get(role[2], choice) != choice:
            refuse(name, line, col_of["choice"] + 1, header,
                   N_("{text} is marked twice on this ballot with different choices"), text=text)
        marked[role[2]] = choice
