"""Taking in a batch's raw rows: each chunk stored and hashed as it is read, and the garbage
collector paused while a large file streams through."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

from selector.storage import digest

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from selector.storage.store import Store


class Intake:
    """A table's chunks of rows (lists), each stored as it is read (flattened in C by the
    caller: a generator yielding row by row was 7 % of a 1M-row tally). With `batch` None
    (a dry run) nothing is stored."""

    def __init__(self, store: "Store", batch: int | None, header: str, chunks: Iterator,
                 tick: Callable | None):
        self.store, self.batch, self.chunks, self.tick = store, batch, chunks, tick
        self.count = 0
        self.hasher = digest.RowsHasher(header)

    def digest(self) -> str:
        """The rows digest of what was stored (Store.rows_digest, without reading it back)."""
        return self.hasher.hexdigest()

    def __iter__(self):
        for chunk in self.taken():
            yield chunk.rows

    def taken(self):
        """The chunks themselves, each stored as it is read (`readers.ballots.interpret` with
        blocks reads a CSV chunk's cells without numbering its rows)."""
        for chunk in self.chunks:
            self.count += chunk.size
            if self.batch is not None:
                self.store.add_rows(self.batch, chunk.first, chunk.last, chunk.rows if chunk.text is None else (),
                                    chunk.text, self.hasher, chunk.raw)
            if self.tick:
                self.tick()
            yield chunk


@contextlib.contextmanager
def gc_paused():
    """A tally keeps many small objects alive and makes almost no reference cycles, so the
    cyclic collector only re-scans the same objects (a third of a 1M-mark tally's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
