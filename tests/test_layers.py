"""The package's layers, read from the code's own imports (`ast`): an arrow that breaks the
direction fails here, naming the file and the import.

    cli → service, audit → readers, storage → domain → errors;  reports renders views only.
    `selector.records` (the dataclass decorator) and `selector.csvtext` (plain CSV text split
    in C) are below them all and import nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "selector"


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, also inside functions, but not those under
    `if TYPE_CHECKING:` (names for annotations, never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            out.append((node.lineno, base))
            # `from selector import x` imports the module selector.x when there is one
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names
                    if (SRC.parent / f"{base}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                    or (SRC.parent / f"{base}.{a.name}".replace(".", "/")).is_dir()]
    return out


FILES = sorted(SRC.rglob("*.py"))
GRAPH = {_module(f): [(line, m) for line, m in _imports(f)] for f in FILES}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


# layer -> the selector layers it must not import
FORBIDDEN = {
    "domain": {"cli", "service", "audit", "readers", "storage", "reports"},
    "readers": {"cli", "service", "audit", "storage", "reports"},
    "storage": {"cli", "service", "audit", "readers", "reports"},
    "reports": {"cli", "service", "audit", "readers", "storage"},
    "service": {"cli", "audit"},
    "audit": {"cli"},
    "errors": {"cli", "service", "audit", "readers", "storage", "reports", "domain", "i18n"},
    "i18n": {"cli", "service", "audit", "readers", "storage", "reports", "domain", "errors"},
    "views": {"cli", "service", "audit", "readers", "storage", "reports", "domain", "errors", "i18n"},
    "records": {"cli", "service", "audit", "readers", "storage", "reports", "domain", "errors", "i18n", "views"},
    "csvtext": {"cli", "service", "audit", "readers", "storage", "reports", "domain", "errors", "i18n", "views",
                "records"},
}
DOMAIN_MAY = {"selector.errors", "selector.records"}  # besides its own modules: the domain is pure


def test_imports_run_down_the_layers():
    wrong = []
    for module, imports in GRAPH.items():
        layer = _layer(module)
        for line, target in imports:
            if not target.startswith("selector."):
                continue
            if _layer(target) in FORBIDDEN.get(layer, ()):
                wrong.append(f"{module}:{line} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_domain_imports_nothing_but_itself_and_errors():
    third_party = {"typer", "rich", "sqlite_utils", "sqlite3", "tomllib", "openpyxl", "docx", "tabulate"}
    wrong = [f"{m}:{line} imports {t}" for m, imports in GRAPH.items() if _layer(m) == "domain"
             for line, t in imports
             if (t.startswith("selector.") and _layer(t) != "domain" and t not in DOMAIN_MAY)
             or t.split(".")[0] in third_party]
    assert not wrong, "\n".join(wrong)


def test_only_the_cli_imports_typer_or_prints():
    wrong = []
    for f in FILES:
        module = _module(f)
        if _layer(module) == "cli":
            continue
        for line, target in GRAPH[module]:
            if target.split(".")[0] in ("typer", "click"):
                wrong.append(f"{module}:{line} imports {target}")
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "input", "exit"):
                wrong.append(f"{module}:{node.lineno} calls {node.func.id}()")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    edges = {m: {t for _, t in imports if t in GRAPH and t != m} for m, imports in GRAPH.items()}
    # a package's __init__ importing its own modules is how a package shows its face, not a cycle
    edges = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in edges.items()}
    cycles, state, stack = [], {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == "open":
                cycles.append(" → ".join(stack[stack.index(t):] + [t]))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = "done"

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert not cycles, "\n".join(cycles)


def test_no_private_names_are_imported_across_modules():
    wrong = []
    for f in FILES:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("selector"):
                wrong += [f"{_module(f)}:{node.lineno} imports {node.module}.{a.name}"
                          for a in node.names if a.name.startswith("_") and a.name != "_"  # gettext's _
                          and not a.name.startswith("__")]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_every_layer_exists(layer):
    assert any(_layer(m) == layer for m in GRAPH), f"no module in selector.{layer}"
