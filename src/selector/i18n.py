"""The interface language: GNU gettext catalogs (`locale/*/LC_MESSAGES/selector.mo`, compiled
with Babel from the `.po` files beside them) through Python's `gettext`.

Which language: `--lang` or `SELECTOR_LANG` when given; else the round's `locale` once a
round is open; before that, zh-CN when `LC_ALL`/`LC_MESSAGES`/`LANG` start with `zh`; else
English. Message ids are the English texts, so a missing translation shows English.
Texts are looked up when they are shown (`_`), never when a module is imported, so help
and messages follow the language chosen for this run.
"""

from __future__ import annotations

import gettext
import os
from importlib import resources

DOMAIN = "selector"
LANGUAGES = ("zh-CN", "en")

_chosen: str | None = None  # --lang / SELECTOR_LANG: overrides the round's locale
_current = "en"
_catalog: gettext.NullTranslations = gettext.NullTranslations()


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
    if lang == "en":
        _catalog = gettext.NullTranslations()
        return
    folder = resources.files("selector").joinpath("locale")
    with resources.as_file(folder) as path:
        _catalog = gettext.translation(DOMAIN, localedir=str(path), languages=[lang.replace("-", "_")],
                                       fallback=True)


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
