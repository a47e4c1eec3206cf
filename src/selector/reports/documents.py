"""Committee documents (SPEC §4 `export`) as one neutral model that every format renders.

Each builder starts from the stage's view — the structure `show --json` prints — so a sheet
on the committee table cannot disagree with the screen. A `Document` is a title, meta lines,
sections (lines, one table, notes), closing notes and signature lines; renderers in
`render_text` (Markdown, CSV, JSON) and `render_office` (XLSX, DOCX) only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from selector.domain.model import Round, Stage
from selector.reports.collation import by_surname_strokes
from selector.reports.common import correction_text
from selector.reports.numbers import pct

DOCS = ("tally", "shortlist", "vote", "notice", "record")
Cell = str | int

LABELS = {
    "zh-CN": {
        "tally.title": "推荐得票情况统计表", "shortlist.title": "考察人选名单",
        "shortlist.next": "{stage}确定的人选名单", "vote.title": "票决结果表",
        "notice.title": "任前公示", "record.title": "工作纪实",
        "round": "选拔工作", "stage": "环节", "date": "制表日期", "seed": "抽签种子",
        "organizer": "组织单位",
        "post": "{title}（职数 {seats} 名）",
        "rank": "名次", "name": "姓名", "votes": "得票", "weighted": "加权票数", "share": "得票率",
        "score": "综合得分", "yes": "同意", "no": "不同意", "abstain": "弃权", "invalid": "无效",
        "result": "结果", "short_by": "距通过线", "no_": "序号", "intended": "拟任职务",
        "gender": "性别", "born": "出生年月", "unit": "现工作单位及职务", "position": "职务",
        "education": "学历", "party": "政治面貌", "ethnicity": "民族", "native_place": "籍贯",
        "joined": "参加工作时间", "exceptional": "破格提拔理由",
        "reconcile": "应到 {entitled} 人，实到 {present} 人，发出选票 {issued} 张，收回 {returned} 张，"
                     "有效 {valid} 张，无效 {void} 张，空白 {blank} 张",
        "invalid_marks": "另有无效标记 {n} 处（不计入得票）",
        "cut_line": "按 1:{ratio} 差额比例，前 {k} 名进入下一环节",
        "pass_line": "通过线：{op}{base_name}（{of} 人）的 {fraction}，即至少 {votes} 票",
        "op.>": "超过", "op.>=": "达到", "base.members": "应到会成员", "base.present": "实到人数",
        "base.valid": "有效票",
        "passed": "通过", "not_passed": "未通过", "needs": "还差 {n} 票", "advanced": "进入下一环节",
        "not_advanced": "未进入", "tied": "得票相同",
        "passed_list": "通过：{names}", "nobody_passed": "无人达到通过线，该职位空缺",
        "status.tied": "在第 {slots} 个名额处得票相同（{names}），待作出决定",
        "status.short": "符合条件人数少于应进入人数",
        "nobody": "无人进入",
        "decision.resolved": "{names}得票相同，经决定由{chosen}进入。理由：{reason}",
        "decision.lot": "{names}得票相同，按公开种子“{seed}”抽签，{chosen}进入",
        "decision.widened": "{names}得票相同，均进入",
        "decision.accepted-short": "符合条件人数不足，经决定按现有人选进行。理由：{reason}",
        "stroke_order": "名单按姓氏笔画为序",
        "teller": "计票人", "scrutineer": "监票人", "certified": "计票签署时间",
        "record_hash": "签署时记录哈希",
        "notice.intro": "根据{round}工作安排，经{stage}，拟任用下列同志，现予以公示：",
        "notice.period": "公示时间：{start}至{end}",
        "notice.period_blank": "公示时间：____年__月__日至____年__月__日",
        "notice.channels": "公示期间，对公示对象有意见的，可通过以下方式反映：{channels}",
        "notice.rules": "反映情况和问题应实事求是，提倡署真实姓名；我们将对反映人和反映内容严格保密。",
        "notice.none": "本环节无拟任人选，无需公示。",
        # issue 12.3: the two kinds of notice, and the wording of elected posts
        "notice.title_inspection": "考察对象公示", "intended_inspection": "考察职位",
        "notice.intro_inspection": "根据{round}工作安排，经{stage}，确定下列同志为考察对象，现予以公示：",
        "notice.intro_elected": "根据{round}工作安排，经{stage}，下列同志拟任用或拟推荐、提名为有关职务人选，"
                                "现予以公示：",
        "intended_elected": "拟任（推荐、提名）职务", "elected.推荐": "拟推荐为{post}人选",
        "elected.提名": "拟提名为{post}候选人",
        "notice.calendar": "公示期按工作日计算（法定节假日和调休依据：{calendar}）",
        "notice.end_given": "公示结束日期由组织部门确定：{reason}",
        "notice.exception": "{name}破格提拔，理由：{reason}",
        "rec.no": "序号", "rec.at": "时间（UTC）", "rec.by": "操作人", "rec.what": "事项",
        "rec.stage": "环节", "rec.details": "内容", "rec.files": "文件 SHA-256",
        "round_level": "（全轮）",
        "corrected": "更正", "corrected.line": "{date} {what}，理由：{reason}（{by}）",
    },
    "en": {
        "tally.title": "Recommendation vote tally", "shortlist.title": "Shortlist for inspection",
        "shortlist.next": "Shortlist decided by {stage}", "vote.title": "Vote result",
        "notice.title": "Public notice before appointment", "record.title": "Record of the round",
        "round": "Round", "stage": "Stage", "date": "Date", "seed": "Lot seed",
        "organizer": "Organizer",
        "post": "{title} ({seats} seat(s))",
        "rank": "Rank", "name": "Name", "votes": "Votes", "weighted": "Weighted", "share": "Share",
        "score": "Score", "yes": "Yes", "no": "No", "abstain": "Abstain", "invalid": "Invalid",
        "result": "Result", "short_by": "Short by", "no_": "No.", "intended": "Intended post",
        "gender": "Gender", "born": "Born", "unit": "Current unit and post", "position": "Position",
        "education": "Education", "party": "Party", "ethnicity": "Ethnicity",
        "native_place": "Native place", "joined": "Started work",
        "exceptional": "Exceptional promotion (破格): reason",
        "reconcile": "Electorate {entitled}, present {present}, issued {issued}, returned {returned}, "
                     "valid {valid}, void {void}, blank {blank}",
        "invalid_marks": "Invalid marks not counted: {n}",
        "cut_line": "Ratio 1:{ratio}: the top {k} go forward",
        "pass_line": "Pass line: {op} {fraction} of {base_name} ({of}): at least {votes} votes",
        "op.>": "more than", "op.>=": "at least", "base.members": "members",
        "base.present": "those present", "base.valid": "valid ballots",
        "passed": "passed", "not_passed": "not passed", "needs": "needs {n} more",
        "advanced": "goes forward", "not_advanced": "", "tied": "tied",
        "passed_list": "Passed: {names}", "nobody_passed": "Nobody reached the pass line: the post is unfilled",
        "status.tied": "Tied for place {slots} ({names}): awaiting a decision",
        "status.short": "Fewer eligible than places",
        "nobody": "Nobody goes forward",
        "decision.resolved": "{names} tied; decided that {chosen} go(es) forward. Reason: {reason}",
        "decision.lot": "{names} tied; lot drawn with public seed \"{seed}\": {chosen} go(es) forward",
        "decision.widened": "{names} tied; all go forward",
        "decision.accepted-short": "Fewer eligible than places; decided to go on. Reason: {reason}",
        "stroke_order": "Names in surname-stroke order",
        "teller": "Teller", "scrutineer": "Scrutineer", "certified": "Count certified",
        "record_hash": "Record hash at certification",
        "notice.intro": "After {stage} of {round}, the following people are to be appointed. "
                        "This notice is published for comment:",
        "notice.period": "Notice period: {start} to {end}",
        "notice.period_blank": "Notice period: ____-__-__ to ____-__-__",
        "notice.channels": "Comments on the people named may be made through: {channels}",
        "notice.rules": "Comments should be factual; signed comments are encouraged and kept confidential.",
        "notice.none": "Nobody was chosen at this stage: there is nothing to publish.",
        "notice.title_inspection": "Public notice of the candidates for inspection", "intended_inspection": "Post",
        "notice.intro_inspection": "After {stage} of {round}, the following people are to be inspected. "
                                   "This notice is published for comment:",
        "notice.intro_elected": "After {stage} of {round}, the following people are to be appointed, or "
                                "recommended or nominated for election. This notice is published for comment:",
        "intended_elected": "Intended post (appointment, recommendation or nomination)",
        "elected.推荐": "to be recommended for {post}", "elected.提名": "to be nominated as candidate for {post}",
        "notice.calendar": "Working days as the official calendar counts them (holidays and make-up days: "
                           "{calendar})",
        "notice.end_given": "End date set by the organisation department: {reason}",
        "notice.exception": "{name} is promoted by exception (破格): {reason}",
        "rec.no": "No.", "rec.at": "Time (UTC)", "rec.by": "Operator", "rec.what": "Action",
        "rec.stage": "Stage", "rec.details": "Details", "rec.files": "File SHA-256",
        "round_level": "(round)",
        "corrected": "Corrected", "corrected.line": "{date} {what}; reason: {reason} ({by})",
    },
}
DESCRIPTIVE = ("gender", "born", "ethnicity", "native_place", "education", "party", "joined",
               "unit", "position")
SIGN_BLANK = "________"


@dataclass
class Section:
    """One block of a document: a heading, text lines, one table, notes under it."""

    heading: str = ""
    lines: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Document:
    doc: str
    locale: str
    title: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (role, name or "" to sign)
    closing: list[str] = field(default_factory=list)  # right-aligned lines (issuer, date)

    def as_dict(self) -> dict:
        """`asdict(self)` with meta as label/value pairs, for JSON: built directly, sharing the
        document's lists (asdict deep-copies every cell of every table, most of an export of a
        big round)."""
        return {"doc": self.doc, "locale": self.locale, "title": self.title,
                "meta": [{"label": k, "value": v} for k, v in self.meta],
                "sections": [{"heading": s.heading, "lines": s.lines, "headers": s.headers, "rows": s.rows,
                              "notes": s.notes} for s in self.sections],
                "notes": self.notes, "signatures": self.signatures, "closing": self.closing}


@dataclass
class Published:
    """What a notice publishes: the stage whose list it is, the list, and the notice's dates."""

    source: Stage
    lists: dict[str, tuple[str, ...]]
    period: dict | None
    # 破格 (issue 11.6): person id -> the stated reason, printed with the notice
    exceptions: dict[str, str] = field(default_factory=dict)


