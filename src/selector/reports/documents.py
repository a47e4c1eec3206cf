"""Committee documents (SPEC §4 `export`) as one neutral model that every format renders.

Each builder starts from the stage's view — the structure `show --json` prints — so a sheet
on the committee table cannot disagree with the screen. A `Document` is a title, meta lines,
sections (lines, one table, notes), closing notes and signature lines; renderers in
`render_text` (Markdown, CSV, JSON) and `render_office` (XLSX, DOCX) only lay it out.
"""

from __future__ import annotations

import re
from fractions import Fraction

from selector.domain.model import Round, Stage
from selector.records import dataclass, field
from selector.reports.collation import by_surname_strokes
from selector.reports.common import calendar_text, correction_text
from selector.reports.numbers import pct

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
        "reconcile": "应到 {entitled} 人，实到 {present} 人，发出{paper} {issued} 张，收回 {returned} 张；"
                     "有效票 {valid} 张（其中空白票 {blank} 张），无效票 {void} 张",
        "paper.recommend": "推荐票", "paper.vote": "表决票",
        "invalid_marks": "另有无效标记 {n} 处（不计入得票）",
        "cut_line": "按 1:{ratio} 差额比例，前 {k} 名{goes}",
        "pass_line": "通过线：{line}",
        "pass.>": "超过{base_name}{fraction}（{of} {unit}，即 {votes} 票）",
        "pass.>=": "{base_name}{fraction}以上（{of} {unit}，即 {votes} 票）",
        "base.members": "应到会委员", "base.present": "实到会人数", "base.valid": "有效票",
        "base.members.decide": "应到会成员",  # 讨论决定: 常委会 / 党组会 成员, not 全委会 委员
        "unit.members": "名", "unit.present": "名", "unit.valid": "张",
        "share.members": "占应到会比例", "score.sum": "综合得分", "score.mean": "加权得票率",
        "goes.inspect": "列为考察对象", "goes.vote": "提交票决", "goes.final": "确定为拟任人选",
        "goes.recommend": "进入下一轮推荐",
        "list.inspect": "考察对象名单", "list.vote": "提交票决人选名单", "list.final": "拟任人选名单",
        "list.recommend": "进入下一轮推荐人选名单",
        "passed": "通过", "not_passed": "未通过", "needs": "还差 {n} 票",
        "not_advanced": "未进入", "tied": "得票相同",
        "passed_list": "通过：{names}", "nobody_passed": "无人达到通过线，该职位空缺",
        "status.tied": "在第 {slots} 个名额处得票相同（{names}），待作出决定",
        "status.short": "符合条件人数少于应进入人数",
        "nobody": "无人进入",
        "decision.resolved": "{names}得票相同，经决定由{chosen}进入。理由：{reason}",
        "decision.lot": "{names}得票相同，按公开种子“{seed}”抽签，{chosen}进入"
                        "（抽签系地方做法，依选拔方案 ties = \"lot\"）",
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
        "rec.no": "序号", "rec.at": "时间（北京时间）", "rec.by": "操作人", "rec.what": "事项",
        "rec.stage": "环节", "rec.details": "内容", "rec.files": "文件 SHA-256", "rec.hash": "记录哈希",
        "rec.appendix": "附：操作记录（全部事件及哈希）", "rec.nothing": "本环节尚无记录。",
        "rec.date": "时间：{dates}", "rec.body": "会议：{body}，应到 {entitled} 人",
        "rec.attendance": "到会情况：应到 {entitled} 人，实到 {present} 人，发出{paper} {issued} 张，收回 {returned} 张",
        "rec.method": "方式：{method}", "method.papers": "无记名投票（纸质票，计票人、监票人现场计票）",
        "method.totals": "按会议现场计票汇总数记录（无选票）", "method.talks": "谈话调研推荐（按谈话对象推荐人数统计）",
        "method.inspect": "考察（{checks}鉴定意见，民主测评）", "method.findings": "考察（{checks}鉴定意见）",
        "rec.period": "公示时间：{start}至{end}",
        "rec.complaint": "反映 {number}：{name}，{summary}；核查结论：{outcome}。{note}",
        "rec.late": "（{received}收到，公示期已过）",
        "outcome.unfounded": "反映不属实", "outcome.minor": "有一定问题，提醒后任用",
        "outcome.serious": "问题严重，不予任用", "outcome.postpone": "暂缓任用", "outcome.open": "尚在核查",
        "outcome.confirmed": "确认任用", "outcome.dropped": "不予任用", "outcome.pending": "暂缓",
        "outcome.cleared": "公示无异议",
        "rec.post": "职位", "rec.seats": "职数", "rec.results": "得票或考察情况", "rec.chosen": "确定人选",
        "rec.open": "尚未确定", "rec.votes": "{name} {n} 票", "rec.struck": "取消资格", "rec.passed": "通过",
        "rec.certified": "计票结果于{at}签署。计票人：{tellers}；监票人：{scrutineers}",
        "rec.locked": "名单于{at}锁定，锁定时记录哈希：{hash}",
        "rec.last": "本环节共 {n} 项操作，最后一项的记录哈希：{hash}",
        "rec.exports": "本环节导出文件 {n} 次（见附表）",
        "round_level": "（全轮）",
        "corrected": "更正", "corrected.line": "{date} {what}，理由：{reason}（{by}）",
        "date.format": "{y}年{m}月{d}日", "time.format": "{y}年{m}月{d}日 {hm}（北京时间）",
        "time.plain": "{y}年{m}月{d}日 {hm}",
        "initials": "计票人签字：{tellers}　　监票人签字：{scrutineers}",
        "sign.role": "{role}（签字）：", "sign.date": "年　　月　　日",
        "doc_number": "文号",
        "op.>": "超过", "op.>=": "达到", "op.<": "少于", "op.<=": "不超过",
        "decision.title": "讨论决定结果表", "members": "应到会成员", "members.line": "{n} 人{names}",
        "rule.line": "到会人数须{quorum_op}应到会成员的 {quorum}；同意票{op}应到会成员（回避者除外）的 {fraction} 为通过；"
                     "得票相同或无人通过的，可再次投票 {revotes} 次，仍未产生的{after}",
        "after.unfilled": "该职位空缺", "after.refer": "退回重新酝酿",
        "rule.ratio": "每个职位按 1:{n} 差额确定职数 {n} 倍的人选（同意票多者）",
        "sitting.label": "第 {n} 次会议", "sitting.line": "{date}，实到 {present} 人，{method}（{file}）",
        "recused.line": "（本项以 {base} 人计，通过线 {votes} 票）",
        "rule": "表决规则",
        "method.ballot": "无记名投票", "method.hands": "举手表决", "method.oral": "口头表决",
        "sitting": "会次", "voters": "参加表决", "recused": "回避", "defer": "缓议",
        "vote.passed": "通过", "vote.passed_not_chosen": "过线未入选", "vote.not_passed": "未通过", "vote.deferred": "暂缓表决", "vote.none": "未表决",
        "revote_mark": "（再次投票）",
        "outcome.decided": "决定：{names}", "outcome.nobody": "无人通过",
        "outcome.deferred": "暂缓表决，待下次会议研究：{names}",
        "outcome.revote": "待再次投票：{names}（{slots} 名）",
        "decision.revote": "经再次投票产生：{chosen}",
        "decision.referred": "再次投票后仍未产生，退回重新酝酿",
        "decision.unfilled": "再次投票后仍未产生，该职位空缺",
        "inspection.title": "考察情况汇总表",
        "insp.checks": "考察项目：{checks}", "insp.rules": "民主测评规则：{rules}",
        "insp.rule.pass": "{rule}（未达到的不再作为人选）", "insp.rule.strike": "{rule}（达到的不再作为人选）",
        "insp.rule.concern": "{rule}（达到的须经研究决定）",
        "insp.rule.>=": "{grades}票达到 {fraction} 以上", "insp.rule.>": "{grades}票超过 {fraction}",
        "insp.evaluation": "民主测评", "insp.result": "考察结果",
        "verdict.clear": "通过", "verdict.pending": "核查中", "verdict.concern": "关注", "verdict.veto": "否决",
        "verdict.None": "未报",
        "insp.advanced": "进入下一环节", "insp.would": "拟进入下一环节", "insp.struck": "不再作为人选（{by}）",
        "insp.struck_by_decision": "经研究决定", "insp.backfilled": "递补", "insp.proposed": "建议递补",
        "insp.missing": "待报：{checks}", "insp.pending": "核查中：{checks}", "insp.concern": "关注事项待决定",
        "insp.note": "{name}（{check}）：{note}",
        "insp.kept": "{name}的关注事项（{concerns}）经研究决定继续考察。理由：{reason}",
        "insp.struck_note": "{name}的关注事项（{concerns}）经研究决定不再作为人选。理由：{reason}",
        "insp.backfill": "{struck}不再作为人选，经研究决定由{chosen}递补。理由：{reason}",
        "insp.no_backfill": "{struck}不再作为人选，经研究决定不再递补，按现有人选进行。理由：{reason}",
        "insp.backfill_short": "{struck}不再作为人选，经研究决定由{chosen}递补，其余名额不再递补，按现有人选进行。"
                               "理由：{reason}",
        "insp.proposal": "{struck}不再作为人选，按推荐得分建议由{proposed}递补，待研究决定",
        "insp.unit": "民主测评：{unit}",
        "insp.attendance": "应到 {expected} 人，实到 {present} 人，收回测评票 {papers} 张（其中无效票 {void} 张）",
        "insp.attendance_unknown": "应到、实到人数未登记，收回测评票 {papers} 张（其中无效票 {void} 张）",
        "insp.graded": "参评票数", "insp.graded_of": "{graded}/{papers}",
        "insp.denominator": "各项比例以对该人选作出评价的测评票为基数（空白、不了解、无效标记及无效票不计）",
        "insp.rate": "{pct}（{count}/{of}）",
        "talk.title": "谈话调研推荐情况统计表", "talk.method": "推荐方式",
        "talk.method.text": "谈话调研推荐：按谈话对象推荐人数统计，无推荐票",
        "talk.attendance": "应谈/实谈", "talk.total": "合计应谈 {expected} 人，实谈 {talked} 人",
        "talk.category": "{category}应谈 {expected} 人，实谈 {talked} 人", "talk.votes": "推荐人数", "talk.share": "推荐率",
        "talk.reconcile": "实谈 {valid} 人，未推荐人选 {blank} 人",
        "talk.concentration": "集中度（推荐人数最多者所占比例）：{name} {share}",
        "totals.source": "记录方式", "totals.source.text": "按会议现场计票汇总数记录，无选票可供复核",
        "totals.record": "按汇总数记录，无选票",
        "totals.file": "计票汇总表", "totals.file.text": "{file}（SHA-256 {sha}）",
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
        "reconcile": "Electorate {entitled}, present {present}, {paper} issued {issued}, returned {returned}; "
                     "valid {valid} (of which blank {blank}), void {void}",
        "paper.recommend": "recommendation papers", "paper.vote": "vote papers",
        "invalid_marks": "Invalid marks not counted: {n}",
        "cut_line": "Ratio 1:{ratio}: the top {k} {goes}",
        "pass_line": "Pass line: {line}",
        "pass.>": "more than {fraction} of {base_name} ({of}): {votes} votes",
        "pass.>=": "{fraction} of {base_name} ({of}) or more: {votes} votes",
        "base.members": "members", "base.present": "those present", "base.valid": "valid ballots",
        "base.members.decide": "members",
        "unit.members": "", "unit.present": "", "unit.valid": "",
        "share.members": "Share of members", "score.sum": "Score", "score.mean": "Weighted share",
        "goes.inspect": "are inspected", "goes.vote": "go to the vote", "goes.final": "are to be appointed",
        "goes.recommend": "go to the next recommendation",
        "list.inspect": "List for inspection", "list.vote": "List for the vote",
        "list.final": "Appointees", "list.recommend": "List for the next recommendation",
        "passed": "passed", "not_passed": "not passed", "needs": "needs {n} more",
        "not_advanced": "", "tied": "tied",
        "passed_list": "Passed: {names}", "nobody_passed": "Nobody reached the pass line: the post is unfilled",
        "status.tied": "Tied for place {slots} ({names}): awaiting a decision",
        "status.short": "Fewer eligible than places",
        "nobody": "Nobody goes forward",
        "decision.resolved": "{names} tied; decided that {chosen} go(es) forward. Reason: {reason}",
        "decision.lot": "{names} tied; lot drawn with public seed \"{seed}\": {chosen} go(es) forward (a local "
                        "practice the round file chose: ties = \"lot\")",
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
        "rec.no": "No.", "rec.at": "Time (Beijing)", "rec.by": "Operator", "rec.what": "Action",
        "rec.stage": "Stage", "rec.details": "Details", "rec.files": "File SHA-256", "rec.hash": "Record hash",
        "rec.appendix": "Appendix: the event log with hashes", "rec.nothing": "Nothing recorded at this stage yet.",
        "rec.date": "Dates: {dates}", "rec.body": "Body: {body}, {entitled} entitled",
        "rec.attendance": "Attendance: {entitled} entitled, {present} present, {paper} issued {issued}, returned {returned}",
        "rec.method": "Method: {method}", "method.papers": "secret ballot on paper, counted by tellers and scrutineers",
        "method.totals": "totals keyed in", "method.talks": "individual talks",
        "method.inspect": "inspection ({checks} findings, evaluation)",
        "method.findings": "inspection ({checks} findings)",
        "rec.period": "Notice period: {start} to {end}",
        "rec.complaint": "Complaint {number}: {name}, {summary}; outcome: {outcome}. {note}",
        "rec.late": " (received {received}, after the notice period)",
        "outcome.unfounded": "unfounded", "outcome.minor": "minor, appointed with a reminder",
        "outcome.serious": "serious, not appointed", "outcome.postpone": "postponed", "outcome.open": "open",
        "outcome.confirmed": "confirmed", "outcome.dropped": "not appointed", "outcome.pending": "pending",
        "outcome.cleared": "no objection",
        "rec.post": "Post", "rec.seats": "Seats", "rec.results": "Votes or inspection", "rec.chosen": "Chosen",
        "rec.open": "not decided", "rec.votes": "{name} {n}", "rec.struck": "struck", "rec.passed": "passed",
        "rec.certified": "Count certified {at}. Tellers: {tellers}; scrutineers: {scrutineers}",
        "rec.locked": "List locked {at}; record hash then: {hash}",
        "rec.last": "{n} actions at this stage; record hash after the last: {hash}",
        "rec.exports": "Documents exported at this stage: {n} (see the appendix)",
        "round_level": "(round)",
        "corrected": "Corrected", "corrected.line": "{date} {what}; reason: {reason} ({by})",
        "date.format": "{iso}", "time.format": "{iso} {hm} (Beijing time)", "time.plain": "{iso} {hm}",
        "initials": "Teller's initials: {tellers}    Scrutineers' initials: {scrutineers}",
        "sign.role": "{role} (signature): ", "sign.date": "Date: ____________",
        "doc_number": "Reference",
        "op.>": "more than", "op.>=": "at least", "op.<": "less than", "op.<=": "at most",
        "decision.title": "Decision sheet", "members": "Members", "members.line": "{n}{names}",
        "rule.line": "Quorum: {quorum_op} {quorum} of the members present; a nominee passes with {op} {fraction} of the members "
                     "(those recused left out); a tie or a failed vote may be voted again {revotes} time(s), "
                     "then {after}",
        "after.unfilled": "the post is left unfilled", "after.refer": "the post is referred back",
        "rule.ratio": "{n} times the seats chosen per post (1:{n}), those with most votes in favour first",
        "sitting.label": "Sitting {n}", "sitting.line": "{date}, present {present}, {method} ({file})",
        "recused.line": " (this item: {votes} votes of {base})",
        "rule": "Rule",
        "method.ballot": "secret ballot", "method.hands": "show of hands", "method.oral": "oral vote",
        "sitting": "Sitting", "voters": "Voting", "recused": "Recused", "defer": "Defer",
        "vote.passed": "passed", "vote.passed_not_chosen": "passed the line, not chosen",
        "vote.not_passed": "not passed", "vote.deferred": "deferred",
        "vote.none": "no vote", "revote_mark": " (re-vote)",
        "outcome.decided": "Decided: {names}", "outcome.nobody": "Nobody passed",
        "outcome.deferred": "Deferred to a later sitting: {names}",
        "outcome.revote": "To a re-vote: {names} ({slots} place(s))",
        "decision.revote": "Chosen by a re-vote: {chosen}",
        "decision.referred": "Not settled after the re-votes: referred back",
        "decision.unfilled": "Not settled after the re-votes: the post is left unfilled",
        "inspection.title": "Inspection summary",
        "insp.checks": "Checks: {checks}", "insp.rules": "民主测评 rules: {rules}",
        "insp.rule.pass": "{rule} (missing it strikes)", "insp.rule.strike": "{rule} (meeting it strikes)",
        "insp.rule.concern": "{rule} (meeting it needs a decision)",
        "insp.evaluation": "民主测评", "insp.result": "Result",
        "verdict.clear": "clear", "verdict.pending": "pending", "verdict.concern": "concern", "verdict.veto": "veto",
        "verdict.None": "missing",
        "insp.advanced": "goes forward", "insp.would": "would go forward", "insp.struck": "struck ({by})",
        "insp.struck_by_decision": "by decision", "insp.backfilled": "backfilled", "insp.proposed": "proposed for 递补",
        "insp.missing": "missing: {checks}", "insp.pending": "pending: {checks}", "insp.concern": "concern to decide",
        "insp.note": "{name} ({check}): {note}",
        "insp.kept": "{name}'s concerns ({concerns}): decided to go on. Reason: {reason}",
        "insp.struck_note": "{name}'s concerns ({concerns}): decided to strike. Reason: {reason}",
        "insp.backfill": "{struck} struck; decided that {chosen} fill(s) the place. Reason: {reason}",
        "insp.no_backfill": "{struck} struck; decided to go on without 递补. Reason: {reason}",
        "insp.backfill_short": "{struck} struck; decided that {chosen} fill(s) a place and to go on without "
                               "further 递补. Reason: {reason}",
        "insp.proposal": "{struck} struck; the ranking proposes {proposed} for 递补: awaiting a decision",
        "insp.unit": "民主测评: {unit}",
        "insp.attendance": "Expected {expected}, present {present}, papers returned {papers} (void {void})",
        "insp.attendance_unknown": "Expected and present not recorded; papers returned {papers} (void {void})",
        "insp.graded": "Graded by", "insp.graded_of": "{graded} of {papers}",
        "insp.denominator": "Each share is over the papers that graded the candidate (blank, 不了解, unclear "
                            "marks and void papers do not count)",
        "insp.rate": "{pct} ({count}/{of})",
        "talk.title": "Talk recommendation (谈话调研推荐) tally", "talk.method": "Method",
        "talk.method.text": "talk recommendation (谈话调研推荐): counts of those talked to, no ballot papers",
        "talk.attendance": "To be talked to / talked to",
        "talk.total": "in all: to be talked to {expected}, talked to {talked}",
        "talk.category": "{category}: to be talked to {expected}, talked to {talked}", "talk.votes": "Named by", "talk.share": "Share",
        "talk.reconcile": "Talked to {valid}, named nobody {blank}",
        "talk.concentration": "Concentration (share of the name given most): {name} {share}",
        "totals.source": "Recorded from", "totals.source.text": "the totals counted at the meeting: there are no "
                                                                "ballot papers to recount",
        "totals.record": "from totals, no papers",
        "totals.file": "Totals file", "totals.file.text": "{file} (SHA-256 {sha})",
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
    closing: list[str] = field(default_factory=list)  # right-aligned lines (issuer, date): the 落款
    lead: list[str] = field(default_factory=list)  # lines right under the title (the stroke-order note)
    masthead: list[str] = field(default_factory=list)  # 发文机关 and 文号 above the title, when given
    initials: str = ""  # a count sheet's line for the signers' initials, on every printed page

    def as_dict(self) -> dict:
        """`asdict(self)` with meta as label/value pairs, for JSON: built directly, sharing the
        document's lists (asdict deep-copies every cell of every table, most of an export of a
        big round)."""
        return {"doc": self.doc, "locale": self.locale, "title": self.title,
                "meta": [{"label": k, "value": v} for k, v in self.meta],
                "sections": [{"heading": s.heading, "lines": s.lines, "headers": s.headers, "rows": s.rows,
                              "notes": s.notes} for s in self.sections],
                "notes": self.notes, "signatures": self.signatures, "closing": self.closing,
                "lead": self.lead, "masthead": self.masthead, "initials": self.initials}


