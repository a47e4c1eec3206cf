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

Every refusal names the file and the key path (`item[2].agree`); the whole file is refused.
"""

from __future__ import annotations

import sys
from datetime import date

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from selector.domain.counting import Resolver
from selector.domain.decision import METHODS, Item, Sitting
from selector.domain.model import Round, normalize
from selector.errors import BallotFileError
from selector.i18n import N_

SITTING_KEYS = {"date", "present", "method", "item"}
ITEM_KEYS = {"post", "nominee", "agree", "disagree", "defer", "abstain", "recused", "deferred"}
MAX_FILE = 1 << 20  # a sitting record is a page, not a megabyte
MAX_COUNT = 10_000_000


def load_sitting(path) -> tuple[bytes, str]:
    """The bytes of a sitting record file and the name the record keeps (refused unless it is a
    regular file of at most MAX_FILE bytes)."""
    from pathlib import Path

    from selector.readers.tables import regular_file

    path = Path(path)
    st = regular_file(path, str(path), "sitting record")
    if st.st_size > MAX_FILE:
        raise BallotFileError("larger than {limit:,} bytes: not a sitting record", file=str(path), limit=MAX_FILE)
    return path.read_bytes(), path.name


def read_sitting(data: bytes, name: str, round_: Round, lists: dict[str, tuple[str, ...]], number: int,
                 member_names: tuple[str, ...], stage: str) -> tuple[Sitting, dict[int, str]]:
    """The sitting a record file gives (people and posts as ids), and each item's key path."""
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
    return reader.sitting(doc, number)


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

    def sitting(self, doc: dict, number: int) -> tuple[Sitting, dict[int, str]]:
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
        items, keys = [], {}
        for index, value in enumerate(raw):
            keys[index] = f"item[{index}]"
            items.append(self.item(value, f"item[{index}]"))
        return Sitting(number, day, present, method, tuple(items)), keys

    def post_of(self, value, key: str) -> str:
        text = normalize(self.text(value, key))
        for p in self.round.posts:
            if text in (normalize(p.id), normalize(p.title)):
                return p.id
        self.fail(key, N_("unknown post {value!r}"), value=value)

    def item(self, value, where: str) -> Item:
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
        counted = [k for k in ("agree", "disagree", "defer", "abstain") if k in item]
        if counted and "agree" not in item:
            self.fail(f"{where}.agree", N_("missing (同意: the counts start with agree)"))
        if not counted and not deferred:
            self.fail(f"{where}.agree", N_("missing: give the counts (agree, disagree, defer), or deferred = true"))
        yes = no = other = None
        if counted:
            yes = self.count(item["agree"], f"{where}.agree")
            no = self.count(item.get("disagree", 0), f"{where}.disagree")
            third = "abstain" if "abstain" in item else "defer"
            other = self.count(item.get(third, 0), f"{where}.{third}")
        recused = ()
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
        return Item(post, found, yes, no, other, recused, deferred)
