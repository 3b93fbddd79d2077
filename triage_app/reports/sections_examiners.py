"""The report's sections about people and time: examiners and dates, changes after sign-off."""

from __future__ import annotations

from triage_app.reports.html_blocks import Section, e, grid, num, td, tr, when
from triage_app.reports.model import ReportData

ACCOUNT_COLUMNS = ("Account", "Role", "Active", "Grades held", "First grade held (UTC)",
                   "Last grade held (UTC)")  # fmt: skip


def people_section(data: ReportData) -> Section:
    """4. Examiners and dates: the accounts, the grades they hold, the case's timeline."""
    rows = [
        tr(
            [
                td(e(a.label)),
                td(e(a.role)),
                td("yes" if a.active else "no"),
                td(num(a.grades_held), right=True),
                td(when(a.first_graded)),
                td(when(a.last_graded)),
            ]
        )
        for a in data.accounts
    ]
    body = [
        grid(ACCOUNT_COLUMNS, rows, [30, 12, 8, 12, 19, 19]),
        '<p class="note">Grades held: the current grades recorded under the account. Every '
        "grade and every change of grade, with who, when and why, is in the audit trail.</p>",
        "<h3>Dates</h3>",
    ]
    rows = [tr([td(when(stamp)), td(e(what))]) for stamp, what in sorted(_events(data))]
    body.append(grid(["Date and time (UTC)", "Event"], rows, [24, 76]))
    if not data.sign_offs:
        body.append("<p>No supervisor sign-off was recorded before this report.</p>")
    return Section("Examiners and dates", "".join(body))


def _events(data: ReportData) -> list[tuple[str, str]]:
    events: list[tuple[str, str]] = [(data.case_created_at, "case opened")]
    for ex in data.exhibits:
        for r in ex.runs:
            events.append((r.started_at, f"ingest of exhibit {ex.reference} started (run {r.id})"))
            if r.finished_at:
                events.append((r.finished_at, f"ingest of exhibit {ex.reference} ended: {r.state}"))
    for m in data.match_runs:
        events.append((m.finished_at or m.started_at, f"matched against hash sets (run {m.id})"))
    for s in data.sign_offs:
        events.append((s.time_utc, f"sign-off by {s.user} ({s.object}), audit entry {s.seq}"))
    graded_times = sorted(i.graded_at for i in data.items if i.graded_at)
    if graded_times:
        events.append((graded_times[0], "earliest grade held"))
        events.append((graded_times[-1], "latest grade held"))
    events.append((data.generated_at, f"this report produced by {data.generated_by}"))
    return events


def after_sign_off_section(data: ReportData) -> Section:
    """7. Changes after sign-off: every grade changed after a sign-off that covered it."""
    changes = data.changes_after_sign_off
    if not changes:
        return Section(
            "Changes after sign-off",
            "<p>No grade was changed after a supervisor's sign-off.</p>"
            if data.sign_offs
            else "<p>Nothing has been signed off, so no change can follow a sign-off.</p>",
        )
    n = len({c.item_id for c in changes})
    body = [
        f"<p>{num(n)} {'item' if n == 1 else 'items'} had a grade changed after a sign-off "
        f"that covered {'it' if n == 1 else 'them'}; each change needed a reason. Graded items "
        "so changed are marked "
        "<i>changed after sign-off</i> in the listing. Times in UTC.</p>"
    ]
    rows = [
        tr(
            [
                td(str(c.item_id), right=True),
                td(e(c.exhibit) + "<br>" + e(c.path)),
                td(f"{e(c.old_category or 'none')} ({e(c.old_source or '-')})"),
                td(f"<b>{e(c.new_category or 'none')}</b> ({e(c.new_source or '-')})"),
                td(f"{e(c.user)}<br>{when(c.time_utc)}<br>audit entry {e(c.audit_seq)}"),
                td(e(c.reason)),
                td(
                    f"{e(c.sign_off_object)} by {e(c.sign_off_by)}<br>{when(c.sign_off_time)}"
                    f"<br>audit entry {e(c.sign_off_seq)}"
                ),
            ]
        )
        for c in changes
    ]
    body.append(
        grid(
            ["Item", "Exhibit and path", "Before", "After", "Changed by, when", "Reason",
             "Signed off"],
            rows,
            [6, 22, 11, 11, 17, 15, 18],
        )
    )  # fmt: skip
    return Section("Changes after sign-off", "".join(body))