@dataclass
class Published:
    """What a notice publishes: the stage whose list it is, the list, and the notice's dates."""

    source: Stage
    lists: dict[str, tuple[str, ...]]
    period: dict | None
    # 破格 (issue 11.6): person id -> the stated reason, printed with the notice
    exceptions: dict[str, str] = field(default_factory=dict)


def build(doc: str, round_: Round, stage: Stage, view: dict, date: str, events: list[dict] | None = None,
          published: Published | None = None, stages: list[tuple[Stage, dict | None]] | None = None) -> Document:
    """The document `doc` for `stage`, from its view (and the event log for `record`, what it
    publishes for `notice`). The service has checked that the document fits the stage."""
    builder = {"tally": _tally, "shortlist": _shortlist, "vote": _vote, "notice": _notice,
               "record": _record, "decision": _decision, "inspection": _inspection}[doc]
    ctx = _Context(round_, stage, view, date)
    if doc == "record":
        made = builder(ctx, events, stages)
    else:
        made = builder(ctx, published) if doc == "notice" else builder(ctx)
    if not made.closing:  # the 落款: who issues the document, and the date it is dated
        made.closing = [round_.organizer, ctx.date]
    made.masthead = [line for line in (round_.issuer, round_.doc_number) if line]
    return made


def chinese_date(iso: str, locale: str = "zh-CN") -> str:
    """"2026-12-01" as a document writes it: 2026年12月1日 (ISO in English)."""
    t = LABELS.get(locale, LABELS["zh-CN"])
    try:
        y, m, d = (int(part) for part in iso[:10].split("-"))
    except ValueError:
        return iso
    return t["date.format"].format(y=y, m=m, d=d, iso=iso[:10])


