"""What the terminal renderers of every stage kind share: status words and decision notes."""

from __future__ import annotations

STATUS_TEXT = {"ok": "ok", "tied": "TIED — needs a recorded decision",
               "short": "SHORT — fewer eligible than places", "unfilled": "UNFILLED — nobody advances",
               None: ""}


def decision_note(post: dict) -> str:
    """" · {kind}: {reason}" for a post's recorded decision, "" without one."""
    d = post.get("decision")
    if not d:
        return ""
    return f" · {d['kind']}" + (f": {d['reason']}" if d.get("reason") else "")
