"""What the trail says the case holds, and where the database differs from it.

The hash chain proves the audit log was not edited; this module proves the
tables were not either. Replaying the log gives what the accounts, grades,
grade history, QA second grades, adjudications, sign-offs, items and matches
must be; :func:`differences` compares that with a :class:`Snapshot` of the
tables (read by ``triage_app.storage.state_snapshot``) and names each row that
differs and the entry it should agree with; the examiners' notes, tags and
marked frames are replayed by :mod:`.annotation_state`. Pure: no database here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from triage_app.audit import actions
from triage_app.audit.annotation_state import AnnotationReplay, AnnotationState
from triage_app.audit.chain import AuditRow
from triage_app.domain.accounts import account_label

#: Actions that change an item's grade (their payload has ``before`` and ``after``).
GRADE_ACTIONS = frozenset(
    {
        actions.GRADE,
        actions.GRADE_AMENDED,
        actions.GRADE_FROM_LIST,
        actions.CONFIRM,
        actions.PROPAGATE,
        actions.PROPAGATION_UNDONE,
        actions.GRADE_UNDONE,
    }
)


@dataclass(frozen=True, slots=True)
class AccountState:
    """A ``users`` row."""

    name: str
    badge: str | None
    role: str
    active: bool

    @property
    def label(self) -> str:
        """How the trail names the account."""
        return account_label(self.name, self.badge)


@dataclass(frozen=True, slots=True)
class GradeState:
    """A ``grades`` row (the user as the trail names them)."""

    item_id: int
    category: str
    source: str
    user: str


@dataclass(frozen=True, slots=True)
class HistoryState:
    """A ``grade_history`` row."""

    id: int
    item_id: int
    old: tuple[str | None, str | None]
    new: tuple[str | None, str | None]
    user: str
    reason: str | None
    audit_seq: int | None


@dataclass(frozen=True, slots=True)
class AnswerState:
    """A ``qa_second_grades`` or ``qa_adjudications`` row."""

    round_id: int
    item_id: int
    category: str
    user: str
    audit_seq: int | None
    reason: str | None = None
    grade_audit_seq: int | None = None


@dataclass(frozen=True, slots=True)
class SignOffState:
    """A ``sign_offs`` row."""

    id: int
    scope: str
    exhibit: str | None
    user: str
    head: tuple[int, str]
    counts: dict[str, Any]
    qa: dict[str, Any]
    note: str | None
    audit_seq: int | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The tables the trail binds, as read in one transaction."""

    reference: str
    scheme: str
    accounts: tuple[AccountState, ...]
    grades: tuple[GradeState, ...]
    history: tuple[HistoryState, ...]
    second_grades: tuple[AnswerState, ...]
    adjudications: tuple[AnswerState, ...]
    sign_offs: tuple[SignOffState, ...]
    #: exhibit reference -> (source as recorded, item count, items' SHA-256, SHA-256 of
    #: the source's kind and facts: its verification)
    exhibits: dict[str, tuple[str, int, str, str]] = field(default_factory=dict)
    #: (count, SHA-256) of the matches table
    matches: tuple[int, str] = (0, "")
    #: The examiners' notes, tags and marked frames (``item_notes``).
    annotations: tuple[AnnotationState, ...] = ()


@dataclass(frozen=True, slots=True)
class Difference:
    """A row of the database that the trail does not account for."""

    table: str
    key: str
    problem: str
    entry: int | None = None

    def __str__(self) -> str:
        where = f" (audit entry {self.entry})" if self.entry is not None else ""
        return f"{self.table}: {self.key}: {self.problem}{where}"