def beijing_time(at: str | None, locale: str = "zh-CN", zone: bool = True) -> str:
    """A recorded UTC time as a document writes it: 2026年12月1日 18:35（北京时间）."""
    from datetime import datetime, timedelta, timezone

    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at).astimezone(timezone(timedelta(hours=8)))
    except ValueError:
        return at
    t = LABELS.get(locale, LABELS["zh-CN"])
    return t["time.format" if zone else "time.plain"].format(y=moment.year, m=moment.month, d=moment.day, iso=moment.date().isoformat(),
                                   hm=moment.strftime("%H:%M"))


class _Context:
    def __init__(self, round_: Round, stage: Stage, view: dict, date: str):
        self.stage, self.view = stage, view
        self.round = round_
        self.roster = {c.id: c for c in round_.candidates}
        self.t = LABELS.get(self.round.locale, LABELS["zh-CN"])
        self.zh = self.round.locale != "en"
        self.date = chinese_date(date, self.round.locale)

    def time(self, at: str | None, zone: bool = True) -> str:
        """A recorded time in Beijing time; without the zone's name where a heading says it."""
        return beijing_time(at, self.round.locale, zone)

    def what_follows(self) -> str:
        """What the stage's list is for: "inspect", "vote", "recommend", or "final" (appointees:
        nothing but a notice follows)."""
        stages, stage = self.round.stages, self.stage
        here = self.round.stage_index(stage.id)
        # Once the people have been inspected (考察), or chosen by a vote, a later inspect stage
        # (a 道德品行鉴定 of the 拟任人选) vets them and does not make them 考察对象 again: what
        # their list is for is the vote after it. A notice publishes a list; only a 任前公示 ends.
        inspected = stage.kind in ("vote", "decide") or any(s.kind == "inspect" for s in stages[:here + 1])
        later = [s for s in stages[here + 1:] if s.kind != "notice" and not (inspected and s.kind == "inspect")]
        if (stage.kind == "notice" and stage.of == "appointment") or not later:
            return "final"
        return later[0].kind if later[0].kind in ("inspect", "vote", "recommend") else "vote"

    def goes(self) -> str:
        return self.t["goes." + self.what_follows()]

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
        out += self.counts_meta()
        if self.view.get("certified_at"):
            out.append((t["certified"], self.time(self.view["certified_at"])))
        for c in self.view.get("corrections", ()):  # 更正: what was corrected, when and why
            out.append((t["corrected"], t["corrected.line"].format(
                date=chinese_date(_beijing_iso(c.get("at")), self.round.locale) if c.get("at") else "", what=correction_text(c, self.round.locale),
                reason=c.get("reason") or "", by=c.get("by") or "")))
        if self.view.get("certified_hash"):
            out.append((t["record_hash"], self.view["certified_hash"]))
        return out

    def counts_meta(self) -> list[tuple[str, str]]:
        """How a stage recorded from counts was recorded (a talk's 应谈/实谈; the totals file)."""
        t, view, out = self.t, self.view, []
        if view.get("method") == "talk":
            out.append((t["talk.method"], t["talk.method.text"]))
            talks = view["talks"]
            talked = [x["talked"] for x in talks]
            parts = [t["talk.total"].format(expected=sum(x["expected"] for x in talks),
                                            talked=sum(talked) if None not in talked else "—")]
            parts += [t["talk.category"].format(category=x["category"], expected=x["expected"],
                                                talked=x["talked"] if x["talked"] is not None else "—")
                      for x in talks if x["category"] is not None]
            out.append((t["talk.attendance"], ("；" if self.zh else "; ").join(parts)))
        elif view.get("source") == "totals":
            out.append((t["totals.source"], t["totals.source.text"]))
        if view.get("totals"):
            out.append((t["totals.file"], t["totals.file.text"].format(file=view["totals"]["file"],
                                                                       sha=view["totals"]["sha256"])))
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

    def initials(self) -> str:
        """The line for the signers' initials that a count sheet carries on every page."""
        blank = "________"
        return self.t["initials"].format(tellers="　".join([blank] * self.round.tellers),
                                         scrutineers="　".join([blank] * self.round.scrutineers))

    def reconcile(self, post: dict) -> list[str]:
        att, b = self.view["attendance"], post.get("ballots")
        if not att or not b:
            return []
        if self.view.get("method") == "talk":
            lines = [self.t["talk.reconcile"].format(valid=b["valid"], blank=b["blank"])]
            top = post.get("concentration")
            if top:
                lines.append(self.t["talk.concentration"].format(name=top["name"], share=pct(top["share"])))
            return lines
        entitled = att.get("electorate", att.get("members"))
        paper = self.t["paper.recommend" if self.view["kind"] == "recommend" else "paper.vote"]
        lines = [self.t["reconcile"].format(entitled=entitled, present=att["present"], paper=paper,
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
        words = (_FRACTIONS.get(fraction, fraction) if self.zh else fraction)
        base = f"base.{pl['base']}" + (".decide" if self.view["kind"] == "decide" and pl["base"] == "members" else "")
        line = self.t[f"pass.{op}"].format(base_name=self.t[base], fraction=words,
                                           of=pl["of"], unit=self.t[f"unit.{pl['base']}"], votes=pl["votes"])
        return self.t["pass_line"].format(line=line)

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
        elif tie and post.get("status") == "tied" and not post.get("pending"):
            notes.append(t["status.tied"].format(slots=tie["slots"], names=self.names(tie["tied"])))
        if decision and decision["kind"] == "revote":
            notes.append(t["decision.revote"].format(chosen=self.names(decision["chosen"]) or "—"))
        elif decision and decision["kind"] in ("referred", "unfilled"):
            notes.append(t[f"decision.{decision['kind']}"])
        # a vote stage's re-vote; a notice's `pending` lists the appointees a complaint holds up
        if isinstance(post.get("pending"), dict) and self.view["kind"] != "decide":
            notes.append(t["outcome.revote"].format(names=self.names(post["pending"]["ballot"]),
                                                    slots=post["pending"]["slots"]))
        return notes

    def vote_rows(self, post: dict) -> list[list[Cell]]:
        """One row per nominee and sitting (讨论决定, or a vote's re-votes)."""
        t, rows = self.t, []
        # a 差额 decision: over the line is not chosen when others over it had more 同意
        chosen = ({r["candidate"] for r in post.get("results", ()) if r.get("chosen")} if post.get("decided")
                  else None)
        for v in post.get("votes") or post.get("revotes") or ():
            result = (t["vote.deferred"] if v["deferred"] else t["vote.none"] if v["passed"] is None
                      else t["vote.not_passed"] if not v["passed"]
                      else t["vote.passed_not_chosen"] if chosen is not None and v["candidate"] not in chosen
                      else t["vote.passed"])
            rows.append([v["sitting"], self.name(v["candidate"]), _blank(v["yes"]), _blank(v["no"]),
                         _blank(v["other"]), v["voters"], ("、" if self.zh else ", ").join(v["recused"])
                         + (t["recused.line"].format(votes=v["line"], base=v["base"]) if v.get("line") else ""),
                         result + (t["revote_mark"] if v["revote"] else "")])
        return rows

    def sitting_meta(self) -> list[tuple[str, str]]:
        """Each sitting as a meta line: its number, then date, attendance, method and record file."""
        t = self.t
        return [(t["sitting.label"].format(n=s["number"]),
                 t["sitting.line"].format(date=chinese_date(s["date"], self.round.locale), present=s["present"],
                                          method=t[f"method.{s['method']}"], file=s["file"]))
                for s in self.view.get("sittings") or ()]


# How a 组织部 writes the usual fractions of a pass line (others stay as written, "3/5").
_FRACTIONS = {"1/2": "半数", "2/3": "三分之二", "1/3": "三分之一", "3/4": "四分之三", "3/5": "五分之三"}


def _beijing_iso(at: str | None) -> str:
    from datetime import datetime, timedelta, timezone

    try:
        return datetime.fromisoformat(at or "").astimezone(timezone(timedelta(hours=8))).date().isoformat()
    except ValueError:
        return (at or "")[:10]


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
        headers = [t["rank"], t["name"], *categories, t["talk.votes"] if view.get("method") == "talk" else t["votes"]]
        if weighted:
            headers.append(t["weighted"])
        # on a vote's sheet the share is over 应到会 when the pass line is, else it is left out
        pl = post.get("pass_line") or {}
        of_members = pl.get("of") if pl.get("base") == "members" else None
        shown = view["kind"] != "vote" or of_members
        if shown:
            headers.append(t["share.members"] if of_members else t["talk.share"] if view.get("method") == "talk"
                           else t["share"])
        if scored:
            headers.append(t[_score_label(stage)])
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
            share, over = (Fraction(r["votes"], of_members), of_members) if of_members else (r["share"], valid)
            if shown:
                row.append(f"{pct(share)}（{top}/{over}）" if ctx.zh else f"{pct(share)} ({top}/{over})")
            if scored:
                row.append(pct(r["score"]))
            if post.get("k") is not None:
                row.append(ctx.goes() if r["candidate"] in advanced
                           else t["tied"] if r.get("tied") and post.get("advanced") is None else "")
            rows.append(row)
        notes = []
        if post.get("k") is not None and stage.cut is not None:
            notes.append(t["cut_line"].format(ratio=stage.cut.ratio, k=post["k"], goes=ctx.goes()))
        notes += ctx.decision_notes(post)
        sections.append(Section(ctx.post_heading(post), ctx.reconcile(post), headers, rows, notes))
    title = t["tally.title"] if view["kind"] == "recommend" else t["vote.title"]
    if view.get("method") == "talk":
        title = t["talk.title"]
    return Document("tally", ctx.round.locale, title, ctx.meta(), sections,
                    signatures=ctx.signatures(), initials=ctx.initials())


def _score_label(stage: Stage) -> str:
    """综合得分 for a sum of weighted shares; a weighted share (加权得票率) when the weights sum to one."""
    weights = stage.cut.score if stage.cut is not None else ()
    return "score.mean" if weights and sum(w for _, w in weights) == 1 else "score.sum"


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
    title = t["list." + ctx.what_follows()]
    return Document("shortlist", ctx.round.locale, title, ctx.meta(), sections, lead=[t["stroke_order"]])


def _blank(value) -> Cell:
    return "" if value is None else value


def _decision(ctx: _Context) -> Document:
    """讨论决定结果表: the members and the rule, each sitting, and per post every vote (同意/不同意/缓议,
    those voting, 回避) with what it came to."""
    t, view = ctx.t, ctx.view
    meta = ctx.meta()
    names = view.get("members") or []
    meta.append((t["members"], t["members.line"].format(
        n=view["attendance"]["members"], names=("（" + "、".join(names) + "）") if ctx.zh and names
        else (" (" + ", ".join(names) + ")") if names else "")))
    rule = view["rule"]
    op, fraction = rule["pass"].split()
    quorum_op, quorum = rule["quorum"].split()
    meta.append((t["rule"], t["rule.line"].format(quorum=quorum, quorum_op=t[f"op.{quorum_op}"], op=t[f"op.{op}"],
                                                  fraction=fraction, revotes=rule["revotes"],
                                                  after=t[f"after.{rule['after_revotes']}"])))
    if "ratio" in rule:  # a decide stage choosing more than the seats (1:2 on to the next vote)
        meta[-1] = (t["rule"], meta[-1][1] + ("；" if ctx.zh else "; ")
                    + t["rule.ratio"].format(n=rule["ratio"]))
    meta += ctx.sitting_meta()
    sections = []
    headers = [t["sitting"], t["name"], t["yes"], t["no"], t["defer"], t["voters"], t["recused"], t["result"]]
    for post in view["posts"]:
        notes = []
        pending = post.get("pending")
        if post.get("advanced") is not None or post.get("decided"):
            chosen = post["advanced"] if post.get("advanced") is not None else \
                [r["candidate"] for r in post["results"] if r.get("chosen")]
            notes.append(t["outcome.decided"].format(names=ctx.names(chosen)) if chosen else t["outcome.nobody"])
        elif pending and pending["why"] == "deferred":
            notes.append(t["outcome.deferred"].format(names=ctx.names(pending["ballot"])))
        elif pending and pending["revote"]:
            notes.append(t["outcome.revote"].format(names=ctx.names(pending["ballot"]), slots=pending["slots"]))
        notes += ctx.decision_notes(post)
        pl = ctx.pass_line(post)
        sections.append(Section(ctx.post_heading(post), [pl] if pl else [], headers, ctx.vote_rows(post), notes))
    return Document("decision", ctx.round.locale, t["decision.title"], meta, sections)


def _vote(ctx: _Context) -> Document:
    t, view = ctx.t, ctx.view
    approve = ctx.stage.form == "approve"
    sections = []
    for post in view["posts"]:
        has_pass = "pass_line" in post
        # a share only where the pass line is over 应到会: a share of valid papers next to it misleads
        of_members = post["pass_line"]["of"] if has_pass and post["pass_line"]["base"] == "members" else None
        headers = [t["rank"], t["name"]]
        headers += [t["yes"], t["no"], t["abstain"], t["invalid"]] if approve else [t["votes"]]
        if of_members:
            headers.append(t["share.members"])
        headers.append(t["result"])
        if has_pass:
            headers.append(t["short_by"])
        advanced = set(post.get("advanced") or ())
        rows = []
        for rank, r in _ranked(post["results"]):
            row: list[Cell] = [rank, r["name"]]
            row += [r["yes"], r["no"], r["abstain"], r["invalid"]] if approve else [r["votes"]]
            if of_members:
                row.append(pct(Fraction(r["yes"] if approve else r["votes"], of_members)))
            if has_pass:
                row.append(t["passed"] if r.get("passed") else t["not_passed"])
                row.append("" if r.get("passed") else t["needs"].format(n=r.get("needs")))
            else:
                row.append(ctx.goes() if r["candidate"] in advanced else t["not_advanced"])
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
            notes.append(t["cut_line"].format(ratio=ctx.stage.cut.ratio, k=post["k"], goes=ctx.goes()))
        notes += ctx.decision_notes(post)
        sections.append(Section(ctx.post_heading(post), lines, headers, rows, notes))
        if post.get("revotes"):  # 再次投票: one row per nominee and sitting
            sections.append(Section(ctx.post_heading(post) + t["revote_mark"], [f"{k}{'：' if ctx.zh else ': '}{v}"
                                                                                for k, v in ctx.sitting_meta()],
                                    [t["sitting"], t["name"], t["yes"], t["no"], t["abstain"], t["voters"],
                                     t["recused"], t["result"]], ctx.vote_rows(post)))
    return Document("vote", ctx.round.locale, t["vote.title"], ctx.meta(), sections,
                    signatures=ctx.signatures(), initials=ctx.initials())


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
            notes.append(t["notice.period"].format(start=chinese_date(period["start"], round_.locale),
                                                   end=chinese_date(period["end"], round_.locale)))
            if period.get("end_reason"):
                notes.append(t["notice.end_given"].format(reason=period["end_reason"]))
            elif period.get("calendar"):
                notes.append(t["notice.calendar"].format(calendar=calendar_text(period["calendar"],
                                                                                     round_.locale)))
        else:
            notes.append(t["notice.period_blank"])
        if round_.complaints:
            notes.append(t["notice.channels"].format(channels=round_.complaints))
        notes.append(t["notice.rules"])
    return Document("notice", round_.locale, t[title_key], ctx.meta(), [section], notes=notes,
                    closing=[round_.organizer, ctx.date])


def _inspection(ctx: _Context) -> Document:
    """考察情况汇总表: each candidate with every check and its verdict and the 民主测评 rates,
    struck and 递补 decisions with their reasons; then each 民主测评 with its unit, 应到/实到
    and each rule's share with its denominator."""
    t, view, sep = ctx.t, ctx.view, ("、" if ctx.zh else ", ")
    ev = view.get("evaluation")
    rules = (ev or {}).get("rules") or []
    lines = [t["insp.checks"].format(checks=sep.join(view["checks"]) or "—")]
    if rules:
        lines.append(t["insp.rules"].format(rules=("；" if ctx.zh else "; ").join(
            t[f"insp.rule.{r['effect']}"].format(rule=_grade_rule(ctx, r["rule"])) for r in rules)))
    sections = [Section("", lines)]
    for post in view["posts"]:
        headers = [t["no_"], t["name"], *view["checks"], *((t["insp.evaluation"],) if ev else ()), t["insp.result"]]
        advanced = post.get("advanced")
        rows, notes = [], []
        for i, r in enumerate(post["results"], start=1):
            row: list[Cell] = [i, r["name"], *(t[f"verdict.{r['checks'].get(c)}"] for c in view["checks"])]
            if ev:
                e = r.get("evaluation")
                first = (e or {}).get("rules") or []
                row.append(t["insp.rate"].format(pct=pct(first[0]["share"]), count=first[0]["count"], of=first[0]["of"])
                           if e and e["graded"] and first else "—")
            row.append(_inspection_result(ctx, post, r, advanced))
            rows.append(row)
            for check, note in r.get("notes", {}).items():
                notes.append(t["insp.note"].format(name=r["name"], check=check, note=note))
            settled = r.get("settled")
            if settled:
                key = "insp.kept" if settled["decision"] == "keep" else "insp.struck_note"
                notes.append(t[key].format(name=r["name"], concerns=sep.join(settled["concerns"]),
                                           reason=settled["reason"]))
        struck = [c for c in post.get("struck", ())]
        decision = post.get("decision")
        if decision and decision["kind"] == "backfilled":
            notes.append(t["insp.backfill"].format(struck=ctx.names(struck), chosen=ctx.names(decision["chosen"]),
                                                   reason=decision.get("reason") or ""))
        elif decision and decision["kind"] == "no-backfill" and decision.get("chosen"):
            # --backfill and --no-backfill on one post: who came in, and that the rest stays open
            notes.append(t["insp.backfill_short"].format(struck=ctx.names(struck), chosen=ctx.names(decision["chosen"]),
                                                         reason=decision.get("reason") or ""))
        elif decision and decision["kind"] == "no-backfill":
            notes.append(t["insp.no_backfill"].format(struck=ctx.names(struck), reason=decision.get("reason") or ""))
        elif post.get("held") and post.get("proposed"):
            notes.append(t["insp.proposal"].format(struck=ctx.names(struck), proposed=ctx.names(post["proposed"])))
        sections.append(Section(ctx.post_heading(post), [], headers, rows, notes))
    for unit in view.get("units", ()):
        lines = [t["insp.attendance"].format(**unit) if unit.get("expected") is not None
                 else t["insp.attendance_unknown"].format(papers=unit["papers"], void=unit["void"])]
        scale = ev["scale"]
        headers = [t["name"], *scale, t["insp.graded"], *(_grade_rule(ctx, r["rule"]) for r in rules)]
        rows = [[p["name"], *(p["counts"][g] for g in scale),
                 t["insp.graded_of"].format(graded=p["graded"], papers=p["papers"]),
                 *(t["insp.rate"].format(pct=pct(x["share"]), count=x["count"], of=x["of"]) if x["of"] else "—"
                   for x in p["rules"])]
                for p in unit["candidates"]]
        sections.append(Section(t["insp.unit"].format(unit=unit["unit"]), lines, headers, rows,
                                [t["insp.denominator"]]))
    return Document("inspection", ctx.round.locale, t["inspection.title"], ctx.meta(), sections)


_GRADE_RULE = re.compile(r"\s*([^<>=]+?)\s*(>=|>)\s*(\d+\s*(?:/\s*\d+)?)\s*")


def _grade_rule(ctx: _Context, rule: str) -> str:
    """A 民主测评 rule as a 组织部 writes it: `较好以上 >= 2/3` is 较好以上票达到 2/3 以上 ("以上"
    for an inclusive line), `不称职 > 1/3` is 不称职票超过 1/3; English keeps the round file's text."""
    m = _GRADE_RULE.fullmatch(rule)
    if not ctx.zh or not m:
        return rule
    grades, op, fraction = m.groups()
    return ctx.t[f"insp.rule.{op}"].format(grades=grades, fraction=fraction.replace(" ", ""))


def _inspection_result(ctx: _Context, post: dict, r: dict, advanced) -> str:
    t, sep = ctx.t, ("、" if ctx.zh else ", ")
    if r["struck"]:
        by = [t["insp.struck_by_decision"] if b == "decision" else b for b in r["struck_by"]]
        return t["insp.struck"].format(by=sep.join(by))
    parts = []
    if r.get("backfilled"):
        parts.append(t["insp.backfilled"])
    if r.get("proposed"):
        parts.append(t["insp.proposed"])
    if r.get("missing"):
        parts.append(t["insp.missing"].format(checks=sep.join(r["missing"])))
    if r.get("pending"):
        parts.append(t["insp.pending"].format(checks=sep.join(r["pending"])))
    if r.get("concerns") and not r.get("settled"):
        parts.append(t["insp.concern"])
    if advanced is not None and r["candidate"] in advanced:
        parts.append(t["insp.advanced"])
    elif advanced is None and r["candidate"] in (post.get("would_advance") or ()):
        parts.append(t["insp.would"])
    return ("；" if ctx.zh else "; ").join(parts)


def _record(ctx: _Context, events: list[dict], stages: list[tuple[Stage, dict | None]] | None = None) -> Document:
    """纪实表: per stage a section (date, body, attendance, method, results, the cut or decision with
    its reasons, corrections, certifiers, the record hash), then the whole log as an appendix."""
    t, zh = ctx.t, ctx.zh
    events = list(events or ())
    sections = []
    for i, (stage, view) in enumerate(stages or (), start=1):
        sections.append(_record_stage(ctx, i, stage, view, [e for e in events if e["stage"] == stage.id]))
    rows = []
    for i, e in enumerate(events, start=1):
        files = "; ".join(f"{name} {sha}" for name, sha in sorted(e["files"].items()))
        what = RECORD_WORDS.get(e["command"], e["command"]) if zh else e["command"]
        if "undid" in e["details"]:  # 更正 apart
            what = f"{t['corrected']}：{what}"
        if e["details"].get("source") == "totals":  # a count with no papers behind it, said in words
            what += ("（" if ctx.zh else " (") + t["totals.record"] + ("）" if ctx.zh else ")")
        rows.append([i, ctx.time(e["at"], zone=False), e["operator"], what, e["stage"] or t["round_level"],
                     _details(e["details"]), files, e.get("hash", "")])
    headers = [t["rec.no"], t["rec.at"], t["rec.by"], t["rec.what"], t["rec.stage"], t["rec.details"],
               t["rec.files"], t["rec.hash"]]
    sections.append(Section(t["rec.appendix"], [], headers, rows))
    return Document("record", ctx.round.locale, t["record.title"], ctx.meta(), sections)


# The log's commands as a 纪实 names them (the appendix keeps the details as recorded).
RECORD_WORDS = {
    "init": "建立选拔工作", "tally": "计票", "tally refused": "计票被拒（不足法定人数等）", "cut": "锁定名单",
    "reopen cut": "重新开启名单", "certify": "签署计票结果", "revoke certificate": "撤销计票签署",
    "inspect": "录入考察材料", "withdraw batch": "撤回选票批次", "withdraw file": "撤回考察文件",
    "withdraw finding": "撤回鉴定意见", "notice open": "发布公示", "complaint": "受理反映",
    "complaint resolved": "反映核查结论", "withdraw complaint": "撤回反映", "notice close": "公示结束",
    "export": "导出文件", "audit sample": "抽样核对", "audit compare": "人工核对比对",
    "settle concern": "关注事项研究决定", "sitting": "讨论决定会议记录",
}
def _method(view: dict) -> str:
    """How a ballot stage was recorded: its talks' counts, totals counted at the meeting, or papers."""
    if view.get("method") == "talk":
        return "method.talks"
    return "method.totals" if view.get("source") == "totals" else "method.papers"
CHINESE_NUMBERS = "一二三四五六七八九十"


def _ordinal(i: int, zh: bool) -> str:
    if not zh:
        return f"{i}."
    if i <= 10:
        return CHINESE_NUMBERS[i - 1] + "、"
    tens, ones = divmod(i, 10)
    return (CHINESE_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "") + "、"


def _record_stage(ctx: _Context, i: int, stage: Stage, view: dict | None, events: list[dict]) -> Section:
    """One stage of the 纪实: what happened, when, by whom, with what result and why."""
    t = ctx.t
    sub = _Context(ctx.round, stage, view or {"posts": [], "kind": stage.kind}, "")
    sub.date = ctx.date
    heading = f"{_ordinal(i, ctx.zh)}{stage.title}（{stage.id}）" if ctx.zh else f"{i}. {stage.title} ({stage.id})"
    work = [e for e in events if e["command"] != "export"]
    lines = []
    if not work or view is None:
        lines.append(t["rec.nothing"])
        return Section(heading, lines)
    # a 讨论决定's dates are its sittings' (as its decision sheet gives them), not the days it was keyed in
    days = sorted({s["date"] for s in view.get("sittings") or ()} or {_beijing_iso(e["at"]) for e in work})
    dates = chinese_date(days[0], ctx.round.locale) + (
        ("至" if ctx.zh else " to ") + chinese_date(days[-1], ctx.round.locale) if len(days) > 1 else "")
    lines.append(t["rec.date"].format(dates=dates))
    att = view.get("attendance")
    if stage.takes_ballots:
        method = t[_method(view)]
        lines.append(t["rec.body"].format(body=stage.title, entitled=stage.entitled))
        if att:
            paper = t["paper.recommend" if stage.kind == "recommend" else "paper.vote"]
            lines.append(t["rec.attendance"].format(
                entitled=att.get("electorate", att.get("members")), present=att["present"], paper=paper,
                issued=att["issued"], returned=att.get("returned", 0)))
        lines.append(t["rec.method"].format(method=method))
    elif stage.kind == "inspect":
        method = "method.inspect" if stage.evaluation else "method.findings"  # no 民主测评 where there was none
        lines.append(t["rec.method"].format(method=t[method].format(checks="、".join(stage.checks))))
    elif view.get("sittings"):  # 讨论决定: each sitting's date, attendance and method, as on the decision sheet
        lines += [f"{label}{'：' if ctx.zh else ': '}{value}" for label, value in sub.sitting_meta()]
    else:
        notice = view.get("notice") or {}
        if notice.get("start"):
            lines.append(t["rec.period"].format(start=chinese_date(notice["start"], ctx.round.locale),
                                                end=chinese_date(notice.get("end") or "", ctx.round.locale)))
        for c in notice.get("complaints") or ():
            lines.append(t["rec.complaint"].format(
                number=c["number"], name=c.get("name") or c["candidate"],
                summary=(c.get("summary") or "") + (t["rec.late"].format(
                    received=chinese_date(c["received"], ctx.round.locale)) if c.get("late") else ""),
                outcome=t.get("outcome." + str(c.get("outcome")), c.get("outcome") or t["outcome.open"]),
                note=c.get("note") or ""))
    rows, notes = [], []
    chooses = not (stage.takes_ballots and stage.cut is None)  # without a cut the whole list goes on
    for post in view.get("posts", ()):
        row: list[Cell] = [post["title"], post["seats"], _record_results(sub, stage, post)]
        if chooses:
            row.append(sub.names(post.get("advanced") or ()) if post.get("advanced") is not None else t["rec.open"])
        rows.append(row)
        notes += [f"{post['title']}：{n}" if ctx.zh else f"{post['title']}: {n}" for n in sub.decision_notes(post)]
    for c in view.get("corrections", ()):
        notes.append(t["corrected"] + ("：" if ctx.zh else ": ") + t["corrected.line"].format(
            date=chinese_date(_beijing_iso(c.get("at")), ctx.round.locale) if c.get("at") else "",
            what=correction_text(c, ctx.round.locale), reason=c.get("reason") or "", by=c.get("by") or ""))
    signed = view.get("certified_by")
    if signed:
        notes.append(t["rec.certified"].format(
            at=ctx.time(view.get("certified_at")), tellers="、".join(signed["tellers"]),
            scrutineers="、".join(signed["scrutineers"])))
    cuts = [e for e in work if e["command"] == "cut"]
    last = work[-1]
    if cuts:
        notes.append(t["rec.locked"].format(at=ctx.time(cuts[-1]["at"]), hash=cuts[-1].get("hash", "")))
    notes.append(t["rec.last"].format(n=len(work), hash=last.get("hash", "")))
    exported = len(events) - len(work)
    if exported:
        notes.append(t["rec.exports"].format(n=exported))
    headers = [t["rec.post"], t["rec.seats"], t["rec.results"]] + ([t["rec.chosen"]] if chooses else [])
    return Section(heading, lines, headers if rows else [], rows, notes)


def _record_results(ctx: _Context, stage: Stage, post: dict) -> str:
    """A post's results on one line: votes (同意 on an approve paper), or the inspection's verdicts."""
    sep = "、" if ctx.zh else ", "
    t = ctx.t
    out = []
    for r in post.get("results", ()):
        if stage.kind == "inspect":
            state = t["rec.struck"] if r.get("struck") else t["rec.passed"] if r.get("passed") else ""
            out.append(f"{r['name']}{('（' + state + '）') if state and ctx.zh else (' (' + state + ')') if state else ''}")
        elif stage.kind == "notice":
            outcome = r.get("outcome")
            later = ctx.round.stages[ctx.round.stage_index(stage.id) + 1:]
            if outcome == "confirmed" and any(s.kind != "notice" for s in later):
                outcome = "cleared"  # a 考察对象公示 without objection appoints nobody: 公示无异议, not 确认任用
            out.append(f"{r['name']}（{t.get('outcome.' + str(outcome), outcome or '')}）"
                       if ctx.zh else f"{r['name']} ({t.get('outcome.' + str(outcome), outcome or '')})")
        else:
            n = r.get("yes") if stage.approve else r.get("votes")
            out.append(t["rec.votes"].format(name=r["name"], n=n))
    return sep.join(out)


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
