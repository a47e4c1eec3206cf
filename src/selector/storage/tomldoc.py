"""A round file's TOML document, as the database keeps it beside the file's bytes (table
`round_docs`): JSON, which Python reads in C, where TOML takes a pure-Python parser and its
import (5–9 ms of every command that opens a round; issue 17).

JSON has every TOML value but the four kinds of date and time. Those are written as their ISO
text, and their places (key paths) and kinds listed apart, so that no string of the file can
be mistaken for one: `text(doc)` read back by `document` is equal to `doc`, value for value
and type for type.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time

FORMAT = 1  # the layout below; a stored text of another is not read (the file is parsed instead)

# the kinds of date and time TOML has: offset and local date-times, local dates and times
_KINDS = {"datetime": datetime, "date": date, "time": time}


def text(doc: dict) -> str:
    """The document as stored: {"format": 1, "doc": …, "times": [[key path, kind], …]}."""
    times: list[list] = []
    plain = _plain(doc, [], times)
    return json.dumps({"format": FORMAT, "doc": plain, "times": times}, ensure_ascii=False,
                      separators=(",", ":"))


def document(stored: str) -> dict | None:
    """The TOML document a stored text holds; None for a text this version cannot read (of
    another format, or damaged: `audit verify` says so), when the file is parsed instead."""
    try:
        kept = json.loads(stored)
        if not isinstance(kept, dict) or kept.get("format") != FORMAT or not isinstance(kept.get("doc"), dict):
            return None
        doc = kept["doc"]
        for path, kind in kept["times"]:
            *inner, last = path
            place = doc
            for key in inner:
                place = place[key]
            place[last] = _KINDS[kind].fromisoformat(place[last])
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return doc


def _plain(value, path: list, times: list[list]):
    """`value` with its dates and times as ISO text, their paths noted in `times`."""
    if isinstance(value, dict):
        return {key: _plain(v, [*path, key], times) for key, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, [*path, i], times) for i, v in enumerate(value)]
    if isinstance(value, (date, time)):  # (a datetime is a date)
        times.append([path, "datetime" if isinstance(value, datetime) else "date" if isinstance(value, date)
                      else "time"])
        return value.isoformat()
    return value