def build(doc: str, round_: Round, stage: Stage, view: dict, date: str, events: list[dict] | None = None,
          published: Published | None = None) -> Document:
    """The document `doc` for `stage`, from its view (and the event log for `record`, what it
    publishes for `notice`). The service has checked that the document fits the stage."""
    builder = {"tally": _tally, "shortlist": _shortlist, "vote": _vote, "notice": _notice,
               "record": _record}[doc]
    ctx = _Context(round_, stage, view, date)
    if doc == "record":
        return builder(ctx, events)
    return builder(ctx, published) if doc == "notice" else builder(ctx)


class _Context:
    def __init__(self, round_: Round, stage: Stage, view: dict, date: str):
        self.stage, self.view, self.date = stage, view, date
        self.round = round_
        self.roster = {c.id: c for c in round_.candidates}
        self.t = LABELS.get(self.round.locale, LABELS["zh-CN"])
        self.zh = self.round.locale != "en"

    def name(self, cid: str) -> str:
        return self.roster[cid].display

    def names(self, ids) -> str:
        return ("、" if self.zh else ", ").join(self.name(c) for c in ids)

    def meta(self) -> list[tuple[str, str]]:
        t, r = self.t, self.round
        out = [(t["round"], f"{r.title}（{r.id}）" if self.zh else f"{r.title} ({r.id})"),
               (t["stage"], f"{self.stage.title}（{self.stage.id}）" if self.zh
                else f"{self.stage.title} ({self.stage.id})"),
               (t["date"], self.date)]
        if any("lot" in p for p in self.view["posts"]):
            out.append((t["seed"], r.tie_seed))
        if self.view.get("certified_at"):
            out.append((t["certified"], self.view["certified_at"]))
        for c in self.view.get("corrections", ()):  # 更正: what was corrected, when and why
            out.append((t["corrected"], t["corrected.line"].format(
                date=(c.get("at") or "")[:10], what=correction_text(c, self.round.locale),
                reason=c.get("reason") or "", by=c.get("by") or "")))
        if self.view.get("certified_hash"):
            out.append((t["record_hash"], self.view["certified_hash"]))
        return out

    def post_heading(self, post: dict) -> str:
        return self.t["post"].format(title=post["title"], seats=post["seats"])

    def signatures(self) -> list[tuple[str, str]]:
        """(role, name): the names who certified the count, or blank lines to sign on paper."""
        signed = self.view.get("certified_by")
        if signed:
            return ([(self.t["teller"], n) for n in signed["tellers"]]
                    + [(self.t["scrutineer"], n) for n in signed["scrutineers"]])
        return ([(self.t["teller"], "")] * self.round.tellers
                + [(self.t["scrutineer"], "")] * self.round.scrutineers)

    def reconcile(self, post: dict) -> list[str]:
        att, b = self.view["attendance"], post.get("ballots")
        if not att or not b:
            return []
        entitled = att.get("electorate", att.get("members"))
        lines = [self.t["reconcile"].format(entitled=entitled, present=att["present"],
                                            issued=att["issued"], returned=b["returned"],
                                            valid=b["valid"], void=b["void"], blank=b["blank"])]
        if post.get("invalid_marks"):
            lines.append(self.t["invalid_marks"].format(n=post["invalid_marks"]))
        return lines

    def pass_line(self, post: dict) -> str | None:
        pl = post.get("pass_line")
        if not pl:
            return None
        op, fraction = pl["rule"].split()
        return self.t["pass_line"].format(op=self.t[f"op.{op}"], base_name=self.t[f"base.{pl['base']}"],
                                          of=pl["of"], fraction=fraction, votes=pl["votes"])

    def decision_notes(self, post: dict) -> list[str]:
        """Why a tie or shortfall went the way it did: the footnotes a committee asks for."""
        t, notes = self.t, []
        tie, decision, lot = post.get("tie"), post.get("decision"), post.get("lot")
        if decision and decision["kind"] == "resolved" and tie:
            notes.append(t["decision.resolved"].format(names=self.names(tie["tied"]),
                                                       chosen=self.names(decision["chosen"]),
                                                       reason=decision.get("reason") or ""))
        elif decision and decision["kind"] == "accepted-short":
            notes.append(t["decision.accepted-short"].format(reason=decision.get("reason") or ""))
        elif lot and tie:
            notes.append(t["decision.lot"].format(names=self.names(tie["tied"]), seed=lot["seed"],
                                                  chosen=self.names(lot["drawn"])))
        elif tie and post.get("advanced") is not None and set(tie["tied"]) <= set(post["advanced"]):
            notes.append(t["decision.widened"].format(names=self.names(tie["tied"])))
        elif tie and post.get("status") == "tied":
            notes.append(t["status.tied"].format(slots=tie["slots"], names=self.names(tie["tied"])))
        return notes


