"""Match runs: the case's matches against the hash library, replaced run by run."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select

from triage_app import __version__, audit
from triage_app.domain.clock import utc_now
from triage_app.domain.records import MatchRecord
from triage_app.storage.audit_log import AuditNote, append_audit
from triage_app.storage.bindings import matches_digest
from triage_app.storage.database import Database
from triage_app.storage.item_rows import match_values
from triage_app.storage.models.case import Match, MatchRun

#: What the audit log records of each hash set used for the first time in a case.
_SET_FACTS = ("name", "fingerprint", "role", "entries", "source_sha256")


class MatchStore(Database):
    """The matching side of a case store."""

    def record_match_run(
        self,
        *,
        started_at: str,
        hash_sets: list[dict[str, Any]],
        thresholds: dict[str, Any],
        matches: list[MatchRecord],
        actor: str,
    ) -> tuple[int, dict[str, int]]:
        """Replace the case's matches with a new run's results, in one transaction.

        Logs each hash set used for the first time in this case ("hash set
        attached", with its fingerprint) and the run itself.
        """
        counts: dict[str, int] = {}
        for m in matches:
            counts[m.kind] = counts.get(m.kind, 0) + 1
        with self.write_session() as session:
            seen: set[tuple[str, str]] = set()
            for (old_sets,) in session.execute(select(MatchRun.hash_sets)):
                seen |= {(s["name"], s["fingerprint"]) for s in json.loads(old_sets)}
            notes = [
                AuditNote(
                    audit.HASH_SET_ATTACHED,
                    f"hash set {s['name']}",
                    {k: s.get(k) for k in _SET_FACTS},
                )
                for s in hash_sets
                if (s["name"], s["fingerprint"]) not in seen
            ]
            run = MatchRun(
                started_at=started_at,
                finished_at=utc_now(),
                hash_sets=json.dumps(hash_sets),
                thresholds=json.dumps(thresholds),
                counts=json.dumps(counts),
                app_version=__version__,
            )
            session.add(run)
            session.flush()
            session.execute(delete(Match))
            if matches:
                session.execute(insert(Match), [match_values(m, run.id) for m in matches])
            stored, digest = matches_digest(session)
            notes.append(
                AuditNote(
                    audit.MATCH_RUN,
                    f"match run {run.id}",
                    {
                        "run": run.id,
                        "hash_sets": [s["name"] for s in hash_sets],
                        "thresholds": thresholds,
                        "counts": counts,
                        "matches": stored,
                        "matches_sha256": digest,
                    },
                )
            )
            append_audit(session, actor, notes)
            return run.id, counts
