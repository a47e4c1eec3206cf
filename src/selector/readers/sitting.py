"""Sitting records (讨论决定 and 再次投票): a small TOML file per sitting → `domain.decision.Sitting`.

    date = 2026-11-20          # the sitting's date
    present = 10               # 实到 members
    method = "hands"           # ballot (无记名投票) | hands (举手) | oral (口头)

    [[item]]                   # one per nominee taken up
    post = "P01"               # id or title; may be left out when the nominee stands for one post
    nominee = "张伟"           # id, name or label
    agree = 7                  # 同意
    disagree = 2               # 不同意
    defer = 1                  # 缓议 (a re-vote of a vote stage: abstain = 弃权)
    recused = ["王五"]         # 回避: members who left for this item (named in the round file)
    deferred = true            # 暂缓表决: put off to a later sitting (counts optional)

A secret ballot may give its papers instead of counts: `papers = "FILE.csv"` (beside the record
file) with columns `ballot` (票号), optional `void` (废票) and one per nominee voted on, cells
同意/√/Y, 不同意/×/N, 缓议/弃权/A, 废 (unclear) or empty (no mark); the counts are made from them.

Every refusal names the file and the key path (`item[2].agree`), or the papers file's row and
column; the whole record is refused.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import PurePosixPath
from typing import Callable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from selector.domain.counting import Resolver
from selector.domain.decision import METHODS, Item, Sitting
from selector.domain.model import Round, normalize
from selector.errors import BallotFileError
from selector.i18n import N_
from selector.records import dataclass

SITTING_KEYS = {"date", "present", "method", "item", "papers"}
# A paper's mark for a nominee: 同意 / 不同意 / 缓议 or 弃权 (the third count) / 废 (unclear).
MARKS = {"yes": ("同意", "y", "yes", "√", "✓", "✔"), "no": ("不同意", "n", "no", "×", "✗", "✘"),
         "other": ("缓议", "弃权", "a", "abstain", "defer"), "unclear": ("废", "void")}
MARK_OF = {normalize(t).casefold(): mark for mark, tokens in MARKS.items() for t in tokens}
PaperLoader = Callable[[str], tuple[bytes, str]]


@dataclass(frozen=True)
class Papers:
    """A secret ballot's papers as given: the file (as the record names it), its bytes, and how
    many papers, void ones among them."""

    name: str
    data: bytes
    papers: int
    void: int


@dataclass(frozen=True)
class Record:
    """A sitting record read: the sitting, each item's key path, and its papers (if any)."""

    sitting: Sitting
    keys: dict[int, str]
    papers: Papers | None = None
ITEM_KEYS = {"post", "nominee", "agree", "disagree", "defer", "abstain", "recused", "deferred"}
MAX_FILE = 1 << 20  # a sitting record is a page, not a megabyte
MAX_COUNT = 10_000_000


def load_sitting(path, what: str = "sitting record") -> tuple[bytes, str]:
    """The bytes of a sitting record (or its papers file) and the name the record keeps (refused
    unless it is a regular file of at most MAX_FILE bytes)."""
    from pathlib import Path

    from selector.readers.tables import regular_file

    path = Path(path)
    st = regular_file(path, str(path), what)
    if st.st_size > MAX_FILE:
        raise BallotFileError("larger than {limit:,} bytes: not a sitting record", file=str(path), limit=MAX_FILE)
    return path.read_bytes(), path.name


