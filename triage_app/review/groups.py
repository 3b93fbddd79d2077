"""Duplicate groups: exact duplicates (same SHA-256) and near duplicates.

Near duplicates use the same rule as near matching against lists: a pHash
within the case threshold, confirmed by the second hash. Low-information and
partially decoded images take no part in near grouping (they still group
with byte-identical copies). Each group's representative is the member with
the most pixels, so the examiner sees the best copy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.domain.grade_sources import FROM_LIST, HUMAN_SOURCES, is_propagated
from triage_app.domain.records import HashedItem
from triage_app.review.queue import MEDIA, needs_look, review_load

__all__ = ["MEDIA", "GroupSummary", "compute_groups", "group_sizes", "status"]


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


def group_sizes(clusters: dict[int, tuple[int, str, bool, int]]) -> dict[int, int]:
    """How many items each duplicate group has (from ``ReviewStore.clusters``)."""
    sizes: dict[int, int] = defaultdict(int)
    for group, *_ in clusters.values():
        sizes[group] += 1
    return dict(sizes)


def _hamming(a: str | None, b: str | None) -> int:
    if not a or not b:
        return 64
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def _join_near_duplicates(session: CaseSession, items: list[HashedItem], uf: _UnionFind) -> None:
    """Join items whose perceptual hashes satisfy the near-match rule."""
    import numpy as np

    from triage_app.library.case_matcher import near_threshold, variant_queries
    from triage_app.matching import near_rule
    from triage_app.matching.hamming_index import HammingIndex

    threshold = near_threshold(session.store)
    ids = [r.id for r in items]
    facts = list(items)
    eligible = [pos for pos, f in enumerate(facts) if near_rule.may_near_match(f)]
    ids, facts = [ids[p] for p in eligible], [facts[p] for p in eligible]
    candidates: dict[int, set[int]] = defaultdict(set)
    for column in near_rule.LOOKUP_COLUMNS:
        values: list[int] = []
        owners: list[int] = []
        for pos, f in enumerate(facts):
            value = near_rule.item_bundle(f).get(column)
            if value:
                values.append(int(value, 16))
                owners.append(pos)
        if not values:
            continue
        index = HammingIndex.build(
            np.array(values, dtype=np.uint64), np.array(owners, dtype=np.int64), max_distance=16
        )
        queries, asking = variant_queries(facts, column)
        if not queries:
            continue
        found = index.search_many(np.array(queries, dtype=np.uint64), threshold)
        for q, other in zip(found.query_index.tolist(), found.ids.tolist(), strict=True):
            if asking[q] != other:
                candidates[asking[q]].add(int(other))
    for pos, others in candidates.items():
        for other in others:
            if uf.find(ids[pos]) == uf.find(ids[other]):
                continue
            known = near_rule.item_bundle(facts[other])
            matched, _, _ = near_rule.decide(facts[pos], known, threshold)
            if matched:
                uf.union(ids[pos], ids[other])


def compute_groups(session: CaseSession) -> GroupSummary:
    """Recompute and store the case's duplicate groups."""
    items = [r for r in session.store.hashed_items() if r.media_type in MEDIA]
    by_id = {r.id: r for r in items}
    uf = _UnionFind()
    by_sha: dict[str, list[int]] = defaultdict(list)
    for r in items:
        if r.sha256:
            by_sha[r.sha256].append(r.id)
    for ids in by_sha.values():
        for other in ids[1:]:
            uf.union(ids[0], other)

    if len(items) > 1:  # a lone item has nothing to be near to
        _join_near_duplicates(session, items, uf)
        from triage_app.review.video_groups import join_video_duplicates

        join_video_duplicates(session, items, uf.union)

    groups: dict[int, list[int]] = defaultdict(list)
    for r in items:
        groups[uf.find(r.id)].append(r.id)
    members: list[tuple[int, int, str, bool, int]] = []
    exact_groups = near_groups = 0
    for ids in groups.values():
        if len(ids) < 2:
            continue
        rep = by_id[max(ids, key=lambda i: (by_id[i].pixels, -i))]
        kind = "exact" if len({by_id[i].sha256 for i in ids}) == 1 else "near"
        exact_groups += kind == "exact"
        near_groups += kind == "near"
        for i in ids:
            item = by_id[i]
            distance = 0 if item.sha256 == rep.sha256 else _hamming(item.phash, rep.phash)
            members.append((i, rep.id, kind, i == rep.id, distance))
    session.review.replace_clusters(members)
    return GroupSummary(
        groups=exact_groups + near_groups,
        grouped_items=len(members),
        exact_groups=exact_groups,
        near_groups=near_groups,
    )


def status(session: CaseSession) -> dict[str, Any]:
    """The counts ``triage status --json`` reports."""
    summary = session.store.summary()
    rows = session.store.hashed_items()
    grades = session.review.grades()
    clusters = session.review.clusters()
    media = [r for r in rows if r.media_type in MEDIA]
    kinds: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.match_kind:
            kinds[r.match_kind] += 1

    def category(item: int) -> str | None:
        grade = grades.get(item)
        return grade.category if grade is not None else None

    open_items = [
        (r.id, clusters[r.id][0] if r.id in clusters else None)
        for r in media
        if needs_look(r.media_type, category(r.id), r.match_kind)
    ]
    sources = [g.source for g in grades.values()]
    return {
        "items": summary.totals.found,
        "hashed": summary.totals.hashed,
        "skipped": summary.totals.skipped,
        "failed": summary.totals.failed,
        "media_items": len(media),
        "exact_graded": sum(s == FROM_LIST for s in sources),
        "ignorable": kinds["ignorable"],
        "suggestions": sum(1 for r in rows if r.match_kind == "near" and r.id not in grades),
        "graded_by_hand": sum(s in HUMAN_SOURCES for s in sources),
        "propagated": sum(is_propagated(s) for s in sources),
        "graded": len(grades),
        "groups": len({c[0] for c in clusters.values()}),
        "review_load": review_load(open_items),
        "exact_matches": kinds["exact"],
        "near_matches": kinds["near"],
    }
