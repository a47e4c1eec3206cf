"""Document commands: export."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from selector.i18n import N_, _

from selector.cli.base import command, console, open_round


# The choices, as typer lists them (service.exporting.DOCS and FORMATS; a test keeps them equal).
Doc = Enum("Doc", {d: d for d in ("tally", "shortlist", "vote", "notice", "record", "decision", "inspection")}, type=str)
Format = Enum("Format", {f: f for f in ("md", "csv", "xlsx", "docx", "json")}, type=str)


def _iso_date(value: Optional[str]) -> Optional[str]:
    import datetime

    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(_("expected a date as YYYY-MM-DD, got {value!r}").format(value=value)) from None


@command(name="export", help=N_(
    "Write a committee-meeting document (统计表, 名单, 票决结果表, 公示, 纪实).\n"
    "\n"
    "Example: selector export rec2 --doc shortlist --format docx --out 考察人选名单.docx"))
def export(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Stage id, e.g. rec2.")),
    doc: Doc = typer.Option(..., "--doc", help=N_("tally | shortlist | vote | notice | record | decision | inspection (考察情况汇总表).")),
    fmt: Format = typer.Option(Format.md, "--format", help=N_("md | csv | xlsx | docx | json.")),
    out: Optional[str] = typer.Option(None, "--out", help=N_("Output file; - for stdout. Default: md and "
                                      "json to stdout, others to ROUND-STAGE-DOC.EXT.")),
    force: bool = typer.Option(False, "--force", help=N_("Replace the output file if it exists.")),
    dated: Optional[str] = typer.Option(None, "--date", callback=_iso_date, help=N_(
        "The document's date (落款), YYYY-MM-DD. Default: today in Beijing.")),
) -> None:
    from selector.service.exporting import export as run_export

    result = run_export(open_round(ctx), stage, doc.value, fmt.value, out, force, dated)
    if result.path is None:
        out_stream = typer.get_binary_stream("stdout")
        out_stream.write(result.data)
        out_stream.flush()
    else:
        console(stderr=True).print(_("wrote {path} · {size} bytes · sha256 {sha}").format(
            path=result.path, size=len(result.data), sha=result.sha256[:12] + "…"), markup=False, highlight=False)
