"""Blind second grading: a seeded sample, blind answers, agreement, kappa, adjudication.

The flow:

1. A supervisor draws a sample of one examiner's *manual* grades
   (:func:`draw_sample`): a percentage of them, or a count per category. The
   population is those grades as they stood at the current audit head, read
   from the grade history, so it is fixed for good; the seed, the head, the
   population's size and SHA-256 are recorded with the sample.
2. The second grader (another account, not the supervisor who drew the
   sample) grades the sample blind (:func:`blind_worklist`,
   :func:`record_second_grade`). Second grades are stored apart from the
   items' grades and change no grade.
3. The supervisor reads the agreement per category, Cohen's kappa and the
   disagreements (:func:`qa_report`), and records the final grade and a
   reason for each disagreement (:func:`adjudicate`). A final grade that
   differs from the item's grade is made through the normal grading rules
   (:func:`triage_app.review.grading.grade`: an amendment with a reason, kept in the
   history and the audit log).

Sampling is reproducible from the seed, without relying on Python's
``random`` module (whose algorithms may change between versions): each item
of the population gets the key ``SHA-256("<seed>:sample:<item id>")`` and the
sample is the items with the smallest keys (per category, for a count per
category); the second grader sees the sample ordered by
``SHA-256("<seed>:order:<item id>")``, so the order says nothing about the
first grades. :func:`verify_sample` draws it again and compares.

Blindness: the second grader's calls (:func:`assigned_rounds`,
:func:`blind_worklist`, :func:`record_second_grade`) return item ids,
positions, exhibit, media type and the grader's own answers only; they read
nothing else (see :meth:`triage_app.storage.qa_store.QaStore.blind_items`).
While a round is incomplete its second grader is refused everything in the
case that shows or changes grades (grading, the item listing, history,
reports, the plain audit export, the GUI's gallery): see
:func:`refuse_if_blind`; the supervisor's report of the round is refused to
them too.

Cohen's kappa for two graders over N items in categories c::

    p_o = (items both put in the same category) / N
    p_e = sum over c of (first's count in c / N) * (second's count in c / N)
    kappa = (p_o - p_e) / (1 - p_e)        (undefined when p_e = 1)
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession
from triage_app.domain.accounts import SUPERVISOR, Account
from triage_app.domain.errors import PermissionDeniedError, TriageError
from triage_app.review import grading
from triage_app.storage.qa_store import HistoricGrade, QaPair, QaStore
from triage_app.storage.qa_store import RoundRow as RoundRow
from triage_app.supervision.audit_view import user_matches

PERCENT = "percent"
PER_CATEGORY = "per-category"
METHODS = (PERCENT, PER_CATEGORY)
#: Largest seed accepted (seeds are stored as signed 64-bit integers).
MAX_SEED = 2**63 - 1


class QaError(TriageError):
    """A QA request the rules refuse."""


# -- sampling (pure) -------------------------------------------------------------------------


def _key(seed: int, purpose: str, item_id: int) -> str:
    return hashlib.sha256(f"{seed}:{purpose}:{item_id}".encode()).hexdigest()


def sample_size(population: int, percent: float | str | Fraction) -> int:
    """How many of ``population`` a percentage draws: rounded up, at least one if any."""
    share = Fraction(str(percent)) if not isinstance(percent, Fraction) else percent
    if not 0 < share <= 100:
        raise QaError(f"a sample percentage must be more than 0 and at most 100, not {percent}")
    return min(population, math.ceil(population * share / 100))


def select_sample(
    population: Sequence[tuple[int, str]],
    *,
    method: str,
    seed: int,
    percent: float | str | None = None,
    counts: Mapping[str, int] | None = None,
) -> list[int]:
    """The sampled item ids in blind order, from (item id, category) pairs and a seed.

    Deterministic: the same population, parameters and seed always give the
    same list, on any machine and Python version.
    """
    keyed = sorted(population, key=lambda p: _key(seed, "sample", p[0]))
    if method == PERCENT:
        if percent is None:
            raise QaError("a percentage sample needs a percentage")
        chosen = [item for item, _ in keyed[: sample_size(len(keyed), percent)]]
    elif method == PER_CATEGORY:
        if not counts:
            raise QaError("a per-category sample needs a count for at least one category")
        chosen = []
        for category in sorted(counts):
            if counts[category] < 0:
                raise QaError(f"the count for category {category} cannot be negative")
            pool = [item for item, cat in keyed if cat == category]
            chosen += pool[: counts[category]]
    else:
        raise QaError(f"unknown sampling method {method!r}; use one of {', '.join(METHODS)}")
    return sorted(chosen, key=lambda item: _key(seed, "order", item))


def population_digest(population: Iterable[tuple[int, str]]) -> str:
    """SHA-256 of the population: canonical JSON of its sorted (item id, category) pairs."""
    canonical = json.dumps(sorted([int(i), str(c)] for i, c in population), separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# -- agreement (pure) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategoryAgreement:
    """Agreement on one category."""

    category: str
    #: Items the first examiner put in the category.
    first: int
    #: Items the second grader put in the category.
    second: int
    #: Items both put in the category.
    agreed: int

    @property
    def agreement(self) -> float | None:
        """Share of the first examiner's items in this category the second grader agreed on."""
        return self.agreed / self.first if self.first else None

    @property
    def specific(self) -> float | None:
        """Specific agreement: 2 x agreed / (first + second)."""
        total = self.first + self.second
        return 2 * self.agreed / total if total else None


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement between two graders over the same items."""

    n: int
    agreed: int
    observed: Fraction | None
    expected: Fraction | None
    kappa: Fraction | None
    per_category: tuple[CategoryAgreement, ...]
    #: (first category, second category) -> items.
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON shape (fractions as floats, rounded to 6 places)."""

        def f(x: Fraction | float | None) -> float | None:
            return None if x is None else round(float(x), 6)

        return {
            "items_compared": self.n,
            "agreed": self.agreed,
            "observed_agreement": f(self.observed),
            "expected_agreement": f(self.expected),
            "kappa": f(self.kappa),
            "per_category": [
                {
                    "category": c.category,
                    "first": c.first,
                    "second": c.second,
                    "agreed": c.agreed,
                    "agreement": f(c.agreement),
                    "specific_agreement": f(c.specific),
                }
                for c in self.per_category
            ],
            "matrix": [
                {"first": a, "second": b, "items": n} for (a, b), n in sorted(self.matrix.items())
            ],
        }


