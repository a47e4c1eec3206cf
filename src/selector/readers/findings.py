"""Inspection files (SPEC §3 "Inspection and notice"): findings and 民主测评 ballots.

Files are opened with `tables.open_table` (CSV in UTF-8 or GB18030, or XLSX), so they read
exactly like ballot files; this module turns their rows into findings or evaluation papers,
refusing the whole file at the first problem with file, row and column.
"""

from __future__ import annotations

from functools import partial
from typing import Iterable

from selector.readers.ballots import (
    COLUMN_OF as BALLOT_COLUMNS, cell_text, filled_rows, header_roles, heading_row, refuse, void_reason,
)
from selector.readers.tables import Row, placed
from selector.domain.counting import AMBIGUOUS, Resolver
from selector.domain.inspection import EvaluationPaper, Finding, grade_counts, graded_too_little
from selector.domain.model import Evaluation, normalize
from selector.errors import BallotFileError
from selector.i18n import N_

FINDING_ALIASES = {
    "candidate": ("candidate", "候选人", "人选", "姓名", "考察对象"),
    "check": ("check", "项目", "部门", "鉴定部门", "鉴定单位", "单位"),
    "verdict": ("verdict", "结论", "意见", "鉴定意见"),
    "note": ("note", "说明", "备注", "情况"),
}
FINDING_COLUMNS = {normalize(a).casefold(): k for k, names in FINDING_ALIASES.items() for a in names}
VERDICT_ALIASES = {
    "clear": ("clear", "通过", "合格", "无问题", "同意"),
    "pending": ("pending", "核查中", "待核查", "正在核查", "未办结"),
    "concern": ("concern", "关注", "存疑", "有问题", "提醒"),
    "veto": ("veto", "否决", "一票否决", "不同意", "不通过"),
}
VERDICT_OF = {normalize(a).casefold(): k for k, names in VERDICT_ALIASES.items() for a in names}
UNCLEAR = {normalize(t).casefold() for t in ("废", "void")}


def _has_findings(cells: list[str]) -> bool:
    return any(FINDING_COLUMNS.get(normalize(c).casefold()) in ("check", "verdict") for c in cells if c.strip())


def kind_of(name: str, header: list[str], rows: Iterable[Row] = ()) -> str:
    """"findings" or "evaluation", from the header; either may have title rows above its
    heading row (考察鉴定意见汇总表, 民主测评表, 日期), as ballot files do: `rows` are looked at for it."""
    rows = list(rows)
    keys = {normalize(h).casefold() for h in header}
    if _has_findings(header):
        return "findings"
    if any(BALLOT_COLUMNS.get(k) == "ballot" for k in keys):
        return "evaluation"
    if heading_row(header, rows, _has_findings)[2] > 1:
        return "findings"
    if heading_row(header, rows)[2] > 1:
        return "evaluation"
    raise BallotFileError("neither a findings file (columns: candidate, check, verdict, note) nor 民主测评 "
                          "ballots (columns: ballot, then one per candidate)", file=name, row=1)


def _person(resolver: Resolver, allowed: Iterable[str], text: str) -> tuple[str | None, BallotFileError | None]:
    """(candidate id, None) or (None, why not: a refusal without its place, see `refuse`)."""
    cid = resolver.place(text, allowed)[0]  # a shared name: the only one of that name being inspected
    if cid is AMBIGUOUS:
        return None, BallotFileError("{text!r} is a name two roster people share: use the id or label", text=text)
    if cid is None:
        return None, BallotFileError("{text!r} is not on the roster", text=text)
    if cid not in allowed:
        return None, BallotFileError("{text!r} ({id}) is not being inspected at this stage", text=text, id=cid)
    return cid, None


def read_findings(name: str, header: list[str], rows: Iterable[Row], *, resolver: Resolver,
                  allowed: Iterable[str], checks: tuple[str, ...]) -> list[Finding]:
    """Rows of `candidate, check, verdict, note` → findings (one per candidate and check). Title
    rows above the heading row (the first that holds a check or verdict heading) are skipped."""
    return _below_titles(_has_findings, _read_findings, name, header, rows, resolver=resolver, allowed=allowed,
                         checks=checks)


def _below_titles(is_heading, read, name: str, header: list[str], rows: Iterable[Row], **options):
    """`read` the table from its heading row on (`ballots.heading_row`), its refusals of the
    heading naming that row rather than row 1."""
    header, rows, top = heading_row(header, rows, is_heading)
    try:
        return read(name, header, rows, **options)
    except BallotFileError as e:  # the heading's refusals name row 1: it is lower down
        if top > 1 and e.place.get("row") == 1:
            raise placed(e, row=top) from None
        raise


