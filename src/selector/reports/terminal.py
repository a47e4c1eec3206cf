"""Screens for people at a terminal, drawn from the views the stage handlers build.

A ballot stage's screen (`stage`, `tally`) and the status go through a `screen.Printer`,
which needs Rich only for what it cannot lay out itself; the other stage kinds' screens
(`reports.stage_terminal`) and the list of rounds are drawn by Rich."""

from __future__ import annotations

import unicodedata
from fractions import Fraction
from functools import lru_cache

from selector.reports.screen import Lines, Printer, Ranking, width

from selector.i18n import N_, _, ngettext
from selector.reports.common import (
    STATUS_COLUMNS, correction_line, decision_note, eligibility_lines, names_text, pass_line_text, people,
    reason_text, state_word, status_screen, status_word, vote_line, when,
)
from selector.reports.numbers import pct

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from rich.console import Console

    from selector.views import PostView, StageView


def shown(text: str) -> str:
    """Text with its invisible characters written out (\\u200b), so a clerk can see them."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cf" or not c.isprintable() else c
                   for c in text)


def share_text(share: str, part=None, whole=None) -> str:
    """"79.07% (34/43)": the percentage, then the votes over the valid ballots as counted
    (unreduced); a share of 0 or 1 with nothing to show is the percentage alone."""
    if part is None or whole is None:
        return f"{pct(share)} ({share})" if "/" in share else pct(share)
    return f"{pct(share)} ({part}/{whole})"


BAR_WIDTH = 12


def bar(part: Fraction, mark: Fraction | None = None, width: int = BAR_WIDTH) -> str:
    """A horizontal bar for `part` (0..1) of `width` cells, rounded exactly; `mark` (0..1)
    inserts the pass line between cells, so a bar reaching past it has crossed it."""
    filled = min(width, round(Fraction(part) * width))
    text = "█" * filled + "·" * (width - filled)
    if mark is not None:
        at = min(width, round(Fraction(mark) * width))
        text = text[:at] + "┃" + text[at:]
    return text


@lru_cache(maxsize=4096)  # a round draws the same few hundred bars over and over
def _share_bar(share: str) -> str:
    return bar(Fraction(share))


@lru_cache(maxsize=4096)
def _pass_bar(yes: int, votes: int, of: int) -> str:
    return bar(Fraction(yes, of), Fraction(votes, of))


def stage(out: Printer, view: StageView) -> None:
    """A stage's tally, ranking and cut, post by post, with the cut line drawn."""
    if view["kind"] in ("inspect", "notice", "decide"):  # one renderer per stage kind; ballot stages are drawn here
        from selector.reports import stage_terminal

        renderer = getattr(stage_terminal, view["kind"])
        return out.rich(lambda console: renderer(console, view))
    att = view.get("attendance")
    head = f"{view['round']} · {view['stage']} {view['title']} · {state_word(view['state'])}"
    if view.get("certified"):
        head += " · " + _("certified")
    out.print(head, "bold")
    if view.get("certified_by"):
        signed = view["certified_by"]
        out.print(_("certified {at} · tellers (计票人) {tellers} · scrutineers (监票人) {scrutineers}").format(
            at=when(view["certified_at"]), tellers=names_text(signed["tellers"]),
            scrutineers=names_text(signed["scrutineers"])))
    for c in view.get("corrections", ()):
        out.print(correction_line(c))
    lines = eligibility_lines(view.get("eligibility"))
    if lines:
        out.print("\n".join(lines))
    if len(view.get("stage_batches") or ()) > 1:  # one batch needs no number to be told apart
        out.print(_("batches: {batches}").format(batches=" · ".join(
            f"{b['batch']} {b['file']} ({b['ballots']})" + (" " + _("withdrawn") if b["withdrawn"] else "")
            for b in view["stage_batches"])))
    if view.get("method") == "talk" or view.get("source") == "totals":
        out.print(_counts_head(view))
    if att and view.get("method") == "talk":  # 应谈/实谈 per category stand for the attendance
        out.print(_talks(view))
    elif att:
        who = "electorate" if "electorate" in att else "members"
        entitled = (_("electorate {n}") if who == "electorate" else _("members {n}")).format(n=att[who])
        if att["present"] is None:
            out.print(_("{entitled} · attendance not given yet (with the first batch)").format(entitled=entitled))
        else:
            out.print(_("{entitled} · present {present} · issued {issued} · returned {returned}").format(
                entitled=entitled, present=att["present"], issued=att["issued"], returned=att["returned"]))
    if view.get("void_papers"):
        out.print(_lines([_("void paper {ballot}: {reason}").format(ballot=v["ballot"], reason=reason_text(v["reason"]))
                          for v in view["void_papers"]]))
    for post in view["posts"]:  # a table and a few lines per post: laid out by the printer, as Rich would
        _post(out, view, post)
        out.flush(done=False)
    out.flush()


