"""Duplicate groups: exact duplicates (same SHA-256) and near duplicates.

Near duplicates use the same rule as near matching against lists: a pHash
within the case threshold, confirmed by the second hash. Low-information and
partially decoded images take no part in near grouping (they still group
with byte-identical copies). Each group's representative is the member with
the most pixels, so the examiner sees the best copy.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from triage_app.case.session import CaseSession

MEDIA = ("image", "video")


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent.setdefault(x, x)
        if parent != x:
            parent = self.parent[x] = self.find(parent)
        return parent

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """How many groups were formed."""

    groups: int
    grouped_items: int
    exact_groups: int
    near_groups: int


def _hamming(a: str | None, b: str | None) -> int:
    if not a or not b:
        return 64
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def _join_near_duplicates(
    session: CaseSession, items: list[dict[str, Any]], uf: _UnionFind
) -> None:
    """Join items whose perceptual hashes satisfy the near-match rule."""
    import numpy as np

    from triage_app.library.case_matcher import near_threshold
    from triage_app.matching import near_rule
    from triage_app.matching.hamming_index import HammingIndex

    threshold = near_threshold(session.store)
    eligible = []
    for r in items:
        shaped = {**r, "bundle": json.loads(r["hash_bundle"]) if r["hash_bundle"] else {}}
        if near_rule.may_near_match(shaped):
            eligible.append(shaped)
    candidates: dict[int, set[int]] = defaultdict(set)
    for column in near_rule.LOOKUP_COLUMNS:
        values: list[int] = []
        owners: list[int] = []
        for pos, r in enumerate(eligible):
            value = near_rule.item_bundle(r).get(column)
            if value:
                values.append(int(value, 16))
                owners.append(pos)
        if not values:
            continue
        index = HammingIndex.build(
            np.array(values, dtype=np.uint64), np.array(owners, dtype=np.int64), max_distance=16
        )
        queries: list[int] = []
        asking: list[int] = []
        for pos, r in enumerate(eligible):
            for col, _variant, lookup in near_rule.lookups(r):
                if col == column:
                    queries.append(lookup)
                    asking.append(pos)
        if not queries:
            continue
        found = index.search_many(np.array(queries, dtype=np.uint64), threshold)
        for q, other in zip(found.query_index.tolist(), found.ids.tolist(), strict=True):
            if asking[q] != other:
                candidates[asking[q]].add(int(other))
    for pos, others in candidates.items():
        for other in others:
            if uf.find(eligible[pos]["id"]) == uf.find(eligible[other]["id"]):
                continue
            known = near_rule.item_bundle(eligible[other])
            matched, _, _ = near_rule.decide(eligible[pos], known, threshold)
            if matched:
                uf.union(eligible[pos]["id"], eligible[other]["id"])


def compute_groups(session: CaseSession) -> GroupSummary:
    """Recompute and store the case's duplicate groups."""
    items = [r for r in session.review.review_items() if r["media_type"] in MEDIA]
    by_id = {r["id"]: r for r in items}
    uf = _UnionFind()
    by_sha: dict[str, list[int]] = defaultdict(list)
    for r in items:
        if r["sha256"]:
            by_sha[r["sha256"]].append(r["id"])
    for ids in by_sha.values():
        for other in ids[1:]:
            uf.union(ids[0], other)

    if len(items) > 1:  # a lone item has nothing to be near to
        _join_near_duplicates(session, items, uf)

    groups: dict[int, list[int]] = defaultdict(list)
    for r in items:
        groups[uf.find(r["id"])].append(r["id"])
    members: list[tuple[int, int, str, bool, int]] = []
    exact_groups = near_groups = 0
    for ids in groups.values():
        if len(ids) < 2:
            continue
        rep = max(ids, key=lambda i: ((by_id[i]["width"] or 0) * (by_id[i]["height"] or 0), -i))
        kind = "exact" if len({by_id[i]["sha256"] for i in ids}) == 1 else "near"
        exact_groups += kind == "exact"
        near_groups += kind == "near"
        for i in ids:
            distance = (
                0
                if by_id[i]["sha256"] == by_id[rep]["sha256"]
                else _hamming(by_id[i]["phash"], by_id[rep]["phash"])
            )
            members.append((i, rep, kind, i == rep, distance))
    session.review.replace_clusters(members)
    return GroupSummary(
        groups=exact_groups + near_groups,
        grouped_items=len(members),
        exact_groups=exact_groups,
        near_groups=near_groups,
    )


def status(session: CaseSession) -> dict[str, Any]:
    """The counts ``triage status --json`` reports."""
    from triage_app.review.grading import FROM_LIST, HUMAN_SOURCES, is_propagated

    summary = session.store.summary()
    rows = session.review.review_items()
    grades = session.review.grades()
    clusters = session.review.clusters()
    media = [r for r in rows if r["media_type"] in MEDIA]
    kinds: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["kind"]:
            kinds[r["kind"]] += 1
    settled = {r["id"] for r in media if r["id"] in grades or r["kind"] == "ignorable"}
    open_groups: set[int] = set()
    all_groups: set[int] = set()
    for r in media:
        group = clusters[r["id"]][0] if r["id"] in clusters else -r["id"]
        all_groups.add(group)
    settled_groups = {clusters[i][0] if i in clusters else -i for i in settled}
    open_groups = all_groups - settled_groups
    sources = [g.source for g in grades.values()]
    return {
        "items": summary.totals.found,
        "hashed": summary.totals.hashed,
        "skipped": summary.totals.skipped,
        "failed": summary.totals.failed,
        "media_items": len(media),
        "exact_graded": sum(s == FROM_LIST for s in sources),
        "ignorable": kinds["ignorable"],
        "suggestions": sum(1 for r in rows if r["kind"] == "near" and r["id"] not in grades),
        "graded_by_hand": sum(s in HUMAN_SOURCES for s in sources),
        "propagated": sum(is_propagated(s) for s in sources),
        "graded": len(grades),
        "groups": len({c[0] for c in clusters.values()}),
        "review_load": len(open_groups),
        "exact_matches": kinds["exact"],
        "near_matches": kinds["near"],
    }
