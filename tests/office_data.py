"""What the direct XLSX and DOCX writers are checked with: the documents of the example round,
and the byte-for-byte comparison with the library that the writer stands in for."""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterator

from selector.reports.documents import Document

MOMENT = datetime(2026, 5, 28, 8, 30, tzinfo=timezone.utc)
Maker = Callable[[Document, datetime], bytes]


def example_documents(db: Path) -> Iterator[Document]:
    """Every committee document of the round in `db` that an export writes as XLSX or DOCX (not
    the notice or the record, nor a shortlist before its cut)."""
    from selector.reports import documents as docs
    from selector.service.rounds import OpenRound
    from selector.storage.store import Store

    open_ = OpenRound(Store(db), None, "test")
    for stage in open_.round.stages:
        handler = open_.handler(stage)
        view = handler.view()
        for name in handler.documents:
            if name in ("notice", "record") or (name == "shortlist" and any(
                    p.get("advanced") is None for p in view["posts"])):
                continue
            yield docs.build(name, open_.round, stage, view, "2026-05-28")


def assert_same_file(doc: Document, made_by: Maker, library: Maker, library_name: str) -> None:
    """`made_by` gives the library's bytes, and refuses what the library refuses."""
    try:
        expected = library(doc, MOMENT)
    except Exception as e:  # the library refuses it: so must the export
        try:
            made_by(doc, MOMENT)
        except type(e):
            return
        raise AssertionError(f"the export made a file {library_name} refused ({e!r})")
    made = made_by(doc, MOMENT)
    if made != expected:
        with zipfile.ZipFile(BytesIO(made)) as a, zipfile.ZipFile(BytesIO(expected)) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                assert a.read(name) == b.read(name), name
        assert made == expected
