"""An examiner's side of a case: accounts, the audit log, grades and duplicate groups.

:class:`ReviewStore` gathers the parts, one module per aggregate:
:mod:`.accounts_store` (accounts, the audit log), :mod:`.grade_store` (grades,
their history, part grades) and :mod:`.group_store` (duplicate groups).
"""

from __future__ import annotations

from triage_app.storage.accounts_store import AccountStore, AuditStore
from triage_app.storage.grade_store import CurrentGrade, GradeStore, GradeWrite
from triage_app.storage.group_store import GroupStore

__all__ = ["CurrentGrade", "GradeWrite", "ReviewStore"]


class ReviewStore(AuditStore, AccountStore, GradeStore, GroupStore):
    """Accounts, audit, grades and groups of one open case."""
