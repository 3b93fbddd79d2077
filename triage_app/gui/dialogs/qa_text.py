"""What the QA panel shows of rounds and reports, as table rows and rich text (Qt-free)."""

from __future__ import annotations

import html

from triage_app.supervision.qa import Adjudication, QaReport, RoundRow, SampleDraw

ROUND_COLUMNS = ("Round", "Drawn (UTC)", "Examiner", "Second grader", "Exhibit", "Sample",
                 "Seed", "Graded", "Adjudicated")  # fmt: skip
#: Columns of the round table shown right-aligned (numbers).
ROUND_NUMBERS = frozenset({0, 5, 6, 7, 8})
CATEGORY_COLUMNS = ("Category", "First", "Second", "Agreed", "Agreement", "Specific")
QUEUE_COLUMNS = ("Item", "First grade", "Second grade", "Grade now", "Final", "Reason")


def pct(value: float | None) -> str:
    """A fraction as a percentage with one decimal ("-" when undefined)."""
    return "-" if value is None else f"{100 * value:.1f}%"


def round_row(r: RoundRow) -> tuple[object, ...]:
    """A round as a row of the round table."""
    return (r.id, r.created_at[:19].replace("T", " "), r.examiner, r.second_grader,
            r.exhibit or "all", r.items, str(r.seed), f"{r.graded} of {r.items}",
            r.adjudicated)  # fmt: skip


def category_rows(report: QaReport) -> list[tuple[object, ...]]:
    """Agreement per category, for the categories either grader used."""
    return [
        (c.category, c.first, c.second, c.agreed, pct(c.agreement), pct(c.specific))
        for c in report.agreement.per_category
        if c.first or c.second
    ]


def queue_rows(report: QaReport) -> list[tuple[object, ...]]:
    """The disagreements, as rows of the adjudication queue."""
    return [
        (d.item_id, f"{d.pair.first_category} ({d.pair.first_source}, {d.pair.first_user})",
         d.second_category, d.current_category or "-", d.final_category or "OPEN",
         d.pair.adjudication_reason or "")
        for d in report.disagreements
    ]  # fmt: skip


def report_html(report: QaReport) -> str:
    """A round's agreement, kappa and disagreements in a few lines of rich text."""
    r, a = report.round, report.agreement
    kappa = "undefined" if a.kappa is None else f"{float(a.kappa):.3f}"
    observed = "-" if a.observed is None else f"{100 * float(a.observed):.1f}%"
    state = "" if report.complete else " <b>Not complete: the figures are provisional.</b>"
    return (
        f"<b>Round {r.id}</b>: {html.escape(r.examiner)}'s manual grades, second grader "
        f"{html.escape(r.second_grader)}; {r.graded} of {r.items} second-graded.{state}<br>"
        f"Agreement <b>{a.agreed} of {a.n}</b> ({observed}); Cohen's kappa <b>{kappa}</b>; "
        f"disagreements {len(report.disagreements)} ({report.open_disagreements} open). "
        f"Seed {r.seed}; population {r.population} grades as of audit entry {r.head_seq}."
    )


def drawn_text(result: SampleDraw) -> str:
    """One line about a sample just drawn."""
    per = ", ".join(f"{c} {n}" for c, n in result.drawn_per_category.items())
    return (
        f"Round {result.round_id}: {len(result.items)} of {result.population} manual grades "
        f"({per}), seed {result.seed}. {result.second_grader} grades them blind."
    )


def adjudicated_text(result: Adjudication) -> str:
    """One line about a final grade just recorded."""
    change = (
        f"grade amended (audit entry {result.grade_audit_seq})"
        if result.grade_changed
        else "the item already had this grade"
    )
    return f"Item {result.item_id}: final grade {result.category}; {change}."