def _ranked(results: list[dict]) -> list[tuple[int, dict]]:
    """The stage's rank where it has a cut, else competition ranking on share."""
    out, prev, rank = [], None, 0
    for i, r in enumerate(results, start=1):
        if "rank" in r:
            out.append((r["rank"], r))
            continue
        share = Fraction(r["share"])
        if share != prev:
            rank, prev = i, share
        out.append((rank, r))
    return out


def _tally(ctx: _Context) -> Document:
    t, stage, view = ctx.t, ctx.stage, ctx.view
    categories = [c for c, _ in stage.categories]
    weighted = bool(categories)
    sections = []
    for post in view["posts"]:
        results = post["results"]
        scored = any(r.get("score") not in (None, r["share"]) for r in results)
        headers = [t["rank"], t["name"], *categories, t["votes"]]
        if weighted:
            headers.append(t["weighted"])
        headers.append(t["share"])
        if scored:
            headers.append(t["score"])
        if post.get("k") is not None:
            headers.append(t["result"])
        advanced = set(post.get("advanced") or ())
        valid = post["ballots"]["weighted_valid"] if weighted else str(post["ballots"]["valid"])
        rows = []
        for rank, r in _ranked(results):
            row: list[Cell] = [rank, r["name"], *(r["by_category"].get(c, 0) for c in categories),
                               r["votes"]]
            if weighted:
                row.append(_number(r["weighted"]))
            top = r["weighted"] if weighted else r["votes"]
            row.append(f"{pct(r['share'])}（{top}/{valid}）" if ctx.zh
                       else f"{pct(r['share'])} ({top}/{valid})")
            if scored:
                row.append(pct(r["score"]))
            if post.get("k") is not None:
                row.append(t["advanced"] if r["candidate"] in advanced
                           else t["tied"] if r.get("tied") and post.get("advanced") is None else "")
            rows.append(row)
        notes = []
        if post.get("k") is not None and stage.cut is not None:
            notes.append(t["cut_line"].format(ratio=stage.cut.ratio, k=post["k"]))
        notes += ctx.decision_notes(post)
        sections.append(Section(ctx.post_heading(post), ctx.reconcile(post), headers, rows, notes))
    title = t["tally.title"] if view["kind"] == "recommend" else t["vote.title"]
    return Document("tally", ctx.round.locale, title, ctx.meta(), sections,
                    signatures=ctx.signatures())


