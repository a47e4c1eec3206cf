"""Counts files: the totals a meeting counted (`tally STAGE --totals FILE`) and the counts of
a 谈话调研推荐. One row per post, candidate (and category): how many named them, or for an
approve vote 同意/不同意/弃权. A row whose candidate cell names a figure (无效票, 空白票, 有效票)
gives that post's figure, its number in the first number column.

Files open with `tables.open_table` like ballot files; the first problem refuses the whole
file with its row and column. The sums are checked by `domain.totals.count_totals`.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Iterable

from selector.domain.counting import AMBIGUOUS
from selector.domain.model import normalize
from selector.domain.totals import TotalRow
from selector.errors import BallotFileError
from selector.i18n import N_
from selector.readers.ballots import Paper, cell_text, filled_rows, refuse
from selector.readers.tables import Row

ALIASES = {
    "post": ("post", "职位", "岗位", "推荐职位"),
    "candidate": ("candidate", "候选人", "人选", "姓名", "被推荐人", "推荐人选"),
    "category": ("category", "类别", "票别", "谈话对象类别", "对象类别"),
    "votes": ("recommended", "votes", "count", "推荐人数", "推荐票数", "推荐票", "得票", "得票数", "票数"),
    "yes": ("yes", "同意"),
    "no": ("no", "不同意"),
    "abstain": ("abstain", "弃权"),
    "invalid": ("invalid", "无效"),
}
COLUMN_OF = {normalize(a).casefold(): key for key, names in ALIASES.items() for a in names}
FIGURE_WORDS = {
    "void": ("void", "无效票", "废票"),
    "blank": ("blank", "空白票", "空白", "弃权票", "未推荐"),
    "valid": ("valid", "有效票"),
}
FIGURE_OF = {normalize(a).casefold(): key for key, names in FIGURE_WORDS.items() for a in names}
NUMBER = re.compile(r"\d+")
NUMBERS = ("votes", "yes", "no", "abstain", "invalid")


def expected_headings(approve: bool) -> str:
    """The headings a counts file takes, for messages."""
    return ("post, candidate, yes, no; optional: abstain, invalid, category" if approve else
            "post, candidate, recommended; optional: category")


def accepted_headings(approve: bool, categories: bool) -> str:
    """Every heading a counts file may have, in full (the refusal of an unknown one lists them,
    as for ballot files: a clerk's sheet is headed in Chinese)."""
    keys = ("post", "candidate", *(("yes", "no", "abstain", "invalid") if approve else ("votes",)),
            *(("category",) if categories else ()))
    return "; ".join(" / ".join(ALIASES[k]) for k in keys)


def read_counts(name: str, header: list[str], rows: Iterable[Row], paper: Paper,
                names: dict[str, str] | None = None) -> list[TotalRow]:
    """The rows of a counts file → TotalRows (posts and candidates as ids), refusing the file at
    the first unknown heading or post, a candidate not on the stage's list (a name two roster
    people share counts for the only one of them on the post's list), a category the stage
    does not have, and a count that is not a whole number ≥ 0."""
    stage = paper.stage
    approve = stage.approve
    wanted = ("post", "candidate", "yes", "no") if approve else ("post", "candidate", "votes")
    allowed = set(wanted) | ({"abstain", "invalid"} if approve else set()) | {"category"}
    roles: dict[str, int] = {}
    for col, h in enumerate(header, start=1):
        if not h.strip():
            refuse(name, 1, col, header, N_("a column without a header"))
        key = COLUMN_OF.get(normalize(h).casefold())
        if key not in allowed:
            refuse(name, 1, col, header, N_("unknown column {text!r} (expected {expected}). Headings accepted: "
                                            "{accepted}"), text=h, expected=expected_headings(approve),
                   accepted=accepted_headings(approve, bool(stage.categories)))
        if key in roles:
            refuse(name, 1, col, header, N_("the same column as column {other}"), other=roles[key])
        roles[key] = col
    for key in wanted:
        if key not in roles:
            raise BallotFileError("no {wanted!r} column (expected {expected})", file=name, row=1,
                                  wanted="recommended" if key == "votes" else key, expected=expected_headings(approve))
    if stage.categories and "category" not in roles:
        raise BallotFileError("no 'category' column: stage {stage} counts by category ({categories})", file=name,
                              row=1, stage=stage.id, categories=", ".join(c for c, _ in stage.categories))
    if not stage.categories and "category" in roles:
        refuse(name, 1, roles["category"], header, N_("stage {stage} has no categories"), stage=stage.id)
    columns = {k: (c, header[c - 1]) for k, c in roles.items()}
    if approve:
        columns["votes"] = columns["yes"]
    first_number = "yes" if approve else "votes"
    categories = {normalize(c): c for c, _ in stage.categories}
    names = names or {}
    out: list[TotalRow] = []
    for line, cells in filled_rows(name, header, rows, len(header)):
        cell = partial(cell_text, roles, cells)
        if COLUMN_OF.get(normalize(cell("post")).casefold()) == "post":
            refuse(name, line, None, header, N_("this row repeats the heading row ({value!r} in the post column): "
                                                "delete it"), value=cell("post"))
        post = paper.post_of(cell("post")) if cell("post") else None
        if post is None:
            refuse(name, line, roles["post"], header,
                   N_("unknown post {value!r}") if cell("post") else N_("empty post"), value=cell("post"))
        category = None
        if stage.categories:
            category = categories.get(normalize(cell("category")))
            if category is None:
                refuse(name, line, roles["category"], header,
                       N_("unknown category {category!r} (stage {stage}: {known})") if cell("category") else
                       N_("no category (stage {stage} counts by {known}: every row needs one)"),
                       category=cell("category"), stage=stage.id, known=", ".join(categories.values()))
        text = cell("candidate")
        figure = FIGURE_OF.get(normalize(text).casefold())
        candidate = None
        if figure is None:
            if not text:
                refuse(name, line, roles["candidate"], header, N_("empty candidate"))
            # the shared-name rule, as on papers: the only one of that name on the post's list
            cid = paper.resolver.place(text, paper.lists[post.id])[0]
            if cid is AMBIGUOUS:
                refuse(name, line, roles["candidate"], header,
                       N_("{text!r} is a name two roster people share: use the id or label"), text=text)
            if cid is None:
                refuse(name, line, roles["candidate"], header, N_("{text!r} is not on the roster"), text=text)
            if cid not in paper.lists[post.id]:
                refuse(name, line, roles["candidate"], header,
                       N_("{text!r} ({id}) is not on stage {stage}'s list for {post}"), text=text, id=cid,
                       stage=stage.id, post=post.id)
            candidate = cid
        numbers: dict[str, int | None] = {}
        for key in NUMBERS:
            if key not in roles:
                continue
            value = normalize(cell(key))
            if not value and (figure is not None and key != first_number or key == "abstain"):
                numbers[key] = None  # a figure's other columns, and an abstain left to be worked out
                continue
            if value.endswith(".0") and NUMBER.fullmatch(value[:-2]):
                value = value[:-2]  # a whole number as a spreadsheet writes it
            if not NUMBER.fullmatch(value) or len(value) > 9:
                refuse(name, line, roles[key], header,
                       N_("{value!r} is not a count (a whole number, 0 or more)") if value else
                       N_("empty count: write 0"), value=cell(key))
            numbers[key] = int(value)
        if figure is not None:
            given = [k for k, v in numbers.items() if v is not None and k != first_number]
            if given:
                refuse(name, line, roles[given[0]], header,
                       N_("a {figure} row gives its number in the {first!r} column only"), figure=text,
                       first=header[roles[first_number] - 1])
        out.append(TotalRow(line, post.id, candidate, figure, category, numbers.get(first_number) or 0,
                            numbers.get("no") or 0, numbers.get("abstain"), numbers.get("invalid") or 0, columns))
    if not out:
        raise BallotFileError("no counts after the header", file=name, row=2)
    return out
