"""Helpers the handlers share when they build views (the `--json` structures every screen and
document starts from)."""

from __future__ import annotations

import json
from fractions import Fraction

from selector.domain import eligibility
from selector.domain.model import Round


def frac(value: Fraction | int | str) -> str:
    """Reduced fraction string: "25/39", "1", "0"."""
    return str(value if type(value) is Fraction else Fraction(value))


def signatures(certificate: str | None) -> dict | None:
    """Who signed a certified stage's count (计票人, 监票人)."""
    if not certificate:
        return None
    signed = json.loads(certificate)
    return {"tellers": signed.get("tellers", []), "scrutineers": signed.get("scrutineers", [])}


def corrections(store, round_id: str, stage_id: str) -> list[dict]:
    """The stage's corrections (更正) as views show them: when, by whom, what and why."""
    out = []
    for e in store.corrections(round_id, stage_id):
        d, undid = e["details"], e["details"].get("undid") or {}
        item = {"event": e["id"], "at": e["at"], "by": e["operator"], "action": e["command"],
                "reason": d.get("reason")}
        if e["command"] == "withdraw batch":
            item.update(batch=d.get("batch"), file=d.get("file"), ballots=undid.get("ballots"))
        elif e["command"] == "revoke certificate":
            cert = undid.get("certificate") or {}
            item.update(certified_at=undid.get("certified_at"), tellers=cert.get("tellers", []),
                        scrutineers=cert.get("scrutineers", []))
        elif e["command"] == "withdraw file":
            item.update(file=d.get("file"), number=d.get("file_number"), kind=d.get("kind"))
        elif e["command"] in ("withdraw finding", "inspect"):
            item.update(findings=[{k: f.get(k) for k in ("candidate", "check", "verdict")}
                                  for f in undid.get("findings") or ()])
            if e["command"] == "inspect":
                item.update(files=[f.get("file") for f in d.get("files", [])])
        elif e["command"] == "withdraw complaint":
            item.update(number=d.get("number"), candidate=d.get("candidate"))
        out.append(item)
    return out


def eligibility_view(round_: Round) -> dict | None:
    """The round's eligibility rules and whom they concern, with names (None: no rules): what
    `init`, `status` and `show` print of it, and their --json."""
    found = eligibility.record(round_.eligibility, round_.standings)
    if found is None:
        return None
    names = {c.id: c.display for c in round_.candidates}
    for s in found["standings"]:
        s["name"] = names.get(s["candidate"], "")
    return found