def _counts_head(view: StageView) -> str:
    """How a stage recorded from counts was recorded: a talk's counts, or the meeting's totals."""
    totals = view.get("totals")
    line = (_("谈话调研推荐 (talk recommendation): counts of those talked to, no ballot papers")
            if view.get("method") == "talk" else
            _("recorded from the totals counted at the meeting: no ballot papers to recount"))
    if totals:
        line += " · " + _("counts file {file} · sha256 {sha}").format(file=totals["file"],
                                                                     sha=totals["sha256"][:12] + "…")
    return line


def _talks(view: StageView) -> str:
    """应谈/实谈, in all and per category."""
    talks = view["talks"]
    talked = [t["talked"] for t in talks]
    total = _("to be talked to (应谈) {expected} · talked to (实谈) {talked}").format(
        expected=sum(t["expected"] for t in talks),
        talked=sum(talked) if None not in talked else _("not recorded yet"))
    if len(talks) > 1 or talks[0]["category"] is not None:
        total += " · " + " · ".join(f"{t['category']} {t['talked'] if t['talked'] is not None else '-'}/"
                                    f"{t['expected']}" for t in talks)
    return total


def _lines(lines: list[str], indent: str = "  ") -> Lines:
    """Many lines printed at once (a long list of ballots is one print, not one each)."""
    return Lines([indent + line for line in lines])


def _post(out: Printer, view: StageView, post: PostView) -> None:
    ballots = post.get("ballots")
    title = _("{post} {title} · seats {seats}").format(post=post["post"], title=post["title"], seats=post["seats"])
    if "k" in post:
        title += " · " + _("cut {k}").format(k=post["k"])
    out.print()
    out.print(title, "bold")
    if ballots and view.get("method") == "talk":
        top = post.get("concentration")
        line = _("talked to (实谈) {valid} · named nobody {blank}").format(valid=ballots["valid"],
                                                                         blank=ballots["blank"])
        if top:
            line += " · " + _("concentration (集中度) {share} ({name})").format(share=pct(top["share"]),
                                                                               name=top["name"])
        out.print(line)
    elif ballots and view.get("source") == "totals":  # no papers: no invalid marks to speak of
        out.print(_("valid {valid} · void {void} · blank {blank}").format(
            valid=ballots["valid"], void=ballots["void"], blank=ballots["blank"]))
    elif ballots:
        out.print(_("valid {valid} · void {void} · blank {blank} · invalid marks {invalid}").format(
            valid=ballots["valid"], void=ballots["void"], blank=ballots["blank"], invalid=post["invalid_marks"]))
    if post.get("placed_by_list"):
        out.print(ngettext(
            "{n} mark placed by the list (a name two roster people share, one of them listed)",
            "{n} marks placed by the list (a name two roster people share, one of them listed)",
            post["placed_by_list"]).format(n=post["placed_by_list"]))
    if "pass_line" in post:
        pl = post["pass_line"]
        out.print(pass_line_text(pl))
    results = post["results"]
    if not results:
        out.print(_("no votes"))
    else:
        out.print(_ranking(out.width, view, post, results))
    # a stage of many batches lists thousands: each reason worded once
    line, reasons = _("invalid mark on ballot {ballot}: {text} ({reason})").format, {}
    listed = [line(ballot=m["ballot"], text=m["text"], reason=reasons.get(m["reason"]) or
                   reasons.setdefault(m["reason"], reason_text(m["reason"])))
              for m in post.get("invalid_mark_list") or ()]
    listed += [_("void on ballot {ballot}: {reason}").format(ballot=v["ballot"], reason=reason_text(v["reason"]))
               for v in post.get("void_list") or ()]
    if listed:
        out.print(_lines(listed))
    if post.get("invalid_marks_earlier"):  # a later batch's tally lists its own marks only
        out.print(ngettext(
            "and {n} invalid mark of earlier batches: selector show {stage} lists them all",
            "and {n} invalid marks of earlier batches: selector show {stage} lists them all",
            post["invalid_marks_earlier"]).format(n=post["invalid_marks_earlier"], stage=view["stage"]))
    status = post.get("status")
    note = status_word(status)
    names = {r["candidate"]: r["name"] for r in results}
    if post.get("advanced") is not None:
        note += " · " + _("advanced: {names}").format(names=people(post["advanced"], names) or _("nobody"))
    elif status is not None and view["kind"] in ("recommend", "vote") and "k" in post:
        note += " · " + _("not locked")
    if post.get("tie"):
        tie = post["tie"]
        note += " · " + _("tie at {share} among {names} for {slots}").format(
            share=pct(tie["score"]), names=people(tie["tied"], names), slots=tie["slots"])
    note += decision_note(post)
    for v in post.get("revotes") or ():  # 再次投票, one line per nominee and sitting
        out.print("  " + vote_line(v, view["kind"]))
    if post.get("pending"):
        note += " · " + _("goes to a re-vote (再次投票) of {names} for {slots}: selector sitting {stage} …").format(
            names=people(post["pending"]["ballot"], names), slots=post["pending"]["slots"], stage=view["stage"])
    if post.get("lot"):
        note += " · " + _("lot seed {seed!r} drew {names}").format(seed=post["lot"]["seed"],
                                                                  names=people(post["lot"]["drawn"], names))
        note += " " + _("(a local practice: ties = \"lot\" in the round file)")
    if note:
        style = "bold red" if status in ("tied", "short", "unfilled") else None
        out.print(note, style)


