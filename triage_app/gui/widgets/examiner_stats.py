"""The supervisor view's statistics: per-account counts and the grading rate, as two tabs."""

from __future__ import annotations

from triage_app.gui.qt import QTabWidget, QWidget
from triage_app.gui.widgets.tables import fill_table, read_only_table
from triage_app.supervision.audit_view import SOURCE_KINDS, ExaminerStats

STATS_COLUMNS = ("Account", "Role", "Items graded", "Manual", "Confirmed", "Hash list",
                 "Propagated", "Amended", "Undone", "Reveals", "Seconds unblurred",
                 "QA second grades")  # fmt: skip
RATE_COLUMNS = ("Account", "Period (UTC)", "Grading entries", "By hand")


def stats_row(s: ExaminerStats) -> list[object]:
    """One account's figures, in the order of :data:`STATS_COLUMNS`."""
    return [s.account, s.role or "", s.graded_items, *(s.by_source.get(k, 0) for k in SOURCE_KINDS),
            s.amended, s.undone, s.reveals, f"{s.reveal_seconds:.1f}",
            s.qa_second_grades]  # fmt: skip


class ExaminerStatsTabs(QTabWidget):
    """Per-examiner statistics and the grading rate per period, for the filter in force."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats = read_only_table(STATS_COLUMNS, "Per-examiner statistics", stretch=0)
        self.rate = read_only_table(RATE_COLUMNS, "Grading rate", stretch=0)
        self.addTab(self.stats, "&Examiners")
        self.addTab(self.rate, "Grading &rate")

    def show_stats(self, stats: list[ExaminerStats]) -> None:
        """Show these accounts' figures and their grading rate."""
        fill_table(self.stats, map(stats_row, stats), lambda column: column >= 2)
        rates = [(s.account, r["period"], r["graded"], r["by_hand"]) for s in stats for r in s.rate]
        fill_table(self.rate, rates)