@dataclass(slots=True)
class _Trail:
    """What replaying the log found."""

    reference: tuple[str, str, int] | None = None
    accounts: dict[str, tuple[str, int]] = field(default_factory=dict)
    grades: dict[int, tuple[str, str, str, int]] = field(default_factory=dict)
    by_seq: dict[int, AuditRow] = field(default_factory=dict)
    payloads: dict[int, dict[str, Any]] = field(default_factory=dict)
    grade_entries: list[int] = field(default_factory=list)
    answers: dict[str, dict[tuple[int, int], int]] = field(default_factory=dict)
    sign_offs: list[int] = field(default_factory=list)
    sources: dict[str, tuple[str, int]] = field(default_factory=dict)
    source_facts: dict[str, tuple[str, int]] = field(default_factory=dict)
    items: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    matches: tuple[int, str, int] | None = None
    running: dict[str, int] = field(default_factory=dict)
    annotations: AnnotationReplay = field(default_factory=AnnotationReplay)


def _item_of(row: AuditRow) -> int | None:
    kind, _, rest = row.object.partition(" ")
    return int(rest) if kind == "item" and rest.isdigit() else None


def replay(rows: Iterable[AuditRow]) -> _Trail:
    """Read the log once, keeping what each bound table must agree with."""
    trail = _Trail()
    trail.answers = {actions.QA_SECOND_GRADE: {}, actions.QA_ADJUDICATED: {}}
    for row in rows:
        payload = json.loads(row.payload)
        trail.by_seq[row.seq] = row
        trail.payloads[row.seq] = payload
        _take(trail, row, payload)
    return trail


def _take(trail: _Trail, row: AuditRow, payload: dict[str, Any]) -> None:
    action, seq = row.action, row.seq
    exhibit = row.object.removeprefix("exhibit ") if row.object.startswith("exhibit ") else None
    if trail.annotations.take(row, payload):
        return
    if action == actions.CASE_CREATED:
        trail.reference = (payload["reference"], payload["scheme"], seq)
        trail.accounts[payload["first_account"]] = (payload["role"], seq)
    elif action == actions.USER_ADDED:
        label = account_label(payload["name"], payload["badge"])
        trail.accounts[label] = (payload["role"], seq)
    elif action in GRADE_ACTIONS and (item := _item_of(row)) is not None:
        trail.grade_entries.append(seq)
        after = payload["after"]
        if after["category"] is None:
            trail.grades.pop(item, None)
        else:
            trail.grades[item] = (after["category"], after["source"] or "", row.user, seq)
    elif action in trail.answers and (item := _item_of(row)) is not None:
        trail.answers[action][(int(payload["round"]), item)] = seq
    elif action == actions.SIGN_OFF:
        trail.sign_offs.append(seq)
    elif action == actions.INGEST_STARTED and exhibit is not None:
        trail.sources.setdefault(exhibit, (payload["source"], seq))
        trail.running[exhibit] = seq
    elif action == actions.INGEST_FINISHED and exhibit is not None:
        trail.running.pop(exhibit, None)
        if "items_sha256" in payload:
            trail.items[exhibit] = (payload["items"], payload["items_sha256"], seq)
        if "source_sha256" in payload:
            trail.source_facts[exhibit] = (payload["source_sha256"], seq)
    elif action == actions.MATCH_RUN and "matches_sha256" in payload:
        trail.matches = (payload["matches"], payload["matches_sha256"], seq)


def differences(rows: Iterable[AuditRow], snapshot: Snapshot) -> tuple[list[Difference], list[str]]:
    """Every row of ``snapshot`` the trail does not account for, and notes on what the
    trail cannot vouch for (yet); in table order, so the first names the first bad row."""
    trail = replay(rows)
    found: list[Difference] = []
    notes: list[str] = []
    _case(trail, snapshot, found)
    _accounts(trail, snapshot, found)
    _grades(trail, snapshot, found)
    _history(trail, snapshot, found)
    _answers(trail, snapshot, found)
    _sign_offs(trail, snapshot, found)
    _exhibits(trail, snapshot, found, notes)
    found.extend(
        Difference("item_notes", key, problem, entry)
        for key, problem, entry in trail.annotations.compare(snapshot.annotations)
    )
    return found, notes