def _ranking(room: int, view: dict, post: dict, results: list[dict]):
    """The post's ranking as a table with bars; where the terminal is too narrow, without the
    bars, then with one space between columns, then one line per person (stacked)."""
    for bars, pad in ((True, 1), (False, 1), (False, 0)):
        columns, rows, cut_at = _cells(view, post, results, bars)
        lens = [[width(c) for c in cells] for cells in [[c[0] for c in columns], *(r[0] for r in rows)]]
        widths = [max(column) for column in zip(*lens)]
        if sum(widths) + (1 + 2 * pad) * (len(widths) - 1) + 2 <= room:
            return Ranking(columns, rows, cut_at, pad, lens)
    return _Stacked(room, [c[0] for c in columns], rows, cut_at)


class _Stacked:
    """A ranking too wide for the terminal: the person on one line, every figure on the next,
    the cut line a dashed rule (drawn by Rich)."""

    def __init__(self, room: int, titles: list[str], rows: list, cut_at: int | None):
        self.room, self.titles, self.rows, self.cut_at = room, titles, rows, cut_at

    def __rich__(self):
        from rich.text import Text

        out, titles = Text(), self.titles
        for i, (cells, style) in enumerate(self.rows):
            if i == self.cut_at:
                out.append("┄" * min(self.room, 40) + "\n")
            person = " ".join(c for c in cells[:3] if c)
            figures = " · ".join(f"{t} {c}" if t else c for t, c in zip(titles[3:-1], cells[3:-1]) if c)
            out.append(f"{person}  {cells[-1]}".rstrip() + "\n    " + figures + "\n", style=style)
        return out


