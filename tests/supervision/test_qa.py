"""The QA facade (``triage_app.supervision.qa``): what the CLI and the GUI import from it."""

from __future__ import annotations

from triage_app.storage.qa_store import RoundRow
from triage_app.supervision import qa, qa_sampling

#: Names the front ends use through ``from triage_app.supervision import qa``.
FRONT_END_NAMES = ("Adjudication", "BlindItem", "BlindProgress", "BlindRound", "QaError",
                   "QaReport", "SampleDraw", "adjudicate", "assigned_rounds", "blind_worklist",
                   "draw_sample", "list_rounds", "open_blind_rounds", "qa_report",
                   "record_second_grade", "verify_sample", "METHODS", "PERCENT",
                   "PER_CATEGORY")  # fmt: skip


def test_the_facade_exports_what_the_front_ends_import() -> None:
    assert [n for n in FRONT_END_NAMES if not hasattr(qa, n)] == []
    assert set(qa.__all__) >= set(FRONT_END_NAMES)
    assert qa.RoundRow is RoundRow  # the GUI's type for a round
    assert qa.QaError is qa_sampling.QaError
