"""The readers' and the domain's refusals, and the differences `audit verify` reports, are
translatable: a template (the catalog's message id) with its fields, and the place in a file
given as fields, never a sentence formatted in advance (an f-string), which the catalog cannot
hold.
"""

from __future__ import annotations

import ast
from fractions import Fraction

import pytest

from selector.errors import BallotFileError, ConfigError, Located, SelectorError
from support import BAD, GOOD, ROOT

SRC = ROOT / "src" / "selector"
ERRORS = {"SelectorError", "ConfigError", "BallotFileError", "RuleError", "NotFound", "DatabaseError",
          "UsageError", "AuditMismatch"}
# Helpers that take a message template: name -> the index of the template among the arguments.
HELPERS = {"refuse": 4, "fail": 1}


def _message_args(tree: ast.AST):
    """(line, the template argument) of every error made, or helper called, in a module."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else \
            node.func.attr if isinstance(node.func, ast.Attribute) else ""
        index = 0 if name in ERRORS else HELPERS.get(name)
        if index is not None and len(node.args) > index:
            yield node.lineno, node.args[index]


def _formatted(arg: ast.AST) -> bool:
    """Is the template worded in advance: an f-string with fields, `%` or `+` of strings, .format()?"""
    for node in ast.walk(arg):
        if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return True
    return False


@pytest.mark.parametrize("path", sorted([*SRC.glob("readers/*.py"), *SRC.glob("domain/*.py")]),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_refusal_is_formatted_in_advance(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = [f"{path.name}:{line}: {ast.unparse(arg)[:80]}" for line, arg in _message_args(tree)
             if _formatted(arg)]
    assert not wrong, "\n".join(wrong)


# -- audit verify's differences: report.add(where, N_("…"), **fields), the place an At("…", …) --------

CHECKS = sorted([*SRC.glob("audit/*.py"), *SRC.glob("service/**/*.py")])
DIFFERENCE_HELPERS = {"_problem"}  # helpers taking (report, where, message, **fields)


def _marked(arg: ast.AST) -> bool:
    """A template Babel extracts: N_("literal") (of one literal, no conditional inside), a
    choice between such (`N_("a") if x else N_("b")`), or a name holding one."""
    if isinstance(arg, ast.IfExp):
        return _marked(arg.body) and _marked(arg.orelse)
    if isinstance(arg, ast.Name):
        return True
    return (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "N_"
            and len(arg.args) == 1 and isinstance(arg.args[0], ast.Constant) and isinstance(arg.args[0].value, str))


def _difference_args(tree: ast.AST):
    """(line, what, argument) of every report.add(where, message, …) and At(template, …)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "add" and isinstance(func.value, ast.Name) \
                and func.value.id == "report":
            assert len(node.args) == 2 and not any(isinstance(a, ast.Starred) for a in node.args), \
                f"line {node.lineno}: report.add(where, message, **fields)"
            yield node.lineno, "place", node.args[0]
            yield node.lineno, "message", node.args[1]
        elif isinstance(func, ast.Name) and func.id == "At" and node.args:
            yield node.lineno, "At", node.args[0]
        elif isinstance(func, ast.Name) and func.id in DIFFERENCE_HELPERS and len(node.args) > 2:
            yield node.lineno, "place", node.args[1]
            yield node.lineno, "message", node.args[2]


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_difference_is_formatted_in_advance(path):
    """Each difference audit verify reports is a place and a message the catalog holds: no
    f-string, `+` or .format(); the message marked N_("…"), the place an At("…", …)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = []
    for line, what, arg in _difference_args(tree):
        if _formatted(arg):
            wrong.append(f"{path.name}:{line}: {what} formatted in advance: {ast.unparse(arg)[:80]}")
        elif what == "message" and not _marked(arg):
            wrong.append(f"{path.name}:{line}: message not marked N_(\"…\"): {ast.unparse(arg)[:80]}")
        elif what == "place" and isinstance(arg, ast.Constant | ast.JoinedStr):
            wrong.append(f"{path.name}:{line}: the place is text, not an At(…): {ast.unparse(arg)[:80]}")
        elif what == "At" and not (isinstance(arg, ast.Name)
                                   or isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            wrong.append(f"{path.name}:{line}: At takes its template as one literal: {ast.unparse(arg)[:80]}")
    assert not wrong, "\n".join(wrong)


def test_the_differences_are_found_where_the_check_looks():
    """The AST check above sees the differences: about as many as audit verify can report."""
    found = sum(1 for path in CHECKS for _, what, _ in _difference_args(ast.parse(path.read_text(encoding="utf-8")))
                if what == "message")
    assert found > 100


# -- what a run over bad files raises ----------------------------------------------------------

def _check(err: SelectorError, file: str | None = None) -> None:
    """A template with its fields (or a constant sentence), the place given as fields."""
    assert err.params or "{" not in err.template, err.template
    assert err.template.format(**err.params) if err.params else err.template
    if isinstance(err, Located) and file is not None:
        assert err.place.get("file") == file, (err.place, err.message)
        assert file not in err.template, err.template
        assert not err.template.startswith(("row ", "line ")), err.template
    for value in err.params.values():
        if isinstance(value, SelectorError):
            _check(value)


@pytest.fixture(scope="module")
def good():
    from selector.domain.counting import Resolver
    from selector.readers import roundfile

    round_, _, _ = roundfile.load(GOOD / "round.toml")
    return round_, Resolver(round_.candidates)


def _paper(good, stage: str):
    from selector.readers.ballots import Paper

    round_, resolver = good
    lists = {p.id: tuple(c.id for c in round_.candidates if c.eligible_for(p.id)) for p in round_.posts}
    return Paper(round_.stage(stage), round_.posts, lists, resolver)


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir() if p.suffix != ".toml"))  # ballot files
def test_every_bad_file_refusal_is_a_template(good, name):
    from selector.readers.ballots import interpret
    from selector.readers.tables import open_table

    refused = 0
    for stage in ("rec1", "vote1"):
        for layout in ("wide", "long"):
            try:
                with open_table(BAD / name) as table:
                    for _ in interpret(_paper(good, stage), table.name, table.header, table.rows, layout):
                        pass
            except BallotFileError as e:
                _check(e, str(BAD / name))
                refused += 1
    assert refused  # every file of the corpus is refused for some stage and layout


def _rows(*rows):
    return rows[0], list(enumerate(rows[1:], start=2))


def test_findings_and_evaluation_refusals_are_templates(good):
    from selector.domain.model import Evaluation, Threshold
    from selector.readers.findings import kind_of, read_evaluation, read_findings

    _, resolver = good
    findings = [
        (["candidate", "zz"],),
        (["candidate", "check", "verdict"], ["ZZ", "纪检", "通过"]),
        (["candidate", "check", "verdict"], ["C02", "纪检", "通过"]),
        (["candidate", "check", "verdict"], ["C01", "zz", "通过"]),
        (["candidate", "check", "verdict"], ["C01", "纪检", "zz"]),
        (["candidate", "check", "verdict"], ["C01", "纪检", "通过"], ["C01", "纪检", "通过"]),
        (["candidate", "check", "verdict"],),
    ]
    for rows in findings:
        with pytest.raises(BallotFileError) as caught:
            read_findings("f.csv", *_rows(*rows), resolver=resolver, allowed=["C01"], checks=("纪检",))
        _check(caught.value, "f.csv")
    evaluation = Evaluation(("优秀", "称职"), ("优秀",), Threshold(">=", Fraction(1, 2)))
    for rows in ((["ballot", "ZZ"],), (["ballot", "C01"], ["1", "好"]),
                 (["ballot", "void", "C01"], ["1", "√", "优秀"])):
        with pytest.raises(BallotFileError) as caught:
            read_evaluation("e.csv", *_rows(*rows), resolver=resolver, allowed=["C01"], evaluation=evaluation)
        _check(caught.value, "e.csv")
    # a name two people share is refused only when both are being inspected (else it is the one who is)
    with pytest.raises(BallotFileError) as caught:
        read_findings("f.csv", *_rows(["candidate", "check", "verdict"], ["张伟", "纪检", "通过"]), resolver=resolver,
                      allowed=["C01", "C02"], checks=("纪检",))
    _check(caught.value, "f.csv")
    with pytest.raises(BallotFileError) as caught:
        read_evaluation("e.csv", *_rows(["ballot", "张伟"]), resolver=resolver, allowed=["C01", "C02"],
                        evaluation=evaluation)
    _check(caught.value, "e.csv")
    with pytest.raises(BallotFileError) as caught:
        kind_of("x.csv", ["a", "b"])
    _check(caught.value, "x.csv")


ROUND_EDITS = [
    ('ratio = "1:2"', 'ratio = "2:1"'),
    ('seats = 1', 'seats = 0'),
    ('quorum = ">= 2/3"', 'quorum = ">= 3/2"'),
    ('"领导干部" = 2', '"领导干部" = "1/2000000000"'),
    ('id = "P02"', 'id = "P01"'),
    ('roster = "roster.csv"', 'roster = "missing.csv"'),
    ('roster = "roster.csv"', 'roster = "/etc/roster.csv"'),
    ('kind = "vote"\ntitle = "常委会票决"', 'kind = "vote"\ntitle = "常委会票决"\nelectorate = 3'),
]


@pytest.mark.parametrize("old, new", ROUND_EDITS)
def test_round_file_refusals_are_templates(tmp_path, old, new):
    from selector.readers import roundfile
    from support import good_round

    path = good_round(tmp_path, {old: new})
    with pytest.raises(ConfigError) as caught:
        roundfile.load(path)
    _check(caught.value, str(path))
    assert caught.value.place.get("key"), caught.value.message


def test_a_roster_row_is_placed_as_row_and_column(tmp_path):
    from selector.readers import roundfile
    from support import good_round

    path = good_round(tmp_path)
    (tmp_path / "roster.csv").write_text("id,name,posts\nC01,张伟,P09\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        roundfile.load(path)
    err = caught.value
    assert err.place == {"file": f"{path} → roster.csv", "row": 2, "column": "posts"}
    assert err.template == "no post {post}" and str(err) == f'{path} → roster.csv: row 2, column posts: no post "P09"'


def test_the_interface_words_place_template_and_a_refusal_inside_it(monkeypatch):
    """Every part goes through the catalog: the place words, the template, and a refusal that is
    itself a field (a roster file that cannot be read)."""
    from selector import i18n
    from selector.cli.messages import text

    class Marked:
        def gettext(self, message):
            return f"«{message}»"

    monkeypatch.setattr(i18n, "_catalog", Marked())
    inner = BallotFileError("no such file", file="roster.csv")
    err = ConfigError("cannot read {error}", file="r.toml", key="round.roster", error=inner)
    assert str(err) == "r.toml: round.roster: cannot read roster.csv: no such file"
    assert text(err) == "r.toml«: »round.roster«: »«cannot read roster.csv«: »«no such file»»"


def test_close_problems_carry_their_fields_and_the_refusal_is_worded_whole():
    from datetime import date

    from selector.domain.notice import Complaint, StillOpen, StillRunning, close_problems
    from selector.service.stages.notice import _cannot_close

    end = date(2026, 10, 10)
    open_ = [Complaint(n, end, c, "…", True) for n, c in ((1, "C1"), (2, "C2"))]
    problems = close_problems(date(2026, 10, 9), end, open_, {"C1": "张伟"})
    assert [type(p) for p in problems] == [StillRunning, StillOpen]
    assert problems[1].complaints == ((1, "张伟"), (2, "C2"))
    err = _cannot_close("notice1", problems)
    assert "{" in err.template and err.params["n"] == 2
    assert str(err) == ("the notice notice1 cannot close: the notice runs until 2026-10-10 (today is "
                        "2026-10-09); 2 complaints still open: #1 (张伟), #2 (C2)")