def papers_path(text: str) -> str | None:
    """The papers file a record names, as a path relative to the record's folder; None when it
    leads out of it (absolute, or through `..`)."""
    path = PurePosixPath(text.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in text:
        return None
    return str(path)


def read_sitting(data: bytes, name: str, round_: Round, lists: dict[str, tuple[str, ...]], number: int,
                 member_names: tuple[str, ...], stage: str, papers: PaperLoader | None = None) -> Record:
    """The sitting a record file gives (people and posts as ids), each item's key path, and its
    papers (`papers` loads a papers file the record names)."""
    if len(data) > MAX_FILE:
        raise BallotFileError("larger than {limit:,} bytes: not a sitting record", file=name, limit=MAX_FILE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BallotFileError("not UTF-8 text: save the sitting record as UTF-8", file=name) from None
    try:
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as e:
        raise BallotFileError("not a readable TOML file ({reason})", file=name, reason=str(e)[:120]) from None
    reader = _Reader(name, round_, lists, member_names, stage)
    return reader.sitting(doc, number, papers)


class _Reader:
    def __init__(self, name: str, round_: Round, lists: dict[str, tuple[str, ...]],
                 member_names: tuple[str, ...], stage: str):
        self.name, self.round, self.lists, self.stage = name, round_, lists, stage
        self.members = {normalize(m): m for m in member_names}
        self.resolver = Resolver(round_.candidates)

    def fail(self, key: str, message: str, **fields):
        raise BallotFileError(message, file=self.name, key=key, **fields)

    def keys(self, value, where: str, allowed: set[str], required: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, N_("expected a table, got {type}"), type=type(value).__name__)
        for key in value:
            if key not in allowed:
                self.fail(f"{where}.{key}" if where else key, N_("unknown key (allowed: {allowed})"),
                          allowed=", ".join(sorted(allowed)))
        for key in required:
            if key not in value:
                self.fail(f"{where}.{key}" if where else key, N_("missing"))
        return value

    def count(self, value, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            self.fail(key, N_("expected a whole number from 0 to {maximum:,}, got {value!r}"), maximum=MAX_COUNT,
                      value=value)
        return value

    def text(self, value, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, N_("expected a non-empty string, got {value!r}"), value=value)
        return value.strip()

    def sitting(self, doc: dict, number: int, load: PaperLoader | None = None) -> Record:
        self.keys(doc, "", SITTING_KEYS, ("date", "present", "method", "item"))
        day = doc["date"]
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day.strip())
            except ValueError:
                self.fail("date", N_("expected a date (YYYY-MM-DD), got {value!r}"), value=doc["date"])
        if not isinstance(day, date) or hasattr(day, "hour"):
            self.fail("date", N_("expected a date (YYYY-MM-DD), got {value!r}"), value=str(doc["date"]))
        present = self.count(doc["present"], "present")
        method = doc["method"]
        if method not in METHODS:
            self.fail("method", N_("expected one of {options}, got {value!r}"), options=" | ".join(METHODS),
                      value=method)
        raw = doc["item"]
        if not isinstance(raw, list):
            self.fail("item", N_("expected [[item]] tables"))
        counted = "papers" in doc
        if counted and method != "ballot":
            self.fail("papers", N_("papers are the secret ballot's: give method = \"ballot\", or counts without "
                                   "papers"))
        items, keys = [], {}
        for index, value in enumerate(raw):
            keys[index] = f"item[{index}]"
            items.append(self.item(value, f"item[{index}]", counted))
        given = None
        if counted:
            rel = papers_path(self.text(doc["papers"], "papers"))
            if rel is None:
                self.fail("papers", N_("{value!r} leads out of the record's folder: keep the papers beside it"),
                          value=doc["papers"])
            if load is None:
                self.fail("papers", N_("papers are read only with a record file"))
            data, shown = load(rel)
            items, given = self.count_papers(data, shown, rel, items, present)
        return Record(Sitting(number, day, present, method, tuple(items)), keys, given)

    def count_papers(self, data: bytes, shown: str, rel: str, items: list[Item],
                     present: int) -> tuple[list[Item], Papers]:
        """The items' counts made from the papers (one column per nominee voted on)."""
        from selector.readers.ballots import COLUMN_OF, void_reason
        from selector.readers.tables import decode

        text, _ = decode(data, shown)
        try:
            rows = list(csv.reader(io.StringIO(text)))
        except csv.Error as e:
            raise BallotFileError("unreadable CSV ({reason})", file=shown, reason=str(e)) from None
        if not rows or not any(c.strip() for c in rows[0]):
            raise BallotFileError("the file is empty: the first row must be the header", file=shown, row=1)
        header = [c.strip() for c in rows[0]]
        voted = {i.nominee: n for n, i in enumerate(items) if not i.deferred}
        ballot_col = void_col = None
        columns: dict[int, str] = {}
        for col, head in enumerate(header, start=1):
            key = COLUMN_OF.get(normalize(head).casefold())
            found = self.resolver.resolve(head) if key is None else None
            if key == "ballot" and ballot_col is None:
                ballot_col = col
            elif key == "void" and void_col is None:
                void_col = col
            elif isinstance(found, str) and found in voted and found not in columns.values():
                columns[col] = found
            else:
                raise BallotFileError("unknown column {value!r} (ballot, void, and one column per nominee voted on)",
                                      file=shown, row=1, column=col, heading=head, value=head)
        if ballot_col is None:
            raise BallotFileError("no ballot column (票号)", file=shown, row=1)
        missing = [n for n in voted if n not in columns.values()]
        if missing:
            raise BallotFileError("no column for {missing}", file=shown, row=1,
                                  missing=", ".join(self.round.candidate(n).display for n in missing))
        counts = {n: [0, 0, 0] for n in voted}
        seen: dict[str, int] = {}
        void = 0
        for line, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise BallotFileError("{n} cells but the header has {m} columns", file=shown, row=line,
                                      n=len(row), m=len(header))
            number = normalize(row[ballot_col - 1])
            if not number:
                raise BallotFileError("empty ballot number", file=shown, row=line, column=ballot_col,
                                      heading=header[ballot_col - 1])
            if number in seen:
                raise BallotFileError("ballot {ballot} appears twice (also row {other})", file=shown, row=line,
                                      ballot=number, other=seen[number])
            seen[number] = line
            if void_col is not None:
                reason, problem = void_reason(row[void_col - 1].strip())
                if problem is not None:
                    raise BallotFileError(problem.template, file=shown, row=line, column=void_col,
                                          heading=header[void_col - 1], **problem.params)
                if reason is not None:
                    void += 1
                    continue
            for col, nominee in columns.items():
                cell = normalize(row[col - 1]).casefold()
                if not cell:
                    continue
                mark = MARK_OF.get(cell)
                if mark is None:
                    raise BallotFileError("{value!r} is not a mark (同意/√, 不同意/×, 缓议/弃权, 废 or empty)", file=shown,
                                          row=line, column=col, heading=header[col - 1], value=row[col - 1])
                if mark != "unclear":
                    counts[nominee][("yes", "no", "other").index(mark)] += 1
        if not seen:
            raise BallotFileError("no ballots after the header", file=shown, row=2)
        if len(seen) > present:
            raise BallotFileError("{n} papers but only {present} present", file=shown, n=len(seen), present=present)
        out = [Item(i.post, i.nominee, *counts[i.nominee], i.recused, i.deferred) if i.nominee in counts else i
               for i in items]
        return out, Papers(rel, data, len(seen), void)

    def post_of(self, value, key: str) -> str:
        text = normalize(self.text(value, key))
        for p in self.round.posts:
            if text in (normalize(p.id), normalize(p.title)):
                return p.id
        self.fail(key, N_("unknown post {value!r}"), value=value)

    def item(self, value, where: str, counted: bool = False) -> Item:
        item = self.keys(value, where, ITEM_KEYS, ("nominee",))
        post = self.post_of(item["post"], f"{where}.post") if "post" in item else None
        key = f"{where}.nominee"
        text = self.text(item["nominee"], key)
        found = self.resolver.resolve(text)
        if not isinstance(found, str):
            if found is None:
                self.fail(key, N_("{value!r} is nobody on the roster"), value=text)
            self.fail(key, N_("{value!r} is a name two roster people share: use the id or label"), value=text)
        stands = [p for p, ids in self.lists.items() if found in ids]
        if post is None:
            if len(stands) != 1:
                self.fail(key, N_("{value!r} stands for no post at stage {stage}") if not stands else
                      N_("{value!r} stands for several posts ({posts}): give post"),
                      value=text, stage=self.stage, posts=", ".join(stands))
            post = stands[0]
        elif post not in stands:
            self.fail(key, N_("{value!r} is not a nominee for post {post} at stage {stage}"), value=text, post=post,
                      stage=self.stage)
        deferred = item.get("deferred", False)
        if not isinstance(deferred, bool):
            self.fail(f"{where}.deferred", N_("expected true or false, got {value!r}"), value=deferred)
        if "defer" in item and "abstain" in item:
            self.fail(f"{where}.abstain", N_("give defer (缓议) or abstain (弃权), not both"))
        given = [k for k in ("agree", "disagree", "defer", "abstain") if k in item]
        if given and counted:
            self.fail(f"{where}.{given[0]}", N_("the counts come from the papers: leave them out"))
        if counted:
            return Item(post, found, None, None, None, self.recused(item, where), deferred)
        if given and "agree" not in item:
            self.fail(f"{where}.agree", N_("missing (同意: the counts start with agree)"))
        if not given and not deferred:
            self.fail(f"{where}.agree", N_("missing: give the counts (agree, disagree, defer), or deferred = true"))
        yes = no = other = None
        if given:
            yes = self.count(item["agree"], f"{where}.agree")
            no = self.count(item.get("disagree", 0), f"{where}.disagree")
            third = "abstain" if "abstain" in item else "defer"
            other = self.count(item.get(third, 0), f"{where}.{third}")
        return Item(post, found, yes, no, other, self.recused(item, where), deferred)

    def recused(self, item: dict, where: str) -> tuple[str, ...]:
        """回避: the members named, as the round file writes their names."""
        recused: tuple[str, ...] = ()
        if "recused" in item:
            names = item["recused"]
            if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                self.fail(f"{where}.recused", N_("expected a list of members' names, got {value!r}"), value=names)
            if not self.members:
                self.fail(f"{where}.recused", N_("stage {stage} gives its members as a number: name them in the round "
                          "file (members = [\"…\", …]) to record who is recused"), stage=self.stage)
            out = []
            for n in names:
                # a name the round file does not list is kept as written: the rule refuses it
                member = self.members.get(normalize(n), n.strip())
                if member in out:
                    self.fail(f"{where}.recused", N_("lists {person} twice"), person=member)
                out.append(member)
            recused = tuple(out)
        return recused
