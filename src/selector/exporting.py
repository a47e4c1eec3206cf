"""`selector export`: build a committee document, render it, write it, and log the export."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from selector.errors import UsageError

FORMATS = ("md", "csv", "xlsx", "docx", "json")
BINARY = ("csv", "xlsx", "docx")  # written to a file unless --out - asks for stdout


@dataclass
class Exported:
    data: bytes
    path: Path | None  # None: stdout
    sha256: str
    doc: str
    format: str


def moment() -> datetime:
    """The document's date: SOURCE_DATE_EPOCH when set (reproducible bytes), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)


def default_path(round_id: str, stage: str, doc: str, fmt: str) -> Path:
    return Path(f"{round_id}-{stage}-{doc}.{fmt}")


def export(sel, stage_id: str, doc: str, fmt: str, out: str | None) -> Exported:
    """Render `doc` for the stage in `fmt`; write it to `out` (or the default name), log it."""
    from selector.reports import documents, render_office, render_text
    from selector.reports.view import stage_view

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if doc not in documents.DOCS:
        raise UsageError(f"--doc must be one of {', '.join(documents.DOCS)}, not {doc!r}")
    if out == "-" and fmt in ("xlsx", "docx"):
        raise UsageError(f"--format {fmt} is a binary file: give --out PATH, not -")
    stage = sel.round.stage(stage_id)
    view = stage_view(sel, stage)
    when = moment()
    events = sel.store.events(sel.round.id) if doc == "record" else None
    document = documents.build(doc, sel, stage, view, when.date().isoformat(), events)
    if fmt == "md":
        data = render_text.markdown(document)
    elif fmt == "csv":
        data = render_text.csv_bytes(document)
    elif fmt == "json":
        data = render_text.json_bytes(document, {**view, "events": events} if events is not None else view)
    elif fmt == "xlsx":
        data = render_office.xlsx(document, when)
    else:
        data = render_office.docx(document, when)
    if out == "-" or (out is None and fmt not in BINARY):
        path = None
    else:
        path = Path(out) if out else default_path(sel.round.id, stage.id, doc, fmt)
    sha = hashlib.sha256(data).hexdigest()
    with sel.store.write():
        if path is not None:
            path.write_bytes(data)
        sel.store.log(sel.round.id, sel.operator, "export", stage.id,
                      {"doc": doc, "format": fmt, "out": str(path) if path else "-", "bytes": len(data)},
                      {path.name if path else f"{stage.id}-{doc}.{fmt}": sha})
    return Exported(data, path, sha, doc, fmt)
