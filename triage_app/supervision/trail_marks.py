"""How the supervisor's review marks audit entries (Qt-free; the GUI paints these).

The GUI never reads the audit chain itself: it gets :class:`AuditRow` values
from :func:`triage_app.supervision.audit_view.load_review` and asks here which
to emphasise and which to flag.
"""

from __future__ import annotations

from triage_app import audit
from triage_app.audit import AuditRow

__all__ = ["EMPHASISED_ACTIONS", "AuditRow", "is_flagged"]

#: Actions shown in bold: the milestones of supervision.
EMPHASISED_ACTIONS = (audit.SIGN_OFF, audit.QA_SAMPLE, audit.QA_ADJUDICATED)


def is_flagged(row: AuditRow) -> bool:
    """Entries a supervisor should not miss: refusals and changes after sign-off."""
    return row.action == audit.SIGN_IN_REFUSED or '"changed_after_sign_off"' in row.payload
