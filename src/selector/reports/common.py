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
    """One correction as the terminal shows it: when, who, what, why."""
    at = (c.get("at") or "").replace("T", " ").replace("+00:00", " UTC")
    return f"corrected (更正) #{c['event']} {at} · {c['by']}: {correction_text(c)} · reason: {c.get('reason') or ''}"
