#!/usr/bin/env python3
"""Keep the interface's translation catalogs in step with the code (needs Babel: the test extras).

    python tools/catalog.py            extract the messages, merge them into each .po, compile the .mo
    python tools/catalog.py --check    exit 1 if a message has no translation or a .mo is stale

Messages are the English texts given to `_()`, `N_()`, `ngettext()` and to the error types
(`RuleError("… {field} …", field=…)`); the catalogs live in src/selector/locale/LANG/LC_MESSAGES/.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "selector"
LOCALE = SRC / "locale"
DOMAIN = "selector"
ERRORS = ("SelectorError", "ConfigError", "BallotFileError", "RuleError", "NotFound", "DatabaseError",
          "UsageError", "AuditMismatch")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "At": (1,), **{name: (1,) for name in ERRORS}}


def extract(quiet: bool = False):
    """The catalog of every message in the package, as Babel extracts it (it warns of each
    f-string it skips: a message that cannot be translated as written)."""
    import contextlib
    import os

    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="selector", domain=DOMAIN, charset="utf-8")
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull if quiet else sys.stderr):
        for filename, lineno, message, comments, context in extract_from_dir(
                str(SRC), method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True):
            catalog.add(message, None, [(f"selector/{filename}", lineno)], auto_comments=comments,
                        context=context)
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_bytes(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if p.is_dir())


def update() -> None:
    from babel.messages.pofile import read_po, write_po

    template = extract()
    for lang in languages():
        path = po_path(lang)
        if path.exists():
            with open(path, "rb") as f:
                catalog = read_po(f, locale=lang, domain=DOMAIN)
        else:
            from babel.messages.catalog import Catalog
            catalog = Catalog(locale=lang, domain=DOMAIN, project="selector", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with open(path, "wb") as f:
            write_po(f, catalog, width=100, omit_header=False, sort_output=False, include_previous=False)
        path.with_suffix(".mo").write_bytes(mo_bytes(catalog))
        missing = [m.id for m in catalog if m.id and not m.string or (isinstance(m.string, tuple) and not all(m.string))]
        print(f"{lang}: {len(catalog)} messages, {len(missing)} without a translation")


def problems() -> list[str]:
    """What --check (and the test suite) refuses."""
    from babel.messages.pofile import read_po

    template = extract(quiet=True)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    out = []
    for lang in languages():
        path = po_path(lang)
        with open(path, "rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
        have = {}
        for m in catalog:
            if m.id:
                have[m.id if isinstance(m.id, str) else m.id[0]] = m
        for key in sorted(wanted - set(have)):
            out.append(f"{lang}: not in the catalog (run tools/catalog.py): {key!r}")
        for key, m in have.items():
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if not all(strings) or m.fuzzy:
                out.append(f"{lang}: no translation: {key!r}")
        if path.with_suffix(".mo").read_bytes() != mo_bytes(catalog):
            out.append(f"{lang}: {path.with_suffix('.mo').name} is stale (run tools/catalog.py)")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        found = problems()
        print("\n".join(found) or "catalogs complete")
        return 1 if found else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
