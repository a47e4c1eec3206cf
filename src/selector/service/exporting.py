"""`selector export`: check the document fits the stage, build it from the stage's view,
render it, write it, and log the export."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from selector.errors import (
    BadOutput, BinaryToStdout, CutNotLocked, DocumentNotFor, NoListToPrint, NoticeFromNoticeStage, NotXmlText,
    NoTallyYet, OutputExists, OutputFailed, RuleError,
)
from selector.records import dataclass
from selector.storage import events
from selector.storage.clock import CHINA, moment

if TYPE_CHECKING:
    from selector.reports.documents import Published
    from selector.service.rounds import OpenRound

FORMATS = ("md", "csv", "xlsx", "docx", "json")
DOCS = ("tally", "shortlist", "vote", "notice", "record", "decision", "inspection")
BINARY = ("csv", "xlsx", "docx")  # written to a file unless --out - asks for stdout


@dataclass
class Exported:
    data: bytes
    path: Path | None  # None: stdout
    sha256: str
    doc: str
    format: str


def default_path(round_id: str, stage: str, doc: str, fmt: str) -> Path:
    return Path(f"{round_id}-{stage}-{doc}.{fmt}")


def export(open_: "OpenRound", stage_id: str, doc: str, fmt: str, out: str | None,
           force: bool = False, dated: str | None = None) -> Exported:
    """Render `doc` for the stage in `fmt`; write it to `out` (or the default name), log it.

    The file is written whole under a temporary name beside it and then given its name, so a
    failure (a full disk) never leaves a truncated document; an existing file is replaced
    only with `force`. The export event records the file name, not the clerk's folders.
    `dated` (YYYY-MM-DD) is the document's date, its 落款; by default today in Beijing."""
    from selector.reports import documents, render_office, render_text

    if out == "-" and fmt in ("xlsx", "docx"):
        raise BinaryToStdout(fmt)
    if out == "-" or (out is None and fmt not in BINARY):
        path = None
    else:
        path = Path(out) if out else default_path(open_.id, stage_id, doc, fmt)
        check_output(path)
        if not force and os.path.lexists(path):
            raise OutputExists(str(path))
    handler = open_.handler(stage_id)
    stage = handler.stage
    if doc == "notice" and "notice" not in handler.documents:
        # a notice is published by a notice stage (issue 12.3): say which one
        stages, here = open_.round.stages, open_.round.stage_index(stage.id)
        later = [s.id for s in stages[here + 1:] if s.kind == "notice"]  # the one that publishes this list first
        raise NoticeFromNoticeStage(stage.id, stage.kind,
                                    tuple(later + [s.id for s in stages[:here] if s.kind == "notice"]))
    if doc not in handler.documents:
        raise DocumentNotFor(doc, stage.id, stage.kind, handler.documents)
    if doc == "shortlist" and stage.takes_ballots and stage.cut is None:
        raise NoListToPrint(stage.id)
    view = handler.view()
    if view.get("certified"):
        # The signed sheet carries the certification's record hash: written on paper, it is an
        # anchor outside the database (`audit verify --head`).
        signed = events.of(open_.store.events(open_.id), stage.id, "certify")
        if signed:
            view = {**view, "certified_hash": signed[-1]["hash"]}
    if doc in ("tally", "vote") and not (view["attendance"] or {}).get("returned"):
        raise NoTallyYet(stage.id, "export")
    published = _published(open_, handler, view) if doc == "notice" else None
    if doc == "shortlist" and any(p.get("advanced") is None for p in view["posts"]):
        raise CutNotLocked(stage.id, doc)
    when = moment()
    log = open_.store.events(open_.id) if doc == "record" else None
    stages = _stage_views(open_) if doc == "record" else None
    day = dated or when.astimezone(CHINA).date().isoformat()
    document = documents.build(doc, open_.round, stage, view, day, log, published, stages)
    if fmt in ("xlsx", "docx"):
        _check_xml_text(document, fmt)
    if fmt == "md":
        data = render_text.markdown(document)
    elif fmt == "csv":
        data = render_text.csv_bytes(document)
    elif fmt == "json":
        data = render_text.json_bytes(document, {**view, "events": log} if log is not None else view)
    elif fmt == "xlsx":
        data = render_office.xlsx(document, when)
    else:
        data = render_office.docx(document, when)
    sha = hashlib.sha256(data).hexdigest()
    with open_.store.write():
        open_.log(events.export(stage.id, doc=doc, fmt=fmt, out=path.name if path else "-", size=len(data),
                                name=path.name if path else f"{stage.id}-{doc}.{fmt}", sha256=sha))
        if path is not None:
            # Last in the transaction: a file that cannot be written leaves no export event.
            write_whole(path, data, force)
    return Exported(data, path, sha, doc, fmt)


def write_whole(path: Path, data: bytes, replace: bool) -> None:
    """Write `data` to a temporary file beside `path`, sync it, then give it the name:
    `os.replace` when replacing is allowed, else a hard link that fails if the name was
    taken meanwhile. The temporary file never outlives the call."""
    work = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(work, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(work, path)
            return
        try:
            os.link(work, path)
        except FileExistsError:
            raise OutputExists(str(path)) from None
        except OSError:  # no hard links here (FAT): the name was free a moment ago
            if os.path.lexists(path):
                raise OutputExists(str(path)) from None
            os.rename(work, path)
    except OSError as e:
        raise OutputFailed(str(path), e.strerror or str(e)) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(work)


def check_output(path: Path) -> None:
    """--out must name a file in a folder that exists."""
    if path.is_dir():
        raise BadOutput(str(path), "folder")
    if not path.parent.is_dir():
        raise BadOutput(str(path), "no folder")


# Characters XML 1.0 cannot hold: XLSX and DOCX are XML inside, and their writers refuse them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _check_xml_text(document, fmt: str) -> None:
    """A name or note with a control character (from a round file) refuses an XLSX or DOCX
    export with the text, instead of failing inside the writer. The texts are gathered and
    searched in one go (a round of 10,000 posts has ~250,000); the first that holds one is named."""
    texts: list[str] = []

    def gather(value) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                gather(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                gather(v)

    gather(document.as_dict())
    if _NOT_XML.search("".join(texts)):  # (one character: no match spans two texts)
        raise NotXmlText(fmt, next(text for text in texts if _NOT_XML.search(text))[:60])


def _stage_views(open_: "OpenRound") -> list:
    """Every stage with its view for the 纪实 (None for a stage still waiting for a list)."""
    from selector.errors import SelectorError

    out = []
    for stage in open_.round.stages:
        try:
            view = open_.handler(stage).view()
        except SelectorError:
            view = None
        out.append((stage, view))
    return out


def _published(open_: "OpenRound", handler, view: dict) -> "Published":
    """What a notice stage publishes: its previous stage's locked list, with its own dates."""
    from selector.reports.documents import Published

    round_, stage = open_.round, handler.stage
    source = round_.previous(stage)
    if source is None:
        raise RuleError("stage {stage} has no previous stage whose list it publishes", stage=stage.id)
    # Published.exceptions: where a person was let through by 破格, the reason the notice prints
    lists = open_.lists(stage)
    exceptions = {cid: reason for ids in lists.values() for cid in ids
                  if (reason := round_.exceptional(cid)) is not None}
    return Published(source, lists, view.get("notice"), exceptions=exceptions)
