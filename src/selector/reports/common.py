"""What the terminal renderers of every stage kind share: the words for states, statuses,
decisions, pass lines and people, in the interface language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from selector.i18n import N_, _, current

STATE = {"waiting": N_("waiting"), "ready": N_("ready"), "tallied": N_("tallied"), "locked": N_("locked"),
         "inspecting": N_("inspecting"), "open": N_("open"), "sitting": N_("sitting"), "decided": N_("decided")}
STATUS = {"ok": N_("ok"), "tied": N_("TIED — needs a recorded decision"),
          "short": N_("SHORT — fewer eligible than places"), "unfilled": N_("UNFILLED — nobody advances"),
          "deferred": N_("DEFERRED (暂缓) — to a later sitting"), "revote": N_("RE-VOTE (再次投票) — to another sitting")}
DECISION = {"resolved": N_("resolved"), "accepted-short": N_("accepted short"), "widened": N_("widened"),
            "lot": N_("lot"), "revote": N_("settled by a re-vote"), "referred": N_("referred back after the re-votes"),
            "unfilled": N_("left unfilled after the re-votes"),
            "backfilled": N_("递补 decided"), "no-backfill": N_("no 递补, short by decision")}
METHOD = {"ballot": N_("secret ballot"), "hands": N_("show of hands"), "oral": N_("oral vote")}
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


# A notice's calendar as the record keeps it (English: "chinesecalendar 1.11.0 (2004–2026); 2027:
# round file", or "…; end date given by the clerk"): the package's name stays, the rest is worded
# on the screen (interface language) and on the notice sheet (the round's locale).
CALENDAR_WORDS = {"round file": N_("the round file"), "end date given by the clerk": N_("end date given by the clerk"),
                  "year": N_("{year}: {source}")}
_CALENDAR_DOC = {"zh-CN": {"round file": "选拔方案文件", "end date given by the clerk": "结束日期由组织部门确定",
                           "year": "{year}年：{source}", "sep": "；"},
                 "en": {"round file": "the round file", "end date given by the clerk": "end date given by the clerk",
                        "year": "{year}: {source}", "sep": "; "}}


def calendar_text(recorded: str, locale: str | None = None) -> str:
    """A notice's recorded calendar source in words: the interface language, or a document's `locale`."""
    if locale is None:
        words = {k: _(v) for k, v in CALENDAR_WORDS.items()} | {"sep": _("; ")}
    else:
        words = _CALENDAR_DOC.get(locale, _CALENDAR_DOC["zh-CN"])
    parts = []
    for part in recorded.split("; "):
        m = re.fullmatch(r"(?P<year>\d{4}): (?P<source>.+)", part)
        if m:
            parts.append(words["year"].format(year=m["year"], source=words.get(m["source"], m["source"])))
        else:
            parts.append(words.get(part, part))
    return words["sep"].join(parts)


def correction_line(c: dict) -> str:
    """One correction as the terminal shows it, in the interface language: when, who, what, why."""
    return _("corrected (更正) #{event} {at} · {by}: {what} · reason: {reason}").format(
        event=c["event"], at=when(c.get("at")), by=c["by"], what=correction_text(c, current()),
        reason=c.get("reason") or "")


def method_word(method: str) -> str:
    """How a sitting voted: secret ballot, show of hands, oral vote."""
    return _(METHOD[method]) if method in METHOD else method


def vote_line(v: dict, kind: str) -> str:
    """One nominee's vote at a sitting: "sitting 1 · 张伟 (C01): 同意 7 · 不同意 2 · 缓议 1 (10 voting, 1
    recused: 王五) → passed"."""
    if v["yes"] is None:
        counts = _("no vote")
    else:
        counts = (_("agree {yes} · disagree {no} · defer {other}") if kind == "decide" else
                  _("votes {yes} · against {no} · abstain {other}")).format(yes=v["yes"], no=v["no"], other=v["other"])
    line = _("sitting {n} · {name} ({id}): {counts} ({voters} voting)").format(
        n=v["sitting"], name=v["name"], id=v["candidate"], counts=counts, voters=v["voters"])
    if v["recused"]:
        line += " · " + _("recused (回避): {names}").format(names=_(", ").join(v["recused"]))
        if v.get("line") is not None:  # the recused lower this item's line
            line += " · " + _("this item's pass line {votes} votes (of {base})").format(votes=v["line"], base=v["base"])
    if v["deferred"]:
        line += " → " + _("deferred (暂缓表决)")
    elif v["passed"]:
        line += " → " + _("passed")
    elif v["passed"] is False:
        line += " → " + _("not passed (needs {n} more)").format(n=v["needs"])
    if v["revote"]:
        line += " · " + _("re-vote")
    return line


