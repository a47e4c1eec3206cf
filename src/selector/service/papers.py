"""`selector papers`: the blank ballot papers of a ballot stage and the keying sheet its tally
reads, made from the stage's candidate lists. Nothing is stored: they are blank forms."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from selector.errors import BinaryToStdout, OutputExists, PapersNotFor
from selector.records import dataclass
from selector.storage.clock import moment

if TYPE_CHECKING:
    from selector.service.rounds import OpenRound

FORMATS = ("docx", "xlsx")
MAX_SERIALS = 10_000


@dataclass
class Made:
    data: bytes
    path: Path


def papers(open_: "OpenRound", stage_id: str, fmt: str, out: str | None, serials: int = 0,
           force: bool = False) -> Made:
    """The stage's papers (`docx`: 推荐票 / 票决表 / 民主测评表, `serials` numbered copies or one to
    copy) or its keying sheet (`xlsx`: the columns `tally` — `inspect` for a 测评表 — reads,
    drop-down lists for the marks)."""
    from selector.reports import papers as render
    from selector.service.exporting import check_output, write_whole

    if out == "-":
        raise BinaryToStdout(fmt)
    stage = open_.round.stage(stage_id)
    if not stage.takes_ballots and stage.evaluation is None:  # an inspection's papers are its 测评表
        raise PapersNotFor(stage.id, stage.kind)
    lists = open_.lists(stage)
    path = Path(out) if out else Path(f"{open_.id}-{stage.id}-{'papers' if fmt == 'docx' else 'keying'}.{fmt}")
    check_output(path)
    if not force and path.exists():
        raise OutputExists(str(path))
    when = moment()
    form = render.Form.of(open_.round, stage, lists)
    if fmt == "docx":
        data = render.docx(form, serials, when)
    else:
        data = render.keying_sheet(form, serials, when)
    write_whole(path, data, force)
    return Made(data, path)

