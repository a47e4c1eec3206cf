"""Fingerprints of stored data, recorded in the event log so `audit verify` can prove them.

A recount proves that the stored results follow from the stored rows; these digests prove
that the rows and results are the ones the log says were written, so a hand edit of a row
*and* its result snapshot still shows (only a rewrite of the whole hash chain would not, and
the chain head is printed at certification and by `audit verify` for the signed record).
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable

from selector.storage.rows import canonical, cells_json, text_digest_text

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
    store.text_digest_text for a chunk stored as CSV text. A tally feeds it the rows as it
    stores them; `batch_rows` feeds it the chunks read back."""

    def __init__(self, header: str | None):
        self._h = hashlib.sha256(str(header).encode("utf-8"))

    def add(self, line: int, cells: str) -> None:
        """One row: its line number and cells JSON, as stored."""
        self.add_text(f"\n{line}\t{cells}")

    def add_text(self, text: str) -> None:
        """Stored rows in order: store.rows_text of a JSON chunk, store.text_digest_text of a
        text chunk."""
        self._h.update(text.encode("utf-8"))

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def stored_rows(header: str | None, chunks: Iterable[tuple[int, int, str | None, str | None]]) -> str:
    """The rows digest of a batch from its stored header and chunks (see RowsHasher)."""
    h = RowsHasher(header)
    for first, last, cells, text in chunks:
        if text is not None:
            h.add_text(text_digest_text(first, last, text))
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


def of(snapshot: dict[str, list[dict]]) -> str:
    """SHA-256 of a result snapshot (Store.snapshot)."""
    return hashlib.sha256(canonical(snapshot).encode("utf-8")).hexdigest()


def inspection_file(header: str | None, rows: str | None) -> str:
    """SHA-256 of an inspection file as stored: its header, then its raw rows (JSON)."""
    return hashlib.sha256(f"{header}\n{rows}".encode("utf-8")).hexdigest()
