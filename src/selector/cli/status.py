"""`selector status`: the command clerks run most, so it also runs without typer (issue 17:
under 100 ms). `cli.main` calls `quick` for a bare `selector status`, with the options the
environment gives; any option typed on the command line goes through typer to `show`."""

from __future__ import annotations

from selector import i18n
from selector.cli.plain import Options, draw, failed, open_round


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


def quick() -> int | None:
    """`selector status` as typer would run it, without typer: the exit code; None when the
    environment holds what typer refuses as a usage error (a database it cannot read): then
    typer must run it."""
    import os

    from selector.storage.store import Store

    i18n.choose(None)
    options = Options.from_environment()
    if os.path.exists(options.db) and not os.access(options.db, os.R_OK):  # typer's Path: "not readable", exit 2
        return None
    try:
        store = Store(options.db)
        try:
            show(open_round(store, options), as_json=False)
        finally:
            store.close()
    except KeyboardInterrupt:  # as typer ends it: exit 130, nothing printed
        return 130
    except Exception as e:
        code = failed(e)
        if code is None:
            raise
        return code
    return 0
