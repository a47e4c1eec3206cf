"""Document commands: export."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from selector.cli.base import command, console, open_round


# The choices, as typer lists them (service.exporting.DOCS and FORMATS; a test keeps them equal).
Doc = Enum("Doc", {d: d for d in ("tally", "shortlist", "vote", "notice", "record")}, type=str)
Format = Enum("Format", {f: f for f in ("md", "csv", "xlsx", "docx", "json")}, type=str)


@command(name="export")
def export(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help="Stage id, e.g. rec2."),
    doc: Doc = typer.Option(..., "--doc", help="tally | shortlist | vote | notice | record."),
    fmt: Format = typer.Option(Format.md, "--format", help="md | csv | xlsx | docx | json."),
    out: Optional[str] = typer.Option(None, "--out", help="Output file; - for stdout. Default: md and "
                                      "json to stdout, others to ROUND-STAGE-DOC.EXT."),
    force: bool = typer.Option(False, "--force", help="Replace the output file if it exists."),
) -> None:
    """Write a committee-meeting document (统计表, 名单, 票决结果表, 公示, 纪实).

    Example: selector export rec2 --doc shortlist --format docx --out 考察人选名单.docx
    """
    from selector.service.exporting import export as run_export

    result = run_export(open_round(ctx), stage, doc.value, fmt.value, out, force)
    if result.path is None:
        out_stream = typer.get_binary_stream("stdout")
        out_stream.write(result.data)
        out_stream.flush()
    else:
        console(stderr=True).print(f"wrote {result.path} · {len(result.data)} bytes · "
                                   f"sha256 {result.sha256[:12]}…", markup=False, highlight=False)
