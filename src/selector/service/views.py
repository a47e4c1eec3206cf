"""Helpers the handlers share when they build views (the `--json` structures every screen and
document starts from)."""

from __future__ import annotations

import json
from fractions import Fraction


def frac(value: Fraction | int | str) -> str:
    """Reduced fraction string: "25/39", "1", "0"."""
    return str(Fraction(value))


def signatures(certificate: str | None) -> dict | None:
    """Who signed a certified stage's count (计票人, 监票人)."""
    if not certificate:
        return None
    signed = json.loads(certificate)
    return {"tellers": signed.get("tellers", []), "scrutineers": signed.get("scrutineers", [])}