def _cells(view: dict, post: dict, results: list[dict], bars: bool):
    """The ranking's columns (title, justify, overflow: None for no wrap), its rows (cells,
    style) and the row before which the cut line is drawn (None: no line)."""
    approve = any(r["no"] is not None for r in results)
    ranked = "rank" in results[0]
    scored = ranked and any(r["score"] != r["share"] for r in results)  # scored over several stages
    weighted = "weighted" in results[0]
    ballots = post.get("ballots") or {}
    valid = ballots.get("weighted_valid") if weighted else ballots.get("valid")
    columns = []
    if ranked:
        columns.append((_("rank"), "right", None))
    columns += [(_("id"), "left", None), (_("name"), "left", None)]  # never squeeze the name
    if approve:
        columns += [(_(col), "right", None) for col in (N_("yes"), N_("no"), N_("abstain"), N_("invalid"))]
    else:
        columns.append((_("votes"), "right", None))
    columns.append((_("share"), "right", None))
    if scored:
        columns.append((_("score"), "right", None))
    if "pass_line" in post:
        columns.append((_("pass"), "left", "fold"))
    if bars:
        columns.append(("", "left", None))  # the bar: share, or yes votes of the pass base
    columns.append(("", "left", "fold"))
    advanced = set(post.get("advanced") or ())
    k = post.get("k")
    eligible_seen, cut_at, rows = 0, None, []
    for r in results:
        if ranked and k is not None and r.get("eligible") and eligible_seen == k and not r.get("tied"):
            cut_at, k = len(rows), None  # draw the cut line once
        if ranked and r.get("eligible"):
            eligible_seen += 1
        cells = [str(r["rank"])] if ranked else []
        cells += [r["candidate"], r["name"]]
        if approve:
            cells += [str(r["yes"]), str(r["no"]), str(r["abstain"]), str(r["invalid"])]
        else:
            cells.append(str(r["votes"]))
        cells.append(share_text(r["share"], r["weighted"] if weighted else r["votes"], valid))
        if scored:
            cells.append(pct(r["score"]))
        if "pass_line" in post:
            cells.append(_("passed") if r["passed"] else _("needs {n} more").format(n=r["needs"]))
        if bars:
            pl = post.get("pass_line")
            if pl and pl["of"]:
                cells.append(_pass_bar(r["yes"], pl["votes"], pl["of"]))
            else:
                cells.append(_share_bar(r["share"]))
        mark = "✓" if r["candidate"] in advanced else ("＝ " + _("tied") if r.get("tied") else "")
        if ranked and not r.get("eligible"):
            mark = mark or _("not eligible")
        cells.append(mark)
        rows.append((cells, "yellow" if r.get("tied") else None))
    return columns, rows, cut_at


def tally(out: Printer, view: StageView, result) -> None:
    """What a tally read, then the stage as it stands."""
    line = (_("checked (dry run, nothing stored): {file} · {ballots} ballots · {rows} rows · {encoding} · sha256 {sha}")
            if result.dry_run else
            _("recorded: {file} · {ballots} ballots · {rows} rows · {encoding} · sha256 {sha}"))
    if any(b.get("source") == "totals" for b in result.batches):
        line = (_("checked (dry run, nothing stored): totals {file} · {ballots} returned · {rows} rows · {encoding} · "
                  "sha256 {sha}") if result.dry_run else
                _("recorded from totals: {file} · {ballots} returned · {rows} rows · {encoding} · sha256 {sha}"))
    for b in result.batches:
        out.print(line.format(file=b["file"], ballots=b["ballots"], rows=b["rows"], encoding=b["encoding"],
                              sha=b["sha256"][:12] + "…"))
        if b.get("cleaned"):
            cells = "; ".join(_("row {row}, column {column} ({heading}) ballot {ballot} {text}").format(
                row=c["row"], column=c["column"], heading=c["heading"], ballot=c["ballot"],
                text=shown(c["text"])) for c in b["cleaned"]["first"])
            more = b["cleaned"]["cells"] - len(b["cleaned"]["first"])
            out.print(_("note: {file}: {n} cells held invisible characters (zero-width spaces, direction "
                        "marks…), removed before counting: {cells}").format(
                file=b["file"], n=b["cleaned"]["cells"], cells=cells)
                + (_(" and {n} more").format(n=more) if more > 0 else ""), "yellow")
    stage(out, view)


def status(out: Printer, round_title: str, round_id: str, rows: list[dict], found: dict | None = None) -> None:
    """The pipeline of the round: each stage's state and counts, and the next step."""
    out.print(f"{round_id} · {round_title}", "bold")
    lines = eligibility_lines(found)
    if lines:
        out.print("\n".join(lines))
    cells, appointees, (last, bold) = status_screen(rows)
    columns = [(_(title), "right" if right else "left", None) for title, right in STATUS_COLUMNS]
    columns[-1] = (columns[-1][0], "left", "fold")  # the title: folded, the rest never squeezed
    out.print(Ranking(columns, [(row, None) for row in cells], None, 1, squeezed="ellipsis"))
    # appointees: one print, each line wraps on its own, as printed one by one
    if appointees:
        out.print("\n".join(appointees))
    out.print(last, "bold" if bold else None)


def rounds(console: Console, rows: list[dict]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in (N_("round"), N_("title"), N_("state"), N_("stored"), N_("last change")):
        table.add_column(_(col), overflow="fold")
    for r in rows:
        state = (_("complete") if r["locked"] == r["stages"] else
                 _("{locked}/{stages} stages locked").format(locked=r["locked"], stages=r["stages"]))
        table.add_row(r["id"], Text(r["title"]), state, r["at"][:10], (r["last"] or "")[:19])
    console.print(table)