def agreement(
    pairs: Iterable[tuple[str, str]], categories: Sequence[str] | None = None
) -> Agreement:
    """Agreement and Cohen's kappa for (first, second) category pairs (exact fractions).

    ``categories`` orders the per-category rows (the scheme's order); categories
    met in the pairs but not listed follow, sorted.
    """
    pairs = list(pairs)
    n = len(pairs)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    agreed_by = Counter(a for a, b in pairs if a == b)
    matrix = dict(Counter(pairs))
    agreed = sum(agreed_by.values())
    order = list(categories or [])
    order += sorted((set(first) | set(second)) - set(order))
    per_category = tuple(
        CategoryAgreement(c, first[c], second[c], agreed_by[c])
        for c in order
        if first[c] or second[c] or categories is not None
    )
    if n == 0:
        return Agreement(0, 0, None, None, None, per_category, matrix)
    observed = Fraction(agreed, n)
    expected = sum((Fraction(first[c] * second[c], n * n) for c in set(first) | set(second)),
                   Fraction(0))  # fmt: skip
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(n, agreed, observed, expected, kappa, per_category, matrix)


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> Fraction | None:
    """Cohen's kappa of (first, second) pairs; None when undefined (p_e = 1 or no pairs)."""
    return agreement(pairs).kappa


# -- helpers ---------------------------------------------------------------------------------


def _account(session: CaseSession, login: str, what: str) -> Account:
    """The account named by its name, ID or label ('Name (ID)')."""
    found = [a for a in session.review.accounts() if user_matches(a.label, login)]
    if len(found) != 1:
        raise QaError(f"no account {login!r} for the {what}")
    if not found[0].active:
        raise QaError(f"the account {found[0].label} is disabled")
    return found[0]


def _round(session: CaseSession, round_id: int) -> RoundRow:
    found = QaStore(session.store).round(round_id)
    if found is None:
        raise QaError(f"there is no QA round {round_id}")
    return found


def _category(session: CaseSession, code: str) -> str:
    try:
        return grading.category_code(session, code)
    except grading.GradingError as exc:
        raise QaError(str(exc)) from None


