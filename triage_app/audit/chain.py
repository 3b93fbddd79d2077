"""The audit trail's hash chain: computing entry hashes and verifying a log.

Each entry's hash is SHA-256 over a canonical JSON array of its sequence
number, UTC time, user, action, object, payload and the previous entry's
hash. Whoever can rewrite the database could recompute the whole chain, so
the head (last sequence number and hash) is printed on every report and
sign-off; ``verify`` can compare a log against such a head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditNote:
    """An entry to append: action, object and payload (the user is the actor's)."""

    action: str
    object: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditRow:
    """An audit entry: every field the chain covers, and its hash (as stored or to append)."""

    seq: int
    time_utc: str
    user: str
    action: str
    object: str
    payload: str
    prev_hash: str
    hash: str

    def expected_hash(self) -> str:
        """The hash this row's contents should carry."""
        return entry_hash(
            self.seq, self.time_utc, self.user, self.action, self.object, self.payload,
            self.prev_hash,
        )  # fmt: skip


def chain_entries(
    head: tuple[int, str], user: str, notes: Iterable[AuditNote], now: Callable[[], str]
) -> list[AuditRow]:
    """Entries that continue the chain after ``head`` (its sequence number and hash)."""
    seq, prev = head
    out: list[AuditRow] = []
    for note in notes:
        seq += 1
        time_utc = now()
        payload = payload_text(note.payload)
        digest = entry_hash(seq, time_utc, user, note.action, note.object, payload, prev)
        out.append(AuditRow(seq, time_utc, user, note.action, note.object, payload, prev, digest))
        prev = digest
    return out


def payload_text(payload: dict[str, Any]) -> str:
    """Canonical JSON for a payload (sorted keys, no whitespace)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    seq: int, time_utc: str, user: str, action: str, obj: str, payload: str, prev_hash: str
) -> str:
    """The hash of one entry, chained to ``prev_hash``."""
    canonical = json.dumps(
        [seq, time_utc, user, action, obj, payload, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of verifying a log."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad: int | None = None
    problem: str | None = None


def verify_rows(rows: Iterable[AuditRow], expect_head: tuple[int, str] | None = None) -> Verdict:
    """Check a log's rows (in stored order) and name the first bad entry."""
    previous_hash = GENESIS
    expected_seq = 1
    count = 0
    head = (0, GENESIS)
    seen: dict[int, str] = {}
    for row in rows:
        count += 1
        if row.seq != expected_seq:
            if row.seq > expected_seq:
                problem = (
                    f"entry {expected_seq} is missing: the log jumps from entry "
                    f"{expected_seq - 1} to entry {row.seq} (deleted)"
                )
            else:
                problem = (
                    f"entry {row.seq} appears after entry {expected_seq - 1} "
                    "(inserted or reordered)"
                )
            return Verdict(
                False, count, *head, first_bad=min(row.seq, expected_seq), problem=problem
            )
        if row.prev_hash != previous_hash:
            return Verdict(
                False, count, *head, first_bad=row.seq,
                problem=f"entry {row.seq} does not follow entry {row.seq - 1}: its previous-hash "
                "link is broken (an entry was inserted, deleted or reordered here)",
            )  # fmt: skip
        if row.expected_hash() != row.hash:
            return Verdict(
                False, count, *head, first_bad=row.seq,
                problem=f"entry {row.seq} ({row.action}) does not match its hash: it was edited",
            )  # fmt: skip
        previous_hash = row.hash
        seen[row.seq] = row.hash
        head = (row.seq, row.hash)
        expected_seq += 1
    if expect_head is not None:
        seq, digest = expect_head
        if seq > head[0]:
            return Verdict(
                False, count, *head, first_bad=head[0] + 1,
                problem=f"the log ends at entry {head[0]} but a recorded head names entry {seq}: "
                "the tail was cut",
            )  # fmt: skip
        if seen.get(seq) != digest.lower():
            return Verdict(
                False, count, *head, first_bad=seq,
                problem=f"entry {seq} does not carry the recorded head hash: the log was rewritten",
            )  # fmt: skip
    return Verdict(True, count, *head)
