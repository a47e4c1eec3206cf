"""How stored raw rows and events are written as text: the exact encodings the digests and
the hash chain are computed over (pure functions; no database)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator

from selector.csvtext import plain_rows
from selector.errors import DatabaseError

GENESIS = "0" * 64


_ESCAPED = re.compile(r'[\\"\x00-\x1f]')


def cells_json(cells: list[str]) -> str:
    """json.dumps(cells, ensure_ascii=False), byte for byte, without the encoder for the
    usual row whose cells need no escaping."""
    if not cells or _ESCAPED.search("".join(cells)):
        return json.dumps(cells, ensure_ascii=False)
    return '["' + '", "'.join(cells) + '"]'


def rows_text(rows: list[tuple[int, list[str]]]) -> str:
    """"\n{line}\t{cells JSON}" for each row, in order: the text the rows digest hashes
    (digest.RowsHasher). The usual rows (no cell to escape) are joined without cells_json."""
    if all([cells for _, cells in rows]) and not _ESCAPED.search("".join(["".join(cells) for _, cells in rows])):
        return "".join([f'\n{line}\t["' + '", "'.join(cells) + '"]' for line, cells in rows])
    return "".join([f"\n{line}\t{cells_json(cells)}" for line, cells in rows])


def chunk_json(text: str) -> str:
    """rows_text as a JSON array of [line, cells] pairs (JSON text never holds a raw tab or
    line break, so those are the rows' separators)."""
    return "[[" + text[1:].replace("\t", ", ").replace("\n", "], [") + "]]" if text else "[]"


def text_digest_head(first: int, last: int, text: str) -> str:
    """What the rows digest hashes before a chunk stored as CSV text (rows `first`..`last`),
    then the text itself."""
    return f"\n{first}-{last}\t{len(text)}\t"


class UnreadableRows(ValueError):
    """Stored raw rows that no longer read (edited by hand): `audit verify` reports them."""


def csv_text_rows(first: int, text: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of a chunk stored as CSV text, numbered from `first`; row 1 (the header,
    stored with the batch) is skipped. Text that no longer parses raises UnreadableRows."""
    rows = plain_rows(text, csv.field_size_limit())
    try:
        if rows is None:
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        raise UnreadableRows(f"the CSV text of rows {first}… no longer parses ({e})") from None
    return iter(enumerate(rows[1:], 2) if first == 1 else enumerate(rows, first))


class NotText:
    """A stored TEXT value that is not UTF-8 (a hand edit, or a damaged file), as a tolerant
    read (`Store.event_rows`) returns it: equal to nothing, and short when printed."""

    def __init__(self, data: bytes):
        self.size = len(data)

    def __repr__(self) -> str:
        return f"<{self.size} bytes that are not UTF-8>"

    __str__ = __repr__


def tolerant_text(data: bytes) -> "str | NotText":
    """A connection's text_factory that reads undecodable TEXT as NotText instead of failing."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return NotText(data)


_UNDECODABLE = re.compile(r"Could not decode to UTF-8 column '([^']*)'")


def damage(error: Exception) -> DatabaseError | None:
    """What a database error says about the stored data, in a few words (never the stored text
    itself, which the sqlite3 message quotes), as a template and its fields for the interface
    to word; None when it is not damage (busy, locked)."""
    text = str(error)
    found = _UNDECODABLE.match(text)
    if found:
        return DatabaseError("column {column} holds text that is not UTF-8", column=found.group(1))
    if "locked" in text or "busy" in text:
        return None
    return DatabaseError("the database file is damaged: {reason}", reason=text[:80])


def canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain(prev: str, event: dict) -> str:
    """hash = SHA-256(previous hash + canonical event)."""
    return hashlib.sha256((prev + canonical(event)).encode("utf-8")).hexdigest()