# -- drawing a sample (supervisor) -------------------------------------------------------------


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
    first = _account(session, examiner, "examiner whose grades are sampled")
    second = _account(session, second_grader, "second grader")
    if second.id == first.id:
        raise QaError("the second grader must be someone other than the examiner sampled")
    if second.id == session.account.id:
        raise QaError(
            "the supervisor who draws a sample cannot grade it blind: choose another second grader"
        )
    qa = QaStore(session.store)
    exhibit_id = None
    if exhibit is not None:
        exhibit_id = qa.exhibit_id(exhibit)
        if exhibit_id is None:
            raise QaError(f"there is no exhibit {exhibit!r}")
    method = PERCENT if percent is not None else PER_CATEGORY
    parameters: dict[str, Any]
    if method == PERCENT:
        parameters = {"percent": str(percent)}
    else:
        assert counts is not None
        normal = {_category(session, c): int(n) for c, n in counts.items()}
        parameters = {"counts": dict(sorted(normal.items()))}
    if seed is None:
        seed = secrets.randbits(63)
    if not 0 <= seed <= MAX_SEED:
        raise QaError(f"a seed must be between 0 and {MAX_SEED}")
    head = session.review.audit_head()
    population = _population(qa, head[0], first.id, exhibit_id)
    if not population:
        where = f" in exhibit {exhibit}" if exhibit else ""
        raise QaError(f"{first.label} holds no manual grades{where} to sample")
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
    drawn = Counter(by_id[i].category for i in chosen)

    def note(round_id: int) -> AuditNote:
        return AuditNote(
            audit.QA_SAMPLE,
            f"qa round {round_id}",
            {
                "round": round_id,
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
            },
        )

    round_id = qa.create_round(
        session.account,
        examiner_id=first.id,
        second_grader_id=second.id,
        exhibit_id=exhibit_id,
        method=method,
        parameters=parameters,
        seed=seed,
        head=head,
        population=len(population),
        population_sha256=digest,
        sample=[by_id[i] for i in chosen],
        note=note,
    )
    return SampleDraw(
        round_id=round_id,
        examiner=first.label,
        second_grader=second.label,
        exhibit=exhibit,
        method=method,
        parameters=parameters,
        seed=seed,
        head=head,
        population=len(population),
        population_sha256=digest,
        items=tuple(chosen),
        drawn_per_category=dict(sorted(drawn.items())),
    )


