"""Every message the interface can show is a message id the catalog can hold: the text given
to `_()`, `N_()`, `ngettext()` or an error type is a plain string literal (a template with
`{fields}`), never an f-string, a `+`/`%` of strings, a `.format()` result, or a conditional —
Babel would skip the first three and join both halves of a conditional into one id."""

from __future__ import annotations

import ast

import pytest

from support import ROOT

SRC = ROOT / "src" / "selector"
ERRORS = {"SelectorError", "ConfigError", "BallotFileError", "RuleError", "NotFound", "DatabaseError",
          "UsageError", "AuditMismatch"}
MARKERS = {"_", "N_", "ngettext"}


def _called(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else \
        node.func.attr if isinstance(node.func, ast.Attribute) else ""


def _not_a_literal(arg: ast.AST) -> str | None:
    """Why the argument cannot be a message id (None when it is fine)."""
    for node in ast.walk(arg):
        if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
            return "an f-string"
        if isinstance(node, ast.IfExp) and any(isinstance(b, ast.Constant) and isinstance(b.value, str)
                                               for b in (node.body, node.orelse)):
            return "a conditional of strings (Babel joins both into one id)"
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            return "strings joined with + or %"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return "a .format() result"
    return None


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_messages_are_literal_templates(path):
    wrong = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = _called(node)
        if name in MARKERS:
            args = node.args[:2] if name == "ngettext" else node.args[:1]
        elif name in ERRORS:
            args = node.args[:1]
        else:
            continue
        for arg in args:
            why = _not_a_literal(arg)
            if why:
                wrong.append(f"{path.name}:{node.lineno}: {name}() given {why}: {ast.unparse(arg)[:70]}")
    assert not wrong, "\n".join(wrong)