def _number(value: str) -> Cell:
    """A whole-number fraction as an int (a spreadsheet number); otherwise its exact text."""
    f = Fraction(value)
    return f.numerator if f.denominator == 1 else value


def _people_headers(ctx: _Context, ids) -> list[str]:
    """The descriptive fields any listed person has, in the roster's canonical order."""
    present = {k for cid in ids for k, v in ctx.roster[cid].fields if v}
    return [k for k in DESCRIPTIVE if k in present]


def _shortlist(ctx: _Context) -> Document:
    t = ctx.t
    everyone = [c for p in ctx.view["posts"] for c in p["advanced"]]
    fields = _people_headers(ctx, everyone)
    sections = []
    for post in ctx.view["posts"]:
        ids = by_surname_strokes(post["advanced"], ctx.name)
        rows = [[i, ctx.name(cid), *(ctx.roster[cid].field(k) for k in fields)]
                for i, cid in enumerate(ids, start=1)]
        exceptional = [ctx.round.exceptional(cid) for cid in ids]
        extra = [t["exceptional"]] if any(exceptional) else []  # 破格: the stated reason is published
        if extra:
            rows = [row + [reason or ""] for row, reason in zip(rows, exceptional)]
        lines = [] if ids else [t["nobody"]]
        sections.append(Section(ctx.post_heading(post), lines,
                                 [t["no_"], t["name"], *(t[k] for k in fields), *extra], rows,
                                 ctx.decision_notes(post)))
    first = ctx.round.stages[0].id
    title = t["shortlist.title"] if ctx.view["kind"] == "recommend" or ctx.stage.id == first \
        else t["shortlist.next"].format(stage=ctx.stage.title)
    return Document("shortlist", ctx.round.locale, title, ctx.meta(), sections,
                    notes=[t["stroke_order"]])


