"""`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, made faster.

With `indent` the standard library encodes in Python, one generator step and one small string
per token, joined at the end: a stage of 10,000 posts (`show --json`, `export --format json`)
took ~3 s and ~300 MB for its list of pieces. Here each key and scalar value becomes one piece,
strings are escaped by the C escaper json itself uses, and containers recurse. Anything but
dicts with str keys, lists, tuples, str, int, bool and None (a float, a subclass, a non-str key)
is left to `json.dumps` whole, so the text is always what json would write.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

__all__ = ["chunks", "dumps", "dumps_utf8"]

PIECES = 20_000  # pieces joined into one chunk: the list of small strings stays small


class _Other(Exception):
    """A value this encoder does not write itself."""


class _Out(list):
    """The pieces written so far, joined into `done` chunks as they pile up (as UTF-8 bytes
    with `utf8`)."""

    def __init__(self, utf8: bool = False):
        super().__init__()
        self.done: list = []
        self.utf8 = utf8

    def collect(self, at: int = PIECES) -> None:
        if len(self) > at:
            chunk = "".join(self)
            self.done.append(chunk.encode("utf-8") if self.utf8 else chunk)
            self.clear()


def dumps(value) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`."""
    return "".join(chunks(value))


def chunks(value) -> list[str]:
    """`json.dumps(value, ensure_ascii=False, indent=2)` in pieces of some 20,000 tokens
    (for a big view: less memory than the whole text and its list of tokens at once)."""
    out = _Out()
    try:
        _value(value, out, "\n")
    except _Other:
        return [json.dumps(value, ensure_ascii=False, indent=2)]
    out.collect(0)
    return out.done


def dumps_utf8(value) -> bytes:
    """`json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")`, each chunk encoded
    as it is made."""
    out = _Out(utf8=True)
    try:
        _value(value, out, "\n")
    except _Other:
        return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
    out.collect(0)
    return b"".join(out.done)


def _scalar(value) -> str | None:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return None


def _value(value, out: list[str], newline: str) -> None:
    text = _scalar(value)
    if text is not None:
        out.append(text)
        return
    _container(value, out, newline)


def _dict(value: dict, out: list[str], newline: str) -> None:
    if not value:
        out.append("{}")
        return
    inner = newline + "  "
    lead = "{" + inner
    between = "," + inner
    append = out.append
    for key, item in value.items():
        if type(key) is not str:
            raise _Other  # json turns numbers, booleans and None into keys of its own
        text = _scalar(item)
        if text is not None:
            append(f"{lead}{encode_basestring(key)}: {text}")
        else:
            append(f"{lead}{encode_basestring(key)}: ")
            _nested(item, out, inner)
        lead = between
    append(newline + "}")


def _nested(item, out, inner: str) -> None:
    """A dict or list value written after its key or list position; anything else is json's."""
    _container(item, out, inner)
    out.collect()


def _container(value, out, newline: str) -> None:
    kind = type(value)
    if kind is dict:
        _dict(value, out, newline)
    elif kind is list or kind is tuple:
        _list(value, out, newline)
    else:
        raise _Other


def _list(value, out: list[str], newline: str) -> None:
    if not value:
        out.append("[]")
        return
    inner = newline + "  "
    lead = "[" + inner
    between = "," + inner
    append = out.append
    for item in value:
        text = _scalar(item)
        if text is not None:
            append(lead + text)
        else:
            append(lead)
            _nested(item, out, inner)
        lead = between
    append(newline + "]")