def _case(trail: _Trail, snap: Snapshot, found: list[Difference]) -> None:
    if trail.reference is None:
        found.append(Difference("case_info", "the case", "the trail has no 'case created' entry"))
        return
    reference, scheme, seq = trail.reference
    if (snap.reference, snap.scheme) != (reference, scheme):
        found.append(Difference("case_info", "the case", f"is {snap.reference!r} ({snap.scheme})"
                                f"; the trail says {reference!r} ({scheme})", seq))  # fmt: skip


def _accounts(trail: _Trail, snap: Snapshot, found: list[Difference]) -> None:
    seen: set[str] = set()
    for account in snap.accounts:
        seen.add(account.label)
        expected = trail.accounts.get(account.label)
        if expected is None:
            found.append(Difference("users", account.label, "no entry of the trail made it"))
        elif account.role != expected[0]:
            found.append(Difference("users", account.label, f"has role {account.role!r}; the "
                                    f"trail says {expected[0]!r}", expected[1]))  # fmt: skip
        elif not account.active:
            found.append(Difference("users", account.label, "is disabled; the trail never "
                                    "disabled it", expected[1]))  # fmt: skip
    for label, (_role, seq) in trail.accounts.items():
        if label not in seen:
            found.append(Difference("users", label, "is missing (deleted?)", seq))


def _grades(trail: _Trail, snap: Snapshot, found: list[Difference]) -> None:
    stored = {g.item_id: g for g in snap.grades}
    for item in sorted(set(stored) | set(trail.grades)):
        row, expected = stored.get(item), trail.grades.get(item)
        key = f"item {item}"
        if expected is None:
            found.append(Difference("grades", key, f"is graded {row.category} in the database "  # type: ignore[union-attr]
                                    "but the trail leaves it ungraded"))  # fmt: skip
        elif row is None:
            found.append(Difference("grades", key, f"has no grade; the trail says {expected[0]}",
                                    expected[3]))  # fmt: skip
        elif (row.category, row.source, row.user) != expected[:3]:
            found.append(Difference("grades", key, f"is {row.category} ({row.source}) by "
                                    f"{row.user}; the trail says {expected[0]} ({expected[1]}) "
                                    f"by {expected[2]}", expected[3]))  # fmt: skip


def _history(trail: _Trail, snap: Snapshot, found: list[Difference]) -> None:
    covered: set[int] = set()
    for h in sorted(snap.history, key=lambda r: r.id):
        key = f"change {h.id} of item {h.item_id}"
        entry = trail.by_seq.get(h.audit_seq) if h.audit_seq is not None else None
        if entry is None or entry.action not in GRADE_ACTIONS or _item_of(entry) != h.item_id:
            found.append(Difference("grade_history", key, "no grading entry of the trail "
                                    "records it", h.audit_seq))  # fmt: skip
            continue
        covered.add(entry.seq)
        payload = trail.payloads[entry.seq]
        before = payload.get("before") or {}
        said = ((before.get("category"), before.get("source")),
                (payload["after"]["category"], payload["after"]["source"]), entry.user)  # fmt: skip
        reason_differs = "reason" in payload and payload["reason"] != h.reason
        if (h.old, h.new, h.user) != said or reason_differs:
            found.append(Difference("grade_history", key, f"says {h.old} -> {h.new} by {h.user}; "
                                    f"the trail says {said[0]} -> {said[1]} by {said[2]}"
                                    + (" (and another reason)" if reason_differs else ""),
                                    entry.seq))  # fmt: skip
    for seq in trail.grade_entries:
        if seq not in covered:
            found.append(Difference("grade_history", trail.by_seq[seq].object,
                                    "the change has no history row (deleted?)", seq))  # fmt: skip