def _vote(ctx: _Context) -> Document:
    t, view = ctx.t, ctx.view
    approve = ctx.stage.form == "approve"
    sections = []
    for post in view["posts"]:
        has_pass = "pass_line" in post
        headers = [t["rank"], t["name"]]
        headers += [t["yes"], t["no"], t["abstain"], t["invalid"]] if approve else [t["votes"]]
        headers += [t["share"], t["result"]]
        if has_pass:
            headers.append(t["short_by"])
        advanced = set(post.get("advanced") or ())
        rows = []
        for rank, r in _ranked(post["results"]):
            row: list[Cell] = [rank, r["name"]]
            row += [r["yes"], r["no"], r["abstain"], r["invalid"]] if approve else [r["votes"]]
            row.append(pct(r["share"]))
            if has_pass:
                row.append(t["passed"] if r.get("passed") else t["not_passed"])
                row.append("" if r.get("passed") else t["needs"].format(n=r.get("needs")))
            else:
                row.append(t["advanced"] if r["candidate"] in advanced else t["not_advanced"])
            rows.append(row)
        lines = ctx.reconcile(post)
        line = ctx.pass_line(post)
        if line:
            lines.append(line)
        notes = []
        if has_pass:
            passed = [r["candidate"] for r in post["results"] if r.get("passed")]
            notes.append(t["passed_list"].format(names=ctx.names(passed)) if passed
                         else t["nobody_passed"])
        elif post.get("k") is not None and ctx.stage.cut is not None:
            notes.append(t["cut_line"].format(ratio=ctx.stage.cut.ratio, k=post["k"]))
        notes += ctx.decision_notes(post)
        sections.append(Section(ctx.post_heading(post), lines, headers, rows, notes))
    return Document("vote", ctx.round.locale, t["vote.title"], ctx.meta(), sections,
                    signatures=ctx.signatures())