def _read_findings(name: str, header: list[str], rows: Iterable[Row], *, resolver: Resolver,
                   allowed: Iterable[str], checks: tuple[str, ...]) -> list[Finding]:
    allowed = set(allowed)
    roles: dict[str, int] = {}
    for col, h in enumerate(header, start=1):
        key = FINDING_COLUMNS.get(normalize(h).casefold())
        if key is None:
            refuse(name, 1, col, header, N_("unknown column {text!r} (expected candidate, check, verdict, note)"),
                   text=h)
        if key in roles:
            refuse(name, 1, col, header, N_("the same column as column {other}"), other=roles[key])
        roles[key] = col
    for key in ("candidate", "check", "verdict"):
        if key not in roles:
            raise BallotFileError("no {wanted!r} column (columns: candidate, check, verdict, note)", file=name,
                                  row=1, wanted=key)
    check_of = {normalize(c): c for c in checks}
    out: list[Finding] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in filled_rows(name, header, rows, len(header)):
        cell = partial(cell_text, roles, cells)
        if FINDING_COLUMNS.get(normalize(cell("candidate")).casefold()) == "candidate":
            refuse(name, line, None, header, N_("this row repeats the heading row ({value!r} in the candidate "
                                                "column): delete it"), value=cell("candidate"))
        cid, problem = _person(resolver, allowed, cell("candidate"))
        if problem:
            refuse(name, line, roles["candidate"], header,
                   problem if cell("candidate") else N_("empty candidate"))
        check = check_of.get(normalize(cell("check")))
        if check is None and not checks:
            refuse(name, line, roles["check"], header, N_("{value!r} is not one of this stage's checks (none)"),
                   value=cell("check"))
        if check is None:
            refuse(name, line, roles["check"], header, N_("{value!r} is not one of this stage's checks ({checks})"),
                   value=cell("check"), checks=", ".join(checks))
        verdict = VERDICT_OF.get(normalize(cell("verdict")).casefold())
        if verdict is None:
            refuse(name, line, roles["verdict"], header,
                   N_("{value!r} is not a verdict (clear/通过, pending/核查中, concern/关注, veto/否决)"),
                   value=cell("verdict"))
        if (cid, check) in seen:
            refuse(name, line, None, header, N_("{id} has a second {check} finding (first on row {first})"),
                   id=cid, check=check, first=seen[cid, check])
        seen[cid, check] = line
        out.append(Finding(cid, check, verdict, cell("note"), f"{name} row {line}", line))
    if not out:
        raise BallotFileError("no findings after the header", file=name)
    return out


def read_evaluation(name: str, header: list[str], rows: Iterable[Row], *, resolver: Resolver,
                    allowed: Iterable[str], evaluation: Evaluation) -> tuple[list[str], list[EvaluationPaper]]:
    """民主测评 ballots → (the candidates with a column, the papers). Title rows above the
    heading row (the first that holds the ballot-number heading) are skipped, as in ballot files."""
    return _below_titles(None, _read_evaluation, name, header, rows, resolver=resolver, allowed=allowed,
                         evaluation=evaluation)


def _read_evaluation(name: str, header: list[str], rows: Iterable[Row], *, resolver: Resolver,
                     allowed: Iterable[str], evaluation: Evaluation) -> tuple[list[str], list[EvaluationPaper]]:
    allowed = set(allowed)
    grade_of = {normalize(g): g for g in evaluation.scale}
    grade_of.update({normalize(u): "" for u in evaluation.unknown})  # 不了解: not counted, like a blank

    def role_of(col: int, h: str, key: str | None) -> tuple:
        if key in ("ballot", "void"):
            return (key,)
        text = h.partition("/")[2] if "/" in h and resolver.resolve(h) is None else h
        cid, problem = _person(resolver, allowed, text)
        if problem:
            refuse(name, 1, col, header, N_("unknown column: {problem} (expected ballot, void, and one column "
                                            "per candidate)"), problem=problem)
        return ("cand", cid)

    roles, _ = header_roles(name, header, role_of)
    candidates = [r[1] for r in roles if r[0] == "cand"]
    if not candidates:
        raise BallotFileError("no candidate columns", file=name, row=1)
    papers: list[EvaluationPaper] = []
    numbers: dict[str, int] = {}
    for line, cells in filled_rows(name, header, rows, len(roles)):
        paper = EvaluationPaper("", None)
        for col, role in enumerate(roles, start=1):
            value = cells[col - 1].strip() if col <= len(cells) else ""
            if role == ("ballot",):
                paper.number = normalize(value)
                if not paper.number:
                    refuse(name, line, col, header, N_("empty ballot number"))
                if BALLOT_COLUMNS.get(paper.number.casefold()) == "ballot":
                    refuse(name, line, None, header, N_("this row repeats the heading row ({value!r} in the "
                                                        "ballot column): delete it"), value=value)
            elif role == ("void",):
                paper.void, problem = void_reason(value)
                if problem:
                    refuse(name, line, col, header, problem)
            elif not value or not normalize(value):  # empty, or only invisible characters
                paper.grades[role[1]] = ""
            elif normalize(value).casefold() in UNCLEAR:
                paper.grades[role[1]] = None
            elif normalize(value) in grade_of:
                paper.grades[role[1]] = grade_of[normalize(value)]
            else:
                refuse(name, line, col, header, N_("{value!r} is not a grade ({grades}, {unknown} or empty for "
                                                   "none, 废 for an unclear mark)"), value=value,
                       grades="/".join(evaluation.scale), unknown="/".join(evaluation.unknown))
        if paper.number in numbers:
            refuse(name, line, None, header, N_("ballot {number} appears twice (also row {first})"),
                   number=paper.number, first=numbers[paper.number])
        numbers[paper.number] = line
        papers.append(paper)
    if not papers:
        raise BallotFileError("no ballots after the header", file=name)
    counts = grade_counts((cid, g or "", int(g is None), p.void) for p in papers for cid, g in p.grades.items())
    for cid, graded, total in graded_too_little(counts):
        col = next(i for i, r in enumerate(roles, start=1) if r == ("cand", cid))
        refuse(name, 1, col, header, N_("{id} is graded on {graded} of {papers} papers, fewer than half: a "
                                        "民主测评 is held in the candidate's own unit — record one file per unit, "
                                        "with that unit's papers (--unit NAME --expected N --present N)"),
               id=cid, graded=graded, papers=total)
    return candidates, papers