def _answers(trail: _Trail, snap: Snapshot, found: list[Difference]) -> None:
    for table, action, rows, field_name in (
        ("qa_second_grades", actions.QA_SECOND_GRADE, snap.second_grades, "category"),
        ("qa_adjudications", actions.QA_ADJUDICATED, snap.adjudications, "final"),
    ):
        expected = dict(trail.answers[action])
        for row in rows:
            key = f"round {row.round_id} item {row.item_id}"
            seq = expected.pop((row.round_id, row.item_id), None)
            if seq is None or row.audit_seq != seq:
                found.append(Difference(table, key, "no entry of the trail records it",
                                        row.audit_seq))  # fmt: skip
                continue
            payload, entry = trail.payloads[seq], trail.by_seq[seq]
            said: tuple[Any, ...] = (payload[field_name], entry.user)
            have: tuple[Any, ...] = (row.category, row.user)
            if action == actions.QA_ADJUDICATED:
                said += (payload["reason"], payload["grade_entry"])
                have += (row.reason, row.grade_audit_seq)
            if have != said:
                found.append(Difference(table, key, f"is {have}; the trail says {said}", seq))
        for (round_id, item), seq in sorted(expected.items()):
            found.append(Difference(table, f"round {round_id} item {item}",
                                    "is missing (deleted?)", seq))  # fmt: skip


def _sign_offs(trail: _Trail, snap: Snapshot, found: list[Difference]) -> None:
    rows = {s.audit_seq: s for s in snap.sign_offs}
    for seq in trail.sign_offs:
        payload, entry = trail.payloads[seq], trail.by_seq[seq]
        row = rows.pop(seq, None)
        if row is None:
            found.append(Difference("sign_offs", entry.object, "is missing (deleted?)", seq))
            continue
        said = (payload["scope"], payload["exhibit"], entry.user,
                (payload["head_seq"], payload["head_hash"]), payload["counts"], payload["qa"],
                payload["note"])  # fmt: skip
        have = (row.scope, row.exhibit, row.user, row.head, row.counts, row.qa, row.note)
        if have != said:
            found.append(Difference("sign_offs", entry.object, "differs from its entry", seq))
    for row in rows.values():
        found.append(Difference("sign_offs", f"sign-off {row.id}", "no entry of the trail "
                                "records it", row.audit_seq))  # fmt: skip


def _exhibits(trail: _Trail, snap: Snapshot, found: list[Difference], notes: list[str]) -> None:
    for ref, (source, count, digest, facts) in snap.exhibits.items():
        said = trail.source_facts.get(ref)
        if said is not None and ref not in trail.running and said[0] != facts:
            what = (
                "its source facts (kind, verification) differ from those its last ingest recorded"
            )
            found.append(Difference("exhibits", ref, what, said[1]))
        started = trail.sources.get(ref)
        if started is None:
            found.append(Difference("exhibits", ref, "no ingest of the trail made it"))
            continue
        if source != started[0]:
            found.append(Difference("exhibits", ref, f"comes from {source!r}; the trail says "
                                    f"{started[0]!r}", started[1]))  # fmt: skip
        bound = trail.items.get(ref)
        if ref in trail.running:
            notes.append(f"exhibit {ref}: its last ingest (entry {trail.running[ref]}) did not "
                         "finish; its items are bound when an ingest of it finishes")  # fmt: skip
        elif bound is None:
            notes.append(f"exhibit {ref}: ingested by an earlier version, which did not bind "
                         "its items to the trail")  # fmt: skip
        elif (count, digest) != bound[:2]:
            found.append(Difference("items", f"exhibit {ref}", f"{count} items that do not "
                                    f"match the {bound[0]} the trail recorded (an item was "
                                    "edited, added or removed)", bound[2]))  # fmt: skip
    if trail.matches is not None and snap.matches != trail.matches[:2]:
        found.append(Difference("matches", "the case", "the matches differ from those the "
                                "last match run recorded", trail.matches[2]))  # fmt: skip