def _notice(ctx: _Context, published: Published) -> Document:
    """公示: the people a locked cut sends forward (a notice stage publishes its previous one)."""
    t, round_ = ctx.t, ctx.round
    source, lists, period = published.source, published.lists, published.period
    titles = {p.id: p.title for p in round_.posts}
    inspection = ctx.stage.kind == "notice" and ctx.stage.of == "inspection"
    elected = {p.id: p.nomination for p in round_.posts if p.elected and lists.get(p.id)}
    if inspection:
        intro_key, intended_key, title_key = "notice.intro_inspection", "intended_inspection", "notice.title_inspection"
    elif elected:
        intro_key, intended_key, title_key = "notice.intro_elected", "intended_elected", "notice.title"
        titles.update({pid: t[f"elected.{how}"].format(post=titles[pid]) for pid, how in elected.items()})
    else:
        intro_key, intended_key, title_key = "notice.intro", "intended", "notice.title"
    pairs = [(cid, pid) for pid in titles for cid in lists.get(pid, ())]
    fields = [k for k in _people_headers(ctx, [c for c, _ in pairs]) if k != "position"]
    order = {cid: i for i, cid in enumerate(by_surname_strokes([c for c, _ in pairs], ctx.name))}
    pairs.sort(key=lambda cp: (order[cp[0]], cp[1]))
    rows = [[i, ctx.name(cid), *(ctx.roster[cid].field(k) for k in fields), titles[pid]]
            for i, (cid, pid) in enumerate(pairs, start=1)]
    intro = t[intro_key].format(round=round_.title, stage=source.title)
    section = Section("", [intro] if pairs else [t["notice.none"]],
                      [t["no_"], t["name"], *(t[k] for k in fields), t[intended_key]] if pairs else [],
                      rows)
    notes = [t["notice.exception"].format(name=ctx.name(cid), reason=published.exceptions[cid])
             for cid in sorted({c for c, _ in pairs}, key=order.__getitem__) if published.exceptions.get(cid)]
    if pairs:
        if period and period.get("start") and period.get("end"):
            notes.append(t["notice.period"].format(start=period["start"], end=period["end"]))
            if period.get("end_reason"):
                notes.append(t["notice.end_given"].format(reason=period["end_reason"]))
            elif period.get("calendar"):
                notes.append(t["notice.calendar"].format(calendar=period["calendar"]))
        else:
            notes.append(t["notice.period_blank"])
        if round_.complaints:
            notes.append(t["notice.channels"].format(channels=round_.complaints))
        notes.append(t["notice.rules"])
    return Document("notice", round_.locale, t[title_key], ctx.meta(), [section], notes=notes,
                    closing=[round_.organizer, ctx.date])


def _record(ctx: _Context, events: list[dict]) -> Document:
    t = ctx.t
    rows = []
    for i, e in enumerate(events or (), start=1):
        files = "; ".join(f"{name} {sha}" for name, sha in sorted(e["files"].items()))
        at = e["at"].replace("T", " ").replace("+00:00", "")
        what = f"{t['corrected']}：{e['command']}" if "undid" in e["details"] else e["command"]  # 更正 apart
        rows.append([i, at, e["operator"], what, e["stage"] or t["round_level"],
                     _details(e["details"]), files])
    headers = [t["rec.no"], t["rec.at"], t["rec.by"], t["rec.what"], t["rec.stage"], t["rec.details"],
               t["rec.files"]]
    return Document("record", ctx.round.locale, t["record.title"], ctx.meta(),
                    [Section("", [], headers, rows)])


def _details(details: dict) -> str:
    """An event's details on one line: `key: value` pairs, lists joined, nested data as JSON."""
    import json

    parts = []
    for key in sorted(details):
        value = details[key]
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            text = "、".join(str(v) for v in value)
        elif isinstance(value, (dict, list)):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        else:
            text = str(value)
        parts.append(f"{key}: {text}")
    return "; ".join(parts)
