"""What the terminal renderers of every stage kind share: the words for states, statuses,
decisions, pass lines and people, in the interface language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from selector.i18n import N_, _

STATE = {"waiting": N_("waiting"), "ready": N_("ready"), "tallied": N_("tallied"), "locked": N_("locked"),
         "inspecting": N_("inspecting"), "open": N_("open")}
STATUS = {"ok": N_("ok"), "tied": N_("TIED — needs a recorded decision"),
          "short": N_("SHORT — fewer eligible than places"), "unfilled": N_("UNFILLED — nobody advances")}
DECISION = {"resolved": N_("resolved"), "accepted-short": N_("accepted short"), "widened": N_("widened"),
            "lot": N_("lot")}
BASE = {"members": N_("members"), "present": N_("present"), "valid": N_("valid ballots")}
# Why a mark was not counted, as the count stores it (English, in the record) → its words.
REASONS = (
    (re.compile(r"ambiguous: two people on the roster have this name"),
     N_("ambiguous: two people on the roster have this name")),
    (re.compile(r"not on the roster"), N_("not on the roster")),
    (re.compile(r"not eligible for (?P<post>.+)"), N_("not eligible for {post}")),
    (re.compile(r"not on this stage's list for (?P<post>.+)"), N_("not on this stage's list for {post}")),
    (re.compile(r"overvote"), N_("overvote: more marks than places")),
)
CHINA = timezone(timedelta(hours=8))
OPERATORS = {">": N_(">"), ">=": N_(">=")}


def state_word(state: str | None) -> str:
    return _(STATE[state]) if state in STATE else (state or "")


def status_word(status: str | None) -> str:
    return _(STATUS[status]) if status in STATUS else (status or "")


def decision_note(post: dict) -> str:
    """" · {kind}: {reason}" for a post's recorded decision, "" without one."""
    d = post.get("decision")
    if not d:
        return ""
    kind = _(DECISION[d["kind"]]) if d["kind"] in DECISION else d["kind"]
    return f" · {kind}" + (_(": {reason}").format(reason=d["reason"]) if d.get("reason") else "")


def pass_line_text(pl: dict) -> str:
    """"pass line: > 1/2 of members (45) = 23 votes"."""
    base = _(BASE[pl["base"]]) if pl["base"] in BASE else pl["base"]
    op, _space, fraction = pl["rule"].partition(" ")
    # ">" and ">=" are words in Chinese (超过, 达到): the operator is a message of its own.
    return _("pass line: {op} {fraction} of {base} ({of}) = {votes} votes").format(
        op=_(OPERATORS[op]) if op in OPERATORS else op, fraction=fraction, base=base, of=pl["of"],
        votes=pl["votes"])


def people(ids, names: dict[str, str]) -> str:
    """People by name and id: "王芳 (C02), 李强 (C03)"."""
    return _(", ").join(_("{name} ({id})").format(name=names[i], id=i) if i in names else i for i in ids)


def names_text(names) -> str:
    return _(", ").join(names)


def reason_text(reason: str) -> str:
    """Why a mark or paper was not counted, in the interface language (a clerk's own reason,
    such as the void column's text, as written)."""
    for pattern, words in REASONS:
        m = pattern.fullmatch(reason)
        if m:
            return _(words).format(**m.groupdict())
    return reason


def when(at: str | None) -> str:
    """A recorded UTC time as Beijing time: "2026-05-29 04:26:40 (UTC+8)"."""
    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at).astimezone(CHINA)
    except ValueError:
        return at
    return _("{time} (UTC+8)").format(time=moment.strftime("%Y-%m-%d %H:%M:%S"))
