"""What a ballot stage's `tally` of files and `cut` do once their words are read, without
typer: `cli.ballots` declares them to typer, and `cli.quick` runs their plain forms without
loading it."""

from __future__ import annotations

import os
from pathlib import Path

from selector.cli.plain import console
from selector.i18n import _

BIG_FILE = 4 << 20  # bytes; files this large take about a second to read: show progress


def tally_files(handler, files: list[Path], *, present: int | None, issued: int | None, dry_run: bool,
                layout: str, encoding: str | None, sheet: str | None, checked: dict | None = None,
                as_json: bool = False) -> tuple[dict, object]:
    """Tally ballot files into the stage (`BallotStage.tally`, a progress bar for big files on
    a terminal): the stage's view as stored (a dry run: as it would be) and the tally."""
    big = sum(f.stat().st_size for f in files if f.is_file()) >= BIG_FILE and not as_json
    with _progress(big) as progress:
        result = handler.tally(files, present=present, issued=issued, dry_run=dry_run,
                               layout=layout, encoding=encoding, sheet=sheet, progress=progress,
                               checked=checked)
    view = handler.view(counted=result.count)
    if dry_run:
        view["attendance"].update(present=result.present, issued=result.issued)
    return view, result


def cut(open_, stage: str, decisions, show) -> None:
    """Make and lock the stage's shortlist with `decisions`, then `show(view, after=…)` it; a
    held or undecided cut is shown, then refused."""
    from selector.errors import HeldCut, UndecidedPosts

    try:
        handler = open_.cut(stage, decisions)
    except (HeldCut, UndecidedPosts) as held:
        show(open_.handler(stage).view(cuts=held.cuts))
        raise
    show(handler.view(), after=_("cut of {stage} locked").format(stage=handler.stage.id))


class _progress:
    """A Rich progress bar on stderr for large files; nothing for small ones."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and not os.environ.get("SELECTOR_NO_PROGRESS")
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        self.bar = Progress(_("reading ballots"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                            console=console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("read", total=None)
        return lambda done, total: self.bar.update(task, completed=done, total=total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
