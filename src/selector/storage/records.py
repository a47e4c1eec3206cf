"""Storage for the non-ballot stages: inspection files, findings, 民主测评, notices, complaints.

A mixin of `Store` (its methods use the connection and the row helpers), so the database
has one API; callers hold `store.write()` around every write.
"""

from __future__ import annotations

import json
from datetime import date

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:  # (imported where used: a tally needs neither)
    from selector.domain.inspection import EvaluationPaper, Finding, Grades, Settlement
    from selector.domain.notice import Complaint


class StageRecords:
    """Inspection files, findings, 民主测评, notices and complaints."""

    # -- inspection ---------------------------------------------------------------------------
    def inspection_files(self, round_id: str, stage_id: str, withdrawn: bool = False) -> list[dict]:
        """The stage's live inspection files in order; with `withdrawn`, every one ever recorded."""
        return self.select("inspection_files", "round = ? AND stage = ?"
                           + ("" if withdrawn else " AND withdrawn IS NULL"), [round_id, stage_id], "id")

    def drop_file_records(self, round_id: str, stage_id: str, file_id: int) -> None:
        """What a withdrawn inspection file said stops counting: its findings and 民主测评 papers
        (its raw rows stay stored, and say what they were)."""
        key = [round_id, stage_id, file_id]
        self.conn.execute("DELETE FROM findings WHERE round = ? AND stage = ? AND file = ?", key)
        self.conn.execute("DELETE FROM evaluation_grades WHERE round = ? AND stage = ? AND ballot IN "
                          "(SELECT ballot FROM evaluation_papers WHERE round = ? AND stage = ? AND file = ?)",
                          [round_id, stage_id, *key])
        self.conn.execute("DELETE FROM evaluation_papers WHERE round = ? AND stage = ? AND file = ?", key)

    def drop_finding(self, round_id: str, stage_id: str, candidate: str, check: str) -> None:
        """A withdrawn or replaced finding stops counting (its file's raw rows keep it)."""
        self.conn.execute("DELETE FROM findings WHERE round = ? AND stage = ? AND candidate = ? AND check_name = ?",
                          [round_id, stage_id, candidate, check])

    def add_inspection_file(self, row: dict) -> int:
        return self.insert("inspection_files", {**row, "at": self.stamp()})

    def set_inspection_event(self, files: list[int], event: int) -> None:
        """The inspect event that recorded these files."""
        for file_id in files:
            self.update("inspection_files", {"id": file_id}, {"event": event})

    def findings(self, round_id: str, stage_id: str) -> dict[str, dict[str, Finding]]:
        """candidate -> check -> finding."""
        from selector.domain.inspection import Finding

        out: dict[str, dict[str, Finding]] = {}
        for r in self.conn.execute(
                "SELECT f.candidate, f.check_name, f.verdict, f.note, i.file, f.line FROM findings f "
                "JOIN inspection_files i ON i.id = f.file WHERE f.round = ? AND f.stage = ? "
                "ORDER BY f.file, f.line", [round_id, stage_id]):
            out.setdefault(r[0], {})[r[1]] = Finding(r[0], r[1], r[2], r[3] or "", f"{r[4]} row {r[5]}", r[5])
        return out

    @staticmethod
    def finding_rows(round_id: str, stage_id: str, file_id: int, items: list[Finding]) -> list[dict]:
        """The `findings` rows of one file (also what `audit verify` expects from its raw rows)."""
        return [{"round": round_id, "stage": stage_id, "candidate": f.candidate, "check_name": f.check,
                 "verdict": f.verdict, "note": f.note, "file": file_id, "line": f.line} for f in items]

    def add_findings(self, round_id: str, stage_id: str, file_id: int, items: list[Finding]) -> None:
        self.insert_all("findings", self.finding_rows(round_id, stage_id, file_id, items))

    def evaluation_numbers(self, round_id: str, stage_id: str, numbers: list[str]) -> dict[str, str]:
        """Which paper numbers are already stored for the stage, with their file."""
        found = {}
        for i in range(0, len(numbers), 500):
            part = numbers[i:i + 500]
            for ballot, file in self.conn.execute(
                    "SELECT p.ballot, i.file FROM evaluation_papers p JOIN inspection_files i ON i.id = p.file "
                    f"WHERE p.round = ? AND p.stage = ? AND p.ballot IN ({','.join('?' * len(part))})",
                    [round_id, stage_id, *part]):
                found[ballot] = file
        return found

    @staticmethod
    def evaluation_rows(round_id: str, stage_id: str, file_id: int,
                        papers: list[EvaluationPaper]) -> tuple[list[dict], list[dict]]:
        """The `evaluation_papers` and `evaluation_grades` rows of one file."""
        return ([{"round": round_id, "stage": stage_id, "ballot": p.number, "file": file_id, "void": p.void}
                 for p in papers],
                [{"round": round_id, "stage": stage_id, "ballot": p.number, "candidate": cid,
                  "grade": grade or "", "unclear": int(grade is None)}
                 for p in papers for cid, grade in p.grades.items()])

    def add_evaluation(self, round_id: str, stage_id: str, file_id: int,
                       papers: list[EvaluationPaper]) -> None:
        paper_rows, grade_rows = self.evaluation_rows(round_id, stage_id, file_id, papers)
        self.insert_all("evaluation_papers", paper_rows)
        self.insert_all("evaluation_grades", grade_rows)

    def grades(self, round_id: str, stage_id: str) -> dict[str, Grades]:
        """candidate -> 民主测评 counts over every paper that had a column for them."""
        from selector.domain.inspection import grade_counts

        return grade_counts(self.conn.execute(
            "SELECT g.candidate, g.grade, g.unclear, p.void FROM evaluation_grades g "
            "JOIN evaluation_papers p ON p.round = g.round AND p.stage = g.stage AND p.ballot = g.ballot "
            "WHERE g.round = ? AND g.stage = ?", [round_id, stage_id]))

    def settlements(self, round_id: str, stage_id: str) -> dict[str, Settlement]:
        """candidate -> the recorded decision on their concerns (the latest, should there be two)."""
        from selector.domain.inspection import Settlement

        return {r["candidate"]: Settlement(r["decision"], r["reason"], tuple(json.loads(r["concerns"])))
                for r in self.select("settlements", "round = ? AND stage = ?", [round_id, stage_id], "rowid")}

    def add_settlement(self, row: dict) -> None:
        self.insert("settlements", {**row, "at": self.stamp()})

    def evaluation_papers(self, round_id: str, stage_id: str) -> int:
        return self.conn.execute("SELECT count(*) FROM evaluation_papers WHERE round = ? AND stage = ?",
                                  [round_id, stage_id]).fetchone()[0]

    # -- notice ---------------------------------------------------------------------------------
    def notice(self, round_id: str, stage_id: str) -> dict | None:
        rows = self.select("notices", "round = ? AND stage = ?", [round_id, stage_id])
        return rows[0] if rows else None

    def open_notice(self, row: dict) -> None:
        self.insert("notices", {**row, "at": self.stamp()})

    def complaint_rows(self, round_id: str, stage_id: str) -> list[dict]:
        """Every complaint logged, withdrawn ones too (`withdrawn`: the event that withdrew it)."""
        return self.select("complaints", "round = ? AND stage = ?", [round_id, stage_id], "number")

    def complaints(self, round_id: str, stage_id: str) -> list[Complaint]:
        """The complaints that stand (a complaint withdrawn as entered in error does not)."""
        from selector.domain.notice import Complaint

        out = []
        for r in self.complaint_rows(round_id, stage_id):
            if r["withdrawn"] is not None:
                continue
            out.append(Complaint(r["number"], date.fromisoformat(r["received"]), r["candidate"],
                                 r["summary"], bool(r["named"]), r["outcome"], r["note"] or "",
                                 date.fromisoformat(r["until"]) if r["until"] else None))
        return out

    def add_complaint(self, round_id: str, stage_id: str, complaint: Complaint) -> None:
        self.insert("complaints", {
            "round": round_id, "stage": stage_id, "number": complaint.number,
            "received": complaint.received.isoformat(), "candidate": complaint.candidate,
            "summary": complaint.summary, "named": int(complaint.named), "outcome": None,
            "note": None, "until": None, "at": self.stamp(), "resolved_at": None})

    def appointments(self, round_id: str, stage_id: str) -> list[dict]:
        """The appointments a closed notice recorded (post, candidate, appointed, probation_until)."""
        return self.select("appointments", "round = ? AND stage = ?", [round_id, stage_id], "rowid",
                           ("post", "candidate", "appointed", "probation_until"))

    def add_appointments(self, round_id: str, stage_id: str, rows: list[dict]) -> None:
        at = self.stamp()
        self.insert_all("appointments", ({"round": round_id, "stage": stage_id, **r, "at": at} for r in rows))

    def resolve_complaint(self, round_id: str, stage_id: str, number: int, outcome: str,
                          note: str, until: date | None) -> None:
        self.update("complaints", {"round": round_id, "stage": stage_id, "number": number}, {
            "outcome": outcome, "note": note, "until": until.isoformat() if until else None,
            "resolved_at": self.stamp()})

    # -- sittings (讨论决定, 再次投票) --------------------------------------------------------------
    def sittings(self, round_id: str, stage_id: str) -> list[dict]:
        """The stage's sittings (a decide stage's, or a vote stage's re-votes), in order."""
        return self.select("sittings", "round = ? AND stage = ?", [round_id, stage_id], "number")

    def add_sitting(self, row: dict) -> None:
        self.insert("sittings", {**row, "at": self.stamp()})

    def set_sitting_event(self, round_id: str, stage_id: str, number: int, event: int) -> None:
        self.update("sittings", {"round": round_id, "stage": stage_id, "number": number}, {"event": event})
