"""A supervisor draws a QA sample of one examiner's manual grades, and checks it later.

The population is those grades as they stood at the current audit head, read
from the grade history, so it is fixed for good; the seed, the head, the
population's size and SHA-256 are recorded with the sample
(:func:`draw_sample`). :func:`verify_sample` draws it again and compares.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession
from triage_app.domain.accounts import SUPERVISOR
from triage_app.review import grading
from triage_app.storage.qa_store import HistoricGrade, QaStore
from triage_app.supervision.lookup import category_code, exhibit_id, find_account, find_round
from triage_app.supervision.qa_sampling import (
    MAX_SEED,
    PER_CATEGORY,
    PERCENT,
    QaError,
    population_digest,
    select_sample,
)


@dataclass(frozen=True, slots=True)
class SampleDraw:
    """A drawn sample, as the supervisor sees it (no first grades listed per item)."""

    round_id: int
    examiner: str
    second_grader: str
    exhibit: str | None
    method: str
    parameters: dict[str, Any]
    seed: int
    head: tuple[int, str]
    population: int
    population_sha256: str
    items: tuple[int, ...]
    drawn_per_category: dict[str, int]


def _parameters(
    session: CaseSession, percent: float | str | None, counts: Mapping[str, int] | None
) -> tuple[str, dict[str, Any]]:
    """The sampling method and its recorded parameters."""
    if percent is not None:
        return PERCENT, {"percent": str(percent)}
    assert counts is not None
    normal = {category_code(session, c): int(n) for c, n in counts.items()}
    return PER_CATEGORY, {"counts": dict(sorted(normal.items()))}


def draw_sample(
    session: CaseSession,
    *,
    examiner: str,
    second_grader: str,
    percent: float | str | None = None,
    counts: Mapping[str, int] | None = None,
    seed: int | None = None,
    exhibit: str | None = None,
) -> SampleDraw:
    """Draw a sample of ``examiner``'s manual grades for ``second_grader`` (supervisors only)."""
    session.require_role(SUPERVISOR, "drawing a QA sample")
    if (percent is None) == (not counts):
        raise QaError("give either a percentage or a count per category")
    first = find_account(session, examiner, "examiner whose grades are sampled")
    second = find_account(session, second_grader, "second grader")
    if second.id == first.id:
        raise QaError("the second grader must be someone other than the examiner sampled")
    if second.id == session.account.id:
        raise QaError(
            "the supervisor who draws a sample cannot grade it blind: choose another second grader"
        )
    qa = QaStore(session.store)
    where = exhibit_id(qa, exhibit, QaError)
    method, parameters = _parameters(session, percent, counts)
    if seed is None:
        seed = secrets.randbits(63)
    if not 0 <= seed <= MAX_SEED:
        raise QaError(f"a seed must be between 0 and {MAX_SEED}")
    head = session.review.audit_head()
    population = manual_population(qa, head[0], first.id, where)
    if not population:
        within = f" in exhibit {exhibit}" if exhibit else ""
        raise QaError(f"{first.label} holds no manual grades{within} to sample")
    pairs = [(g.item_id, g.category) for g in population]
    chosen = select_sample(
        pairs,
        method=method,
        seed=seed,
        percent=parameters.get("percent"),
        counts=parameters.get("counts"),
    )
    if not chosen:
        raise QaError("the sample is empty: none of the categories asked for has manual grades")
    by_id = {g.item_id: g for g in population}
    digest = population_digest(pairs)
    recorded: dict[str, Any] = {
        "examiner": first.label,
        "second_grader": second.label,
        "exhibit": exhibit,
        "method": method,
        "parameters": parameters,
        "seed": seed,
        "head_seq": head[0],
        "head_hash": head[1],
        "population": len(population),
        "population_sha256": digest,
        "items": chosen,
    }

    def note(round_id: int) -> AuditNote:
        return AuditNote(audit.QA_SAMPLE, f"qa round {round_id}", {"round": round_id, **recorded})

    #: What the round records and the draw reports alike.
    common: dict[str, Any] = {"method": method, "parameters": parameters, "seed": seed,
                              "head": head, "population": len(population),
                              "population_sha256": digest}  # fmt: skip
    round_id = qa.create_round(
        session.account,
        examiner_id=first.id,
        second_grader_id=second.id,
        exhibit_id=where,
        sample=[by_id[i] for i in chosen],
        note=note,
        **common,
    )
    drawn = Counter(by_id[i].category for i in chosen)
    return SampleDraw(
        round_id=round_id,
        examiner=first.label,
        second_grader=second.label,
        exhibit=exhibit,
        items=tuple(chosen),
        drawn_per_category=dict(sorted(drawn.items())),
        **common,
    )


def manual_population(
    qa: QaStore, head_seq: int, examiner_id: int, exhibit: int | None
) -> list[HistoricGrade]:
    """The examiner's manual grades as they stood at entry ``head_seq`` (of one exhibit)."""
    return [
        g
        for g in qa.grades_as_of(head_seq, exhibit)
        if g.source == grading.MANUAL and g.user_id == examiner_id
    ]


@dataclass(frozen=True, slots=True)
class SampleCheck:
    """The outcome of drawing a round's sample again from its recorded seed."""

    round_id: int
    ok: bool
    problems: tuple[str, ...]
    seed: int
    population: int
    population_sha256: str
    items: tuple[int, ...]


def verify_sample(session: CaseSession, round_id: int) -> SampleCheck:
    """Draw the round's sample again from its seed and head; compare (supervisors only)."""
    session.require_role(SUPERVISOR, "checking a QA sample")
    r = find_round(session, round_id)
    qa = QaStore(session.store)
    where = qa.exhibit_id(r.exhibit) if r.exhibit else None
    population = manual_population(qa, r.head_seq, r.examiner_id, where)
    pairs = [(g.item_id, g.category) for g in population]
    again = select_sample(
        pairs,
        method=r.method,
        seed=r.seed,
        percent=r.parameters.get("percent"),
        counts=r.parameters.get("counts"),
    )
    stored = qa.sample_ids(round_id)
    digest = population_digest(pairs)
    problems = []
    if len(population) != r.population or digest != r.population_sha256:
        problems.append(
            f"the population drawn from ({len(population)} grades, SHA-256 {digest}) is not the "
            f"one recorded ({r.population} grades, SHA-256 {r.population_sha256})"
        )
    if again != stored:
        problems.append("drawing again from the recorded seed gives a different sample")
    return SampleCheck(round_id, not problems, tuple(problems), r.seed, len(population), digest,
                       tuple(again))  # fmt: skip
