"""Blind second grading: a seeded sample, blind answers, agreement, kappa, adjudication.

The flow (the CLI and the GUI import it all from here):

1. A supervisor draws a sample of one examiner's *manual* grades
   (:func:`draw_sample`, :mod:`~triage_app.supervision.qa_draw`): a percentage
   of them, or a count per category, reproducibly from a seed
   (:mod:`~triage_app.supervision.qa_sampling`); :func:`verify_sample` draws
   it again and compares.
2. The second grader (another account, not the supervisor who drew the
   sample) grades the sample blind (:func:`blind_worklist`,
   :func:`record_second_grade`, :mod:`~triage_app.supervision.qa_blind`).
   Second grades are stored apart from the items' grades and change no grade.
3. The supervisor reads the agreement per category, Cohen's kappa
   (:mod:`~triage_app.supervision.qa_agreement`) and the disagreements
   (:func:`qa_report`, :mod:`~triage_app.supervision.qa_report`), and records
   the final grade and a reason for each disagreement (:func:`adjudicate`,
   :mod:`~triage_app.supervision.qa_adjudication`), through the normal grading
   rules.

Blindness: while a round is incomplete its second grader is refused everything
in the case that shows or changes grades (grading, the item listing, history,
reports, the plain audit export, the GUI's gallery): see
:meth:`triage_app.case.session.CaseSession.refuse_if_blind`; the supervisor's
report of the round is refused to them too.
"""

from __future__ import annotations

from triage_app.storage.qa_store import RoundRow as RoundRow
from triage_app.supervision.qa_adjudication import Adjudication, adjudicate
from triage_app.supervision.qa_agreement import (
    Agreement,
    CategoryAgreement,
    agreement,
    cohen_kappa,
)
from triage_app.supervision.qa_blind import (
    BlindItem,
    BlindProgress,
    BlindRound,
    assigned_rounds,
    blind_worklist,
    open_blind_rounds,
    record_second_grade,
)
from triage_app.supervision.qa_draw import SampleCheck, SampleDraw, draw_sample, verify_sample
from triage_app.supervision.qa_report import (
    Disagreement,
    QaReport,
    list_rounds,
    qa_report,
    qa_summary,
)
from triage_app.supervision.qa_sampling import (
    MAX_SEED,
    METHODS,
    PER_CATEGORY,
    PERCENT,
    QaError,
    population_digest,
    sample_size,
    select_sample,
)

__all__ = [
    "MAX_SEED",
    "METHODS",
    "PERCENT",
    "PER_CATEGORY",
    "Adjudication",
    "Agreement",
    "BlindItem",
    "BlindProgress",
    "BlindRound",
    "CategoryAgreement",
    "Disagreement",
    "QaError",
    "QaReport",
    "RoundRow",
    "SampleCheck",
    "SampleDraw",
    "adjudicate",
    "agreement",
    "assigned_rounds",
    "blind_worklist",
    "cohen_kappa",
    "draw_sample",
    "list_rounds",
    "open_blind_rounds",
    "population_digest",
    "qa_report",
    "qa_summary",
    "record_second_grade",
    "sample_size",
    "select_sample",
    "verify_sample",
]