def _population(
    qa: QaStore, head_seq: int, examiner_id: int, exhibit_id: int | None
) -> list[HistoricGrade]:
    return [
        g
        for g in qa.grades_as_of(head_seq, exhibit_id)
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
    r = _round(session, round_id)
    qa = QaStore(session.store)
    exhibit_id = qa.exhibit_id(r.exhibit) if r.exhibit else None
    population = _population(qa, r.head_seq, r.examiner_id, exhibit_id)
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


# -- the second grader (blind) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlindRound:
    """A round as its second grader sees it: no examiner, no parameters, no first grades."""

    id: int
    created_at: str
    exhibit: str | None
    size: int
    graded: int

    @property
    def complete(self) -> bool:
        """Every sampled item has a second grade."""
        return self.graded >= self.size


@dataclass(frozen=True, slots=True)
class BlindItem:
    """A sampled item as the second grader sees it."""

    position: int
    item_id: int
    exhibit: str
    media_type: str | None
    your_grade: str | None


@dataclass(frozen=True, slots=True)
class BlindProgress:
    """What recording a second grade did."""

    round_id: int
    item_id: int
    category: str
    graded: int
    size: int

    @property
    def complete(self) -> bool:
        """The whole sample is graded (the answers are now final)."""
        return self.graded >= self.size


def _blind(r: RoundRow) -> BlindRound:
    return BlindRound(r.id, r.created_at, r.exhibit, r.items, r.graded)


def assigned_rounds(session: CaseSession) -> list[BlindRound]:
    """The rounds the signed-in account is to grade blind."""
    return [
        _blind(r)
        for r in QaStore(session.store).rounds()
        if r.second_grader_id == session.account.id
    ]


def _as_second_grader(session: CaseSession, round_id: int) -> RoundRow:
    r = _round(session, round_id)
    if r.second_grader_id != session.account.id:
        raise PermissionDeniedError(
            f"only the second grader of QA round {round_id} may see or grade its sample; "
            f"{session.actor} is not"
        )
    return r


def blind_worklist(session: CaseSession, round_id: int) -> tuple[BlindRound, list[BlindItem]]:
    """The sample to grade, in blind order, with the grader's own answers so far."""
    r = _as_second_grader(session, round_id)
    rows = QaStore(session.store).blind_items(round_id, session.account.id)
    return _blind(r), [
        BlindItem(b.position, b.item_id, b.exhibit, b.media_type, b.own_category) for b in rows
    ]


def record_second_grade(
    session: CaseSession, round_id: int, item_id: int, category: str
) -> BlindProgress:
    """Record the second grader's blind grade of a sampled item (changes no grade).

    A second grade may be revised until the whole sample is graded; then the
    answers are final.
    """
    r = _as_second_grader(session, round_id)
    code = _category(session, category)
    if r.graded >= r.items:
        raise QaError(f"QA round {round_id} is complete: its second grades are final")
    graded, size = QaStore(session.store).record_second_grade(
        session.account,
        round_id,
        item_id,
        code,
        AuditNote(audit.QA_SECOND_GRADE, f"item {item_id}", {"round": round_id, "category": code}),
    )
    return BlindProgress(round_id, item_id, code, graded, size)


def open_blind_rounds(session: CaseSession) -> list[int]:
    """Incomplete rounds the signed-in account is grading blind."""
    return QaStore(session.store).open_blind_rounds(session.account.id)


# -- the supervisor: report and adjudication --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A sampled item the two graders put in different categories."""

    item_id: int
    position: int
    exhibit: str
    first_category: str
    first_source: str
    first_user: str
    second_category: str
    current_category: str | None
    current_source: str | None
    final_category: str | None
    reason: str | None
    adjudicated_by: str | None
    adjudicated_at: str | None

    @property
    def adjudicated(self) -> bool:
        """The supervisor has recorded the final grade."""
        return self.final_category is not None


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
        k = self.agreement.kappa
        return {
            "round": self.round.id,
            "examiner": self.round.examiner,
            "second_grader": self.round.second_grader,
            "exhibit": self.round.exhibit,
            "sample": self.round.items,
            "graded": self.round.graded,
            "complete": self.complete,
            "agreed": self.agreement.agreed,
            "kappa": None if k is None else round(float(k), 6),
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
            "disagreements": [
                {
                    "item": d.item_id,
                    "position": d.position,
                    "exhibit": d.exhibit,
                    "first": {
                        "category": d.first_category,
                        "source": d.first_source,
                        "by": d.first_user,
                    },
                    "second": d.second_category,
                    "current": {"category": d.current_category, "source": d.current_source},
                    "final": d.final_category,
                    "reason": d.reason,
                    "adjudicated_by": d.adjudicated_by,
                    "adjudicated_at": d.adjudicated_at,
                }
                for d in self.disagreements
            ],
            "open_disagreements": self.open_disagreements,
        }


def _report(session: CaseSession, r: RoundRow) -> QaReport:
    pairs: list[QaPair] = QaStore(session.store).pairs(r.id)
    compared = [(p.first_category, p.second_category) for p in pairs if p.second_category]
    codes = [c.code for c in session.scheme.categories]
    result = agreement(compared, codes)
    current = session.review.grades([p.item_id for p in pairs])
    disagreements = tuple(
        Disagreement(
            item_id=p.item_id,
            position=p.position,
            exhibit=p.exhibit,
            first_category=p.first_category,
            first_source=p.first_source,
            first_user=p.first_user,
            second_category=p.second_category,
            current_category=current[p.item_id].category if p.item_id in current else None,
            current_source=current[p.item_id].source if p.item_id in current else None,
            final_category=p.adjudicated_category,
            reason=p.adjudication_reason,
            adjudicated_by=p.adjudicated_by,
            adjudicated_at=p.adjudicated_at,
        )
        for p in pairs
        if p.second_category is not None and p.second_category != p.first_category
    )
    return QaReport(r, result, disagreements)


def qa_report(session: CaseSession, round_id: int) -> QaReport:
    """Agreement, kappa and the adjudication queue of a round (supervisors only).

    Refused to the round's own second grader while the sample is incomplete.
    """
    session.require_role(SUPERVISOR, "the QA report")
    r = _round(session, round_id)
    if r.second_grader_id == session.account.id and r.graded < r.items:
        raise PermissionDeniedError(
            f"{session.actor} is grading QA round {round_id} blind; its report opens once the "
            "sample is complete"
        )
    return _report(session, r)


def list_rounds(session: CaseSession) -> list[RoundRow]:
    """Every round (supervisors only; a second grader uses :func:`assigned_rounds`)."""
    session.require_role(SUPERVISOR, "listing QA rounds")
    return QaStore(session.store).rounds()


@dataclass(frozen=True, slots=True)
class Adjudication:
    """What an adjudication did."""

    round_id: int
    item_id: int
    category: str
    grade_changed: bool
    grade_audit_seq: int | None
    audit_seq: int
    propagated: tuple[int, ...] = ()


def adjudicate(
    session: CaseSession,
    round_id: int,
    item_id: int,
    category: str,
    reason: str,
    *,
    propagate: bool = False,
) -> Adjudication:
    """Record the final grade of a disagreement, with a reason (supervisors only).

    When the final grade differs from the item's grade it is made through
    :func:`triage_app.review.grading.grade` with the reason ("QA round N
    adjudication: ..."), so the amendment rules, the history and the audit log
    apply as to any change of grade (and the sign-off guard: a change after
    sign-off is marked as such). ``propagate`` also grades the item's
    duplicate group as grading by hand would.
    """
    session.require_role(SUPERVISOR, "adjudicating a QA disagreement")
    why = reason.strip() if reason else ""
    if not why:
        raise QaError("an adjudication needs a reason")
    code = _category(session, category)
    r = _round(session, round_id)
    if session.account.id in (r.second_grader_id, r.examiner_id):
        raise QaError(
            "the examiner sampled and the second grader cannot adjudicate their own round"
        )
    if r.graded < r.items:
        raise QaError(
            f"QA round {round_id} is not complete ({r.graded} of {r.items} graded): adjudicate "
            "once the second grader has finished"
        )
    report = _report(session, r)
    found = [d for d in report.disagreements if d.item_id == item_id]
    if not found:
        raise QaError(f"item {item_id} is not a disagreement of QA round {round_id}")
    if found[0].adjudicated:
        raise QaError(f"item {item_id} of QA round {round_id} is already adjudicated")
    outcome = grading.grade(
        session,
        [item_id],
        code,
        reason=f"QA round {round_id} adjudication: {why}",
        propagate=propagate,
    )
    changed = item_id in outcome.graded
    grade_seq = None
    if changed:
        history = session.review.history(item_id)
        grade_seq = history[-1]["audit_seq"] if history else None
    seq = QaStore(session.store).record_adjudication(
        session.account,
        round_id,
        item_id,
        code,
        why,
        grade_seq,
        AuditNote(
            audit.QA_ADJUDICATED,
            f"item {item_id}",
            {
                "round": round_id,
                "first": found[0].first_category,
                "second": found[0].second_category,
                "final": code,
                "reason": why,
                "grade_changed": changed,
                "grade_entry": grade_seq,
            },
        ),
    )
    return Adjudication(round_id, item_id, code, changed, grade_seq, seq,
                        tuple(outcome.propagated))  # fmt: skip


def qa_summary(session: CaseSession, exhibit: str | None = None) -> dict[str, Any]:
    """The QA result kept with a sign-off: rounds touching the exhibit (or the case)."""
    qa = QaStore(session.store)
    rounds = []
    for r in qa.rounds():
        # A round drawn from the whole case counts for an exhibit if it sampled its items.
        if exhibit is not None and all(p.exhibit != exhibit for p in qa.pairs(r.id)):
            continue
        rounds.append(_report(session, r).summary())
    return {
        "rounds": rounds,
        "sampled": sum(r["sample"] for r in rounds),
        "second_graded": sum(r["graded"] for r in rounds),
        "agreed": sum(r["agreed"] for r in rounds),
        "open_disagreements": sum(r["disagreements"] - r["adjudicated"] for r in rounds),
        "incomplete_rounds": [r["round"] for r in rounds if not r["complete"]],
    }
