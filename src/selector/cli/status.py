"""`selector status`: the command clerks run most, so it also runs without typer (issue 17:
under 100 ms): `cli.quick` runs `show` for a bare `selector status`, with the options the
environment gives; any option typed on the command line goes through typer to `show`."""

from __future__ import annotations

from selector.cli.plain import draw


def show(open_, as_json: bool) -> None:
    """The pipeline of the open round: each stage's state and counts, and the next step."""
    from selector.cli.messages import next_step
    from selector.service.views import eligibility_view

    rows = [{**r, "next": next_step(r["next"])} for r in open_.status()]
    found = eligibility_view(open_.round)
    if as_json:
        from selector.cli.base import echo_json

        echo_json({"round": open_.id, "stages": rows, **({"eligibility": found} if found else {})})
    else:
        from selector.reports import terminal

        draw(terminal.status, open_.round.title, open_.id, rows, found)

