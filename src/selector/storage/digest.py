"""Fingerprints of stored data, recorded in the event log so `audit verify` can prove them.

A recount proves that the stored results follow from the stored rows; these digests prove
that the rows and results are the ones the log says were written, so a hand edit of a row
*and* its result snapshot still shows (only a rewrite of the whole hash chain would not, and
the chain head is printed at certification and by `audit verify` for the signed record).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from json.encoder import encode_basestring
from operator import itemgetter

from selector.storage.rows import canonical, cells_json, text_digest_head

# The snapshot's columns, named: a column added later by a migration must not change the
# digest of results recorded before it (add it here, and to `Store.snapshot_rows`, together).
SNAPSHOT_TABLES = (
    ("post_results", "post", ("round", "stage", "post", "returned", "void", "blank",
                              "weighted_valid", "overvotes")),
    ("results", "post, candidate", ("round", "stage", "post", "candidate", "votes", "weighted",
                                    "no", "abstain", "invalid", "by_category")),
    ("invalid_marks", "rowid", ("round", "stage", "post", "ballot", "text", "reason")),
)


class RowsHasher:
    """The rows digest of a batch: SHA-256 over its stored header (JSON), then each stored
    chunk in order: "\n{line}\t{cells JSON}" for each row of a JSON chunk, and
    rows.text_digest_head and the text for a chunk stored as CSV text. A tally feeds it the
    rows as it stores them; `batch_rows` feeds it the chunks read back."""

    def __init__(self, header: str | None):
        self._h = hashlib.sha256(str(header).encode("utf-8"))

    def add(self, line: int, cells: str) -> None:
        """One row: its line number and cells JSON, as stored."""
        self.add_text(f"\n{line}\t{cells}")

    def add_text(self, text: str) -> None:
        """Stored rows in order: store.rows_text of a JSON chunk."""
        self._h.update(text.encode("utf-8"))

    def add_csv(self, first: int, last: int, text: str, raw: bytes | None = None) -> None:
        """A chunk stored as CSV text (rows `first`..`last`; `raw`, its UTF-8 when at hand).
        The text is encoded on its own, not joined to its head first: once SQLite has bound
        it, its UTF-8 is at hand."""
        self._h.update(text_digest_head(first, last, text).encode("utf-8"))
        self._h.update(text.encode("utf-8") if raw is None else raw)

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def stored_rows(header: str | None, chunks: Iterable[tuple[int, int, str | None, str | None]]) -> str:
    """The rows digest of a batch from its stored header and chunks (see RowsHasher)."""
    h = RowsHasher(header)
    for first, last, cells, text in chunks:
        if text is not None:
            h.add_csv(first, last, text)
        else:
            for line, row in json.loads(cells):
                h.add(line, _as_stored(row))
    return h.hexdigest()


def _as_stored(cells) -> str:
    """A row's cells as add_rows writes them (json.dumps of the list); anything else a hand
    edit left there, as JSON too, so it cannot pass for a list."""
    if type(cells) is list:
        try:
            return cells_json(cells)
        except TypeError:  # not all strings
            pass
    return json.dumps(cells, ensure_ascii=False)


def of(snapshot: dict) -> str:
    """SHA-256 of a result snapshot (Store.snapshot): of canonical(snapshot), hashed a piece
    at a time (`pieces`), so a table given as `Rows` is never held whole, nor its JSON."""
    h = hashlib.sha256()
    for piece in pieces(snapshot):
        h.update(piece.encode("utf-8"))
    return h.hexdigest()


class Rows:
    """A table of a snapshot given to `of` as its rows come (row dicts, from a cursor or made
    from a count), hashed `ROWS_AT_ONCE` at a time: a stage of 10M marks has ~50,000 invalid
    marks, ~17 MiB as dicts and more as one JSON text (issue 17: memory that streams). With
    `columns`, each row is the tuple of those columns' values instead of a dict: hashed as
    the dict would be, without making it (`_tuples_json`)."""

    def __init__(self, rows: Iterable, columns: tuple[str, ...] | None = None):
        self.rows, self.columns = rows, columns


ROWS_AT_ONCE = 2000


def pieces(value) -> Iterator[str]:
    """canonical(value) in pieces that join to exactly its text: a dict with text keys key by
    key in sorted order (as `sort_keys` orders them), a `Rows` table a run of rows at a time
    (the JSON of a list is its items' JSON joined by ","), anything else whole."""
    if type(value) is dict and all(type(k) is str for k in value):
        yield "{"
        for i, key in enumerate(sorted(value)):
            yield f"{',' if i else ''}{canonical(key)}:"
            yield from pieces(value[key])
        yield "}"
    elif isinstance(value, Rows):
        rows = iter(value.rows)
        text = canonical if value.columns is None else _tuples_json(value.columns)
        sep = "["
        while True:
            part = list(islice(rows, ROWS_AT_ONCE))
            if not part:
                break
            yield sep + text(part)[1:-1]
            sep = ","
        yield "[]" if sep == "[" else "]"
    else:
        yield canonical(value)


def _tuples_json(columns: tuple[str, ...]) -> Callable[[list[tuple]], str]:
    """canonical() of rows given as tuples of `columns`' values, as if each were the dict of
    its columns: each row's values encoded as json.dumps encodes text, put in one format of
    the rows with the keys in sorted order, as sort_keys writes them (making a dict for each
    row and encoding it cost 2.5 times as much: a 1M-mark tally's 4,818 invalid marks). A
    value that is not text (a hand edit) makes the rows dicts again."""
    keys = sorted(columns)
    order = itemgetter(*(columns.index(k) for k in keys))
    row = "{" + ",".join(f"{canonical(k)}:%s" for k in keys) + "}"

    def text(rows: list[tuple]) -> str:
        try:
            values = tuple(map(encode_basestring, chain.from_iterable(map(order, rows))))
        except TypeError:
            return canonical([dict(zip(columns, r)) for r in rows])
        return "[" + ",".join([row] * len(rows)) % values + "]"

    return text


# The chained form of the results digest (a tally event that adds to a stage already counted
# records `marks_sha256`): the invalid marks and void papers, which grow with every batch,
# are hashed a batch at a time, each batch's link chained onto the one before, so a batch
# hashes only its own; the fixed-size tables are hashed whole, with the chain's head.
MARKS_START = ""  # the head of a chain with no links yet


def marks_link(prev: str, batch: int | None, marks: list[list], voids: list[list]) -> str:
    """The chain's head after one batch's rows, in stored order: its invalid marks as
    [post, ballot, text, reason] and its void papers as [ballot, post, reason] (`batch`
    None: rows stored before m014_flat_batches, which know no batch)."""
    text = f"{prev}\n{batch}\n{canonical(marks)}\n{canonical(voids)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def marks_chain(marks: Iterable[tuple], voids: Iterable[tuple], head: str = MARKS_START) -> str:
    """The head of the chain over stored rows, (batch, …) each, both in (batch, rowid) order
    with the rows without a batch first (SQLite's ORDER BY batch): one link for each batch
    that holds an invalid mark or a void paper."""
    groups: dict = {}
    for table, rows in ((0, marks), (1, voids)):
        for batch, *row in rows:
            groups.setdefault(batch, ([], []))[table].append(row)
    for batch in sorted(groups, key=lambda b: (b is not None, b or 0)):
        head = marks_link(head, batch, *groups[batch])
    return head


def chained(fixed: dict, head: str) -> str:
    """SHA-256 of the chained form: the fixed-size tables of the snapshot (post_results,
    results, stages, as `of` takes them) and the head of the marks chain."""
    return of({**fixed, "marks_sha256": head})


def inspection_file(header: str | None, rows: str | None) -> str:
    """SHA-256 of an inspection file as stored: its header, then its raw rows (JSON)."""
    return hashlib.sha256(f"{header}\n{rows}".encode("utf-8")).hexdigest()