def appointee_line(stage: str, a: dict) -> str:
    """One appointee of a closed notice: the appointment date and the 试用期's end (issue 12.6)."""
    if a["probation_until"]:
        return _("{stage}: {post} {name} appointed {appointed} · probation (试用期) until {until}").format(
            stage=stage, post=a["post"], name=a["name"], appointed=a["appointed"], until=a["probation_until"])
    # an elected post: the person goes to the election as the party's choice; nobody is appointed yet
    return _("{stage}: {post} {name} recommended or nominated for election {appointed} · elected post, "
             "no probation").format(
        stage=stage, post=a["post"], name=a["name"], appointed=a["appointed"])


# The status table's columns (title, justified right?): the title goes last and takes the
# width left over; a long one wraps (never "…").
STATUS_COLUMNS = ((N_("#"), True), (N_("stage"), False), (N_("state"), False), (N_("batches"), True),
                  (N_("returned"), True), (N_("attendance"), False), (N_("title"), False))


def status_screen(rows: list[dict]) -> tuple[list[list[str]], list[str], tuple[str, bool]]:
    """What `selector status` says below its heading (the rows of `OpenRound.status`): the
    table's cells, row by row; the appointees of a closed 任前公示, a line each; the last line
    and whether it is bold (the next step) or not (the round is complete)."""
    cells = []
    for i, r in enumerate(rows, start=1):
        att = f"{r['present']}/{r['issued']}" if r["present"] is not None else ""
        state = state_word(r["state"]) + (" · " + _("certified") if r["certified"] else "")
        cells.append([str(i), r["stage"], state, str(r["batches"]), str(r["returned"]), att, r["title"]])
    appointees = [appointee_line(r["stage"], a) for r in rows for a in r.get("appointees", ())]
    nxt = next((r for r in rows if r["next"]), None)
    last = (_("next: {step}").format(step=nxt["next"]), True) if nxt else \
        (_("every stage is locked: the round is complete"), False)
    return cells, appointees, last


BREACH = {"age": N_("age {value}, over {limit}"),
          "years_in_post": N_("years in the present post: {value}, fewer than {limit}"),
          "probation": N_("on probation until {value}"),
          "discipline": N_("a sanction in effect until {value}")}


def breach_text(b: dict) -> str:
    """One rule a person does not meet, in words."""
    return _(BREACH[b["rule"]]).format(value=b["value"], limit=b["limit"]) if b["rule"] in BREACH else b["rule"]


def eligibility_lines(found: dict | None) -> list[str]:
    """The eligibility rules and whom they concern (the view of service.rounds.eligibility_view)."""
    if not found:
        return []
    rules = [_("on {at}").format(at=found["at"])]
    if found.get("max_age") is not None:
        rules.append(_("age at most {n}").format(n=found["max_age"]))
    if found.get("min_years_in_post") is not None:
        rules.append(_("at least {n} years in the present post").format(n=found["min_years_in_post"]))
    excluded = [s for s in found["standings"] if s["excluded"]]
    admitted = [s for s in found["standings"] if not s["excluded"]]
    lines = [_("eligibility ({rules}): {excluded} excluded, {admitted} admitted by 破格").format(
        rules=_(", ").join(rules), excluded=len(excluded), admitted=len(admitted))]
    for s in excluded:
        why = _("; ").join(breach_text(b) for b in s["breaches"])
        if s.get("exceptional") is not None:
            why += " · " + _("破格 does not lift a sanction")
        lines.append("  " + _("excluded: {id} {name} — {why}").format(id=s["candidate"], name=s["name"], why=why))
    for s in admitted:
        why = _("; ").join(breach_text(b) for b in s["breaches"]) or _("meets the rules")
        lines.append("  " + _("破格: {id} {name} — {why}; reason: {reason}").format(
            id=s["candidate"], name=s["name"], why=why, reason=s["exceptional"]))
    return lines
