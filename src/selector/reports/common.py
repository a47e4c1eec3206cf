"""What the terminal renderers of every stage kind share: the words for states, statuses,
decisions, pass lines and people, in the interface language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from selector.i18n import N_, _, current

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


_CORRECTIONS = {
    "en": {
        "withdraw batch": "withdrew batch {batch} ({file}, {ballots} ballots)",
        "reopen cut": "re-opened the locked cut",
        "revoke certificate": "revoked the certificate signed {certified_at} ({signers})",
        "withdraw file": "withdrew file {number} ({file})",
        "withdraw finding": "withdrew the finding {findings}",
        "inspect": "replaced the findings {findings} with {files}",
        "withdraw complaint": "withdrew complaint #{number} ({candidate})",
    },
    "zh-CN": {
        "withdraw batch": "撤回第{batch}批选票（{file}，{ballots}张）",
        "reopen cut": "重新开启已锁定的名单",
        "revoke certificate": "撤销{certified_at}的计票签署（{signers}）",
        "withdraw file": "撤回第{number}个考察文件（{file}）",
        "withdraw finding": "撤回鉴定意见{findings}",
        "inspect": "以{files}更正鉴定意见{findings}",
        "withdraw complaint": "撤回第{number}号反映（{candidate}）",
    },
}


def correction_text(c: dict, locale: str = "en") -> str:
    """What a correction (更正, an entry of a view's `corrections`) did, in words, without its reason."""
    words = _CORRECTIONS.get(locale, _CORRECTIONS["zh-CN"])
    sep = "、" if locale != "en" else ", "
    fields = {**c, "findings": sep.join(f"{f['candidate']}/{f['check']}" for f in c.get("findings") or ()),
              "files": sep.join(c.get("files") or ()),
              "signers": sep.join([*c.get("tellers", []), *c.get("scrutineers", [])])}
    template = words.get(c["action"])
    return template.format(**fields) if template else c["action"]


def correction_line(c: dict) -> str:
    """One correction as the terminal shows it, in the interface language: when, who, what, why."""
    return _("corrected (更正) #{event} {at} · {by}: {what} · reason: {reason}").format(
        event=c["event"], at=when(c.get("at")), by=c["by"], what=correction_text(c, current()),
        reason=c.get("reason") or "")


def appointee_line(stage: str, a: dict) -> str:
    """One appointee of a closed notice: the appointment date and the 试用期's end (issue 12.6)."""
    if a["probation_until"]:
        return _("{stage}: {post} {name} appointed {appointed} · probation (试用期) until {until}").format(
            stage=stage, post=a["post"], name=a["name"], appointed=a["appointed"], until=a["probation_until"])
    return _("{stage}: {post} {name} appointed {appointed} · elected post, no probation").format(
        stage=stage, post=a["post"], name=a["name"], appointed=a["appointed"])
