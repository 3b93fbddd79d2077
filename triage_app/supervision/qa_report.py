"""The supervisor's report of a QA round: agreement, kappa and the disagreements.

:func:`qa_report` is refused to the round's own second grader while the
sample is incomplete; :func:`qa_summary` is the short form a sign-off keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.domain.accounts import SUPERVISOR
from triage_app.domain.errors import PermissionDeniedError
from triage_app.storage.qa_store import QaPair, QaStore, RoundRow
from triage_app.storage.review_store import CurrentGrade
from triage_app.supervision.lookup import find_round
from triage_app.supervision.qa_agreement import Agreement, agreement, rounded


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A sampled item the two graders put in different categories, and its grade now."""

    pair: QaPair
    second_category: str
    current_category: str | None
    current_source: str | None

    @property
    def item_id(self) -> int:
        """The sampled item."""
        return self.pair.item_id

    @property
    def final_category(self) -> str | None:
        """The supervisor's final grade, once adjudicated."""
        return self.pair.adjudicated_category

    @property
    def adjudicated(self) -> bool:
        """The supervisor has recorded the final grade."""
        return self.final_category is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of one disagreement."""
        return {
            "item": self.pair.item_id,
            "position": self.pair.position,
            "exhibit": self.pair.exhibit,
            "first": {
                "category": self.pair.first_category,
                "source": self.pair.first_source,
                "by": self.pair.first_user,
            },
            "second": self.second_category,
            "current": {"category": self.current_category, "source": self.current_source},
            "final": self.pair.adjudicated_category,
            "reason": self.pair.adjudication_reason,
            "adjudicated_by": self.pair.adjudicated_by,
            "adjudicated_at": self.pair.adjudicated_at,
        }


@dataclass(frozen=True, slots=True)
class QaReport:
    """A round's outcome for the supervisor."""

    round: RoundRow
    agreement: Agreement
    disagreements: tuple[Disagreement, ...]

    @property
    def complete(self) -> bool:
        """Every sampled item has a second grade."""
        return self.round.graded >= self.round.items

    @property
    def open_disagreements(self) -> int:
        """Disagreements not adjudicated yet."""
        return sum(not d.adjudicated for d in self.disagreements)

    def summary(self) -> dict[str, Any]:
        """The short form kept with a sign-off."""
        return {
            "round": self.round.id,
            "examiner": self.round.examiner,
            "second_grader": self.round.second_grader,
            "exhibit": self.round.exhibit,
            "sample": self.round.items,
            "graded": self.round.graded,
            "complete": self.complete,
            "agreed": self.agreement.agreed,
            "kappa": rounded(self.agreement.kappa),
            "disagreements": len(self.disagreements),
            "adjudicated": len(self.disagreements) - self.open_disagreements,
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of ``triage qa report --json``."""
        r = self.round
        return {
            "round": r.id,
            "created_at": r.created_at,
            "created_by": r.created_by,
            "examiner": r.examiner,
            "second_grader": r.second_grader,
            "exhibit": r.exhibit,
            "method": r.method,
            "parameters": r.parameters,
            "seed": r.seed,
            "head": {"seq": r.head_seq, "hash": r.head_hash},
            "population": r.population,
            "population_sha256": r.population_sha256,
            "sample": r.items,
            "graded": r.graded,
            "complete": self.complete,
            "agreement": self.agreement.as_dict(),
            "disagreements": [d.as_dict() for d in self.disagreements],
            "open_disagreements": self.open_disagreements,
        }


def round_report(session: CaseSession, r: RoundRow) -> QaReport:
    """The report of round ``r`` (no role checked: see :func:`qa_report`)."""
    pairs: list[QaPair] = QaStore(session.store).pairs(r.id)
    compared = [(p.first_category, p.second_category) for p in pairs if p.second_category]
    codes = [c.code for c in session.scheme.categories]
    result = agreement(compared, codes)
    current = session.review.grades([p.item_id for p in pairs])
    disagreements = tuple(
        _disagreement(p, p.second_category, current.get(p.item_id))
        for p in pairs
        if p.second_category is not None and p.second_category != p.first_category
    )
    return QaReport(r, result, disagreements)


def _disagreement(p: QaPair, second: str, grade: CurrentGrade | None) -> Disagreement:
    """A pair the graders disagree on, with the item's grade now."""
    now: tuple[str | None, str | None] = (None, None)
    if grade is not None:
        now = (grade.category, grade.source)
    return Disagreement(p, second, *now)


def qa_report(session: CaseSession, round_id: int) -> QaReport:
    """Agreement, kappa and the adjudication queue of a round (supervisors only).

    Refused to the round's own second grader while the sample is incomplete.
    """
    session.require_role(SUPERVISOR, "the QA report")
    r = find_round(session, round_id)
    if r.second_grader_id == session.account.id and r.graded < r.items:
        raise PermissionDeniedError(
            f"{session.actor} is grading QA round {round_id} blind; its report opens once the "
            "sample is complete"
        )
    return round_report(session, r)


def list_rounds(session: CaseSession) -> list[RoundRow]:
    """Every round (supervisors only; a second grader uses ``assigned_rounds``)."""
    session.require_role(SUPERVISOR, "listing QA rounds")
    return QaStore(session.store).rounds()


def qa_summary(session: CaseSession, exhibit: str | None = None) -> dict[str, Any]:
    """The QA result kept with a sign-off: rounds touching the exhibit (or the case)."""
    qa = QaStore(session.store)
    rounds = []
    for r in qa.rounds():
        # A round drawn from the whole case counts for an exhibit if it sampled its items.
        if exhibit is not None and all(p.exhibit != exhibit for p in qa.pairs(r.id)):
            continue
        rounds.append(round_report(session, r).summary())
    return {
        "rounds": rounds,
        "sampled": sum(r["sample"] for r in rounds),
        "second_graded": sum(r["graded"] for r in rounds),
        "agreed": sum(r["agreed"] for r in rounds),
        "open_disagreements": sum(r["disagreements"] - r["adjudicated"] for r in rounds),
        "incomplete_rounds": [r["round"] for r in rounds if not r["complete"]],
    }
