"""Papers command: the blank ballot papers and the keying sheet of a ballot stage."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from selector.i18n import N_, _

from selector.cli.base import command, console, open_round

PaperFormat = Enum("PaperFormat", {f: f for f in ("docx", "xlsx")}, type=str)


@command(name="papers", help=N_(
    "Print a stage's papers (推荐票 / 票决表 / 民主测评表, --format docx) or write the keying sheet its "
    "tally or inspect reads (--format xlsx, with drop-down lists for the marks).\n"
    "\n"
    "Example: selector papers vote2 --format docx --serials 45"))
def papers(
    ctx: typer.Context,
    stage: str = typer.Argument(..., help=N_("Stage id, e.g. rec2.")),
    fmt: PaperFormat = typer.Option(PaperFormat.docx, "--format", help=N_("docx (papers) | xlsx (keying sheet).")),
    out: Optional[str] = typer.Option(None, "--out", help=N_("Output file. Default: ROUND-STAGE-papers.docx "
                                                             "or ROUND-STAGE-keying.xlsx.")),
    serials: int = typer.Option(0, "--serials", min=0, max=10_000, help=N_(
        "Number the papers 1…N (one a page; on the keying sheet, the 票号 filled in). Default: one paper "
        "to copy.")),
    force: bool = typer.Option(False, "--force", help=N_("Replace the output file if it exists.")),
) -> None:
    from selector.service.papers import papers as make

    made = make(open_round(ctx), stage, fmt.value, out, serials, force)
    console(stderr=True).print(_("wrote {path} · {size} bytes").format(path=made.path, size=len(made.data)),
                               markup=False, highlight=False)
