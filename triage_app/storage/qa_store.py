"""Storage for supervision: QA rounds, blind second grades, adjudications and sign-offs.

Only the storage package talks SQL for supervision; :mod:`triage_app.supervision`
holds the rules. :class:`QaStore` gathers the parts, one module per aggregate:
:mod:`.qa_rounds` (the population and the rounds), :mod:`.qa_grades` (the
second grader's blind side and the supervisor's, see there for how blindness
is kept) and :mod:`.signoff_store` (sign-offs).

Every write appends its audit entry in the same transaction. Rows of the
append-only tables carry the sequence number of their audit entry, which is
taken inside the writer's transaction before the row is inserted (the
triggers forbid updating a row afterwards).
"""

from __future__ import annotations

from triage_app.storage.qa_grades import BlindRow, QaGradeStore, QaPair
from triage_app.storage.qa_rounds import HistoricGrade, QaRoundStore, QaStateError, RoundRow
from triage_app.storage.signoff_store import ChangeAfterSignOffRow, SignOffRow, SignOffStore

__all__ = [
    "BlindRow",
    "ChangeAfterSignOffRow",
    "HistoricGrade",
    "QaPair",
    "QaStateError",
    "QaStore",
    "RoundRow",
    "SignOffRow",
]


class QaStore(QaRoundStore, QaGradeStore, SignOffStore):
    """QA rounds, second grades, adjudications and sign-offs of one open case."""
