"""The interface language: GNU gettext catalogs (`locale/*/LC_MESSAGES/selector.mo`, compiled
with Babel from the `.po` files beside them).

Which language: `--lang` or `SELECTOR_LANG` when given; else the round's `locale` once a
round is open; before that, zh-CN when `LC_ALL`/`LC_MESSAGES`/`LANG` start with `zh`; else
English. Message ids are the English texts, so a missing translation shows English.
Texts are looked up when they are shown (`_`), never when a module is imported, so help
and messages follow the language chosen for this run.
"""

from __future__ import annotations

import os
import struct
from functools import cached_property
from pathlib import Path

DOMAIN = "selector"
LANGUAGES = ("zh-CN", "en")

_chosen: str | None = None  # --lang / SELECTOR_LANG: overrides the round's locale
_current = "en"


class Catalog:
    """A compiled catalog (.mo), read whole into a dict; with no messages, the English texts.

    What `gettext.GNUTranslations` does for us, without its cost on every command (~1.5 ms:
    a Python loop over each entry and the plural rule compiled through a tokenizer and
    `exec`): the rule is compiled only when it is more than a number (zh_CN's is
    `plural=0`)."""

    def __init__(self, messages: dict[str, str | tuple[str, ...]] | None = None, plural: str = "n != 1"):
        self.messages = messages or {}
        self.rule = plural  # the Plural-Forms expression (C syntax, of n)

    @cached_property
    def plural(self):
        """The plural form's index for n: a constant directly, else through gettext's reader
        of C expressions."""
        if self.rule.isdigit():
            return lambda n, index=int(self.rule): index
        import gettext

        return gettext.c2py(self.rule)

    def gettext(self, text: str) -> str:
        found = self.messages.get(text)
        return found if type(found) is str else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.messages.get(singular)
        if type(forms) is tuple:
            return forms[min(self.plural(n), len(forms) - 1)]
        return singular if n == 1 else plural

    @classmethod
    def read(cls, path: Path) -> "Catalog":
        """The catalog in a .mo file (GNU format, either byte order)."""
        data = path.read_bytes()
        order = {0x950412DE: "<", 0xDE120495: ">"}.get(struct.unpack_from("<I", data)[0])
        if order is None:
            raise OSError(f"{path}: not a GNU message catalog")
        n, originals, translations = struct.unpack_from(order + "8xIII", data)  # after the magic and revision
        keys = struct.unpack_from(f"{order}{2 * n}I", data, originals)
        values = struct.unpack_from(f"{order}{2 * n}I", data, translations)
        messages: dict[str, str | tuple[str, ...]] = {}
        for i in range(0, 2 * n, 2):
            key = data[keys[i + 1]:keys[i + 1] + keys[i]].decode("utf-8")
            value = data[values[i + 1]:values[i + 1] + values[i]].decode("utf-8")
            if "\0" in key:  # singular NUL plural -> its forms
                messages[key.partition("\0")[0]] = tuple(value.split("\0"))
            else:
                messages[key] = value
        header = messages.get("", "")
        rule = next((line.partition("plural=")[2] for line in str(header).splitlines()
                     if line.lower().startswith("plural-forms:")), "")
        return cls(messages, rule.strip().rstrip(";").strip() or "n != 1")


_catalog = Catalog()


def N_(text: str) -> str:
    """Mark a text for translation without translating it yet (help texts, tables of words)."""
    return text


def _(text: str) -> str:
    """The text in the interface language."""
    return _catalog.gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog.ngettext(singular, plural, n)


def normalize(lang: str) -> str | None:
    """"zh-CN", "zh_CN.UTF-8", "zh" → "zh-CN"; "en…", "C", "POSIX" → "en"; else None."""
    low = lang.strip().lower().replace("_", "-")
    if low.startswith("zh"):
        return "zh-CN"
    if low.startswith("en") or low in ("c", "posix"):
        return "en"
    return None


def from_environment() -> str:
    """The language before a round is chosen: SELECTOR_LANG, else the POSIX locale variables."""
    given = os.environ.get("SELECTOR_LANG")
    if given and normalize(given):
        return normalize(given)  # type: ignore[return-value]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh-CN" if value.lower().startswith("zh") else "en"
    return "en"


def use(lang: str) -> None:
    """Switch the interface to `lang` ("zh-CN" or "en")."""
    global _current, _catalog
    if lang == _current:
        return
    _current = lang
    # The catalogs are package data installed beside this module (importlib.resources would
    # cost every command ~10 ms of imports: zipfile, tempfile, random).
    path = Path(__file__).with_name("locale") / lang.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.mo"
    _catalog = Catalog.read(path) if lang != "en" and path.is_file() else Catalog()


def choose(lang: str | None) -> None:
    """The language for this run: `--lang` (or SELECTOR_LANG), else the environment's."""
    global _chosen
    _chosen = normalize(lang) if lang else (normalize(os.environ.get("SELECTOR_LANG", "")) or None)
    use(_chosen or from_environment())


def for_round(locale: str) -> None:
    """A round is open: its locale is the language, unless --lang or SELECTOR_LANG chose one."""
    if _chosen is None:
        use(normalize(locale) or "en")


def current() -> str:
    return _current
