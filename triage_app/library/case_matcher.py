"""Match a case's items against every active set in the hash library.

Kinds of match, best first:

- ``exact``: MD5, SHA-1 or SHA-256 equality with an entry of a *known* set.
  The item is pre-categorised from the list; when sets disagree the most
  severe category (in the case's scheme) wins and the conflict is listed. An
  MD5 hit whose entry carries a different SHA-1 is flagged.
- ``ignorable``: an exact hit in an *ignorable* set (NSRL-like) and no known hit.
- ``near``: one of the item's query variants (as is, flipped or rotated,
  de-bordered, centre region at several scales) has a pHash within the case's
  threshold of a known entry's, confirmed by the dHash family of the same
  variant (see :mod:`triage_app.media.perceptual`). A suggestion, never a
  grade. Low-information and partially decoded images never near-match.
  An item whose PDQ (or the PDQ of one of its rotations and flips) is within
  31 bits of an entry's, both of quality 50 or more, near-matches too
  (:mod:`triage_app.library.pdq_matcher`); when both rules find the same
  entry the hit lists every hash that agreed (``agreed``: hash -> distance).
  A video also near-matches from its sampled frames: a known video whose
  frames it shares, or a known image one of its frames shows
  (:mod:`triage_app.library.video_matcher`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from triage_app.config.schemes import load_scheme, map_list_code
from triage_app.domain.clock import utc_now
from triage_app.domain.options import SETTING_NEAR_THRESHOLD
from triage_app.domain.records import HashedItem, MatchRecord
from triage_app.library.pdq_matcher import pdq_hits
from triage_app.library.set_index import EXACT_KINDS, SetIndex
from triage_app.library.video_matcher import VIDEO_FRAMES, case_videos, video_hits
from triage_app.matching import near_rule
from triage_app.media.pdq_names import PDQ_BITS
from triage_app.storage.case_store import CaseStore
from triage_app.storage.library_store import HashSetInfo, LibraryStore

PDQ = "pdq"
EXACT = "exact"
NEAR = "near"
IGNORABLE = "ignorable"


@dataclass(frozen=True, slots=True)
class MatchSummary:
    """What a match run found."""

    run_id: int
    sets: list[str]
    items: int
    counts: dict[str, int]
    thresholds: dict[str, int]


@dataclass(slots=True)
class _Hit:
    kind: str
    info: HashSetInfo
    entry: dict[str, Any]
    matched_on: str
    distance: int = 0
    category: str | None = None
    variant: str | None = None
    #: Every hash that agreed with the entry, and at what distance (bits).
    agreed: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float:
        """The distance as a share of the bits of the hash it was measured on."""
        return self.distance / (PDQ_BITS if self.matched_on == PDQ else 64)


@dataclass(slots=True)
class _ItemHits:
    exact: list[_Hit] = field(default_factory=list)
    ignorable: list[_Hit] = field(default_factory=list)
    near: list[_Hit] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def near_threshold(case: CaseStore) -> int:
    """The case's pHash threshold for near matches."""
    raw = case.setting(SETTING_NEAR_THRESHOLD)
    return int(raw) if raw is not None else near_rule.DEFAULT_NEAR_THRESHOLD


def variant_queries(
    facts: Sequence[near_rule.NearFacts], column: str
) -> tuple[list[int], list[int]]:
    """The 64-bit lookups on ``column`` of every item's query variants, and the position
    (in ``facts``) of the item each belongs to; items kept out of near matching ask none."""
    queries: list[int] = []
    owners: list[int] = []
    for pos, item in enumerate(facts):
        if near_rule.may_near_match(item):
            for col, _variant, value in near_rule.lookups(item):
                if col == column:
                    queries.append(value)
                    owners.append(pos)
    return queries, owners


def match_case(case: CaseStore, library: LibraryStore, *, actor: str) -> MatchSummary:
    """Match every hashed item against all active sets and store the results."""
    started = utc_now()
    scheme_id = case.summary().scheme
    scheme = load_scheme(scheme_id)
    threshold = near_threshold(case)
    sets = [s for s in library.sets() if s.active]
    items = case.hashed_items()
    hits: dict[int, _ItemHits] = defaultdict(_ItemHits)
    videos = case_videos(case, items)
    for info in sets:
        index = SetIndex.for_set(library, info)
        _exact_hits(library, info, index, items, hits)
        if info.role == "known":
            _near_hits(library, info, index, items, hits, threshold)
            for v in video_hits(library, info, index, videos, threshold):
                hit = _Hit(NEAR, info, v.entry, v.matched_on, v.distance, variant=v.variant)
                hits[v.item_id].near.append(hit)
    records: list[MatchRecord] = []
    for item_id, found in hits.items():
        for hit in (*found.exact, *found.ignorable, *found.near):
            hit.category = map_list_code(hit.entry["category"], hit.info.scheme, scheme_id)
        record = _resolve(item_id, found, scheme)
        if record is not None:
            records.append(record)
    rule = near_rule.thresholds(threshold)
    thresholds = {
        "phash": rule.phash,
        "dhash_pair": rule.dhash_pair,
        "dhash_only": rule.dhash_only,
    }
    run_id, counts = case.record_match_run(
        started_at=started,
        hash_sets=[
            {
                "name": s.name,
                "fingerprint": s.fingerprint,
                "role": s.role,
                "entries": s.loaded,
                "source_sha256": s.source_sha256,
                "imported_at": s.imported_at,
            }
            for s in sets
        ],
        thresholds=thresholds,
        matches=records,
        actor=actor,
    )
    return MatchSummary(
        run_id=run_id,
        sets=[s.name for s in sets],
        items=len(items),
        counts=counts,
        thresholds=thresholds,
    )


def _exact_hits(
    library: LibraryStore,
    info: HashSetInfo,
    index: SetIndex,
    items: list[HashedItem],
    hits: dict[int, _ItemHits],
) -> None:
    found: dict[tuple[int, int], str] = {}
    for kind in EXACT_KINDS:
        digests = [getattr(item, kind) for item in items]
        have = [(i, bytes.fromhex(d)) for i, d in enumerate(digests) if d]
        if not have:
            continue
        qpos, entry_ids = index.exact_candidates(kind, [d for _, d in have])
        for q, entry_id in zip(qpos.tolist(), entry_ids.tolist(), strict=True):
            item_pos = have[q][0]
            found.setdefault((item_pos, int(entry_id)), kind)
    entries = library.entries(sorted({e for _, e in found}))
    for (item_pos, entry_id), kind in found.items():
        item, entry = items[item_pos], entries.get(entry_id)
        if entry is None or entry[kind] != getattr(item, kind):
            continue  # only the 8-byte prefix agreed
        hit = _Hit(EXACT if info.role == "known" else IGNORABLE, info, entry, kind)
        bucket = hits[item.id]
        (bucket.exact if info.role == "known" else bucket.ignorable).append(hit)
        if kind == "md5" and entry["sha1"] and item.sha1 and entry["sha1"] != item.sha1:
            bucket.flags.append(
                f"MD5 matches entry line {entry['line']} of {info.name} but its SHA-1 "
                f"{entry['sha1']} differs from the file's {item.sha1}"
            )


def _near_hits(
    library: LibraryStore,
    info: HashSetInfo,
    index: SetIndex,
    items: list[HashedItem],
    hits: dict[int, _ItemHits],
    threshold: int,
) -> None:
    """Near matches: look up every query variant, then apply the rule to each candidate."""
    facts = items
    candidates: dict[int, set[int]] = defaultdict(set)
    for column in near_rule.LOOKUP_COLUMNS:
        queries, owners = variant_queries(facts, column)
        if not queries:
            continue
        result = index.near_candidates(column, np.asarray(queries, dtype=np.uint64), threshold)
        if result is None:
            continue
        for q, entry_id in zip(result.query_index.tolist(), result.ids.tolist(), strict=True):
            candidates[owners[q]].add(int(entry_id))
    found: dict[tuple[int, int], _Hit] = {}
    entries = library.entries(sorted({e for ids in candidates.values() for e in ids}))
    for pos, entry_ids in candidates.items():
        for entry_id in sorted(entry_ids):
            entry = entries.get(entry_id)
            if entry is None:
                continue
            known = near_rule.entry_hashes(entry)
            matched, distance, kind = near_rule.decide(facts[pos], known, threshold)
            if not matched or distance is None:
                continue
            column, _, variant = (kind or "").partition(" ")
            hit = _Hit(NEAR, info, entry, column or "phash", distance, variant=variant or None)
            hit.agreed = near_rule.agreement(facts[pos], known, kind or "")
            found[(pos, entry_id)] = hit
    pdq, pdq_entries = pdq_hits(index, items, library.entries)
    for p in pdq:
        existing = found.get((p.position, p.entry_id))
        if existing is None:
            entry = pdq_entries.get(p.entry_id)
            if entry is None:
                continue
            existing = _Hit(NEAR, info, entry, PDQ, p.distance, variant=p.variant)
            found[(p.position, p.entry_id)] = existing
        existing.agreed[PDQ] = p.distance
    for (pos, _entry_id), hit in sorted(found.items()):
        hits[items[pos].id].near.append(hit)


def _describe(hit: _Hit) -> dict[str, Any]:
    out: dict[str, Any] = {
        "hash_set": hit.info.name,
        "entry_id": hit.entry["id"],
        "line": hit.entry["line"],
        "list_category": hit.entry["category"],
        "category": hit.category,
        "matched_on": hit.matched_on,
        "distance": hit.distance,
    }
    if hit.entry.get("name"):
        out["name"] = hit.entry["name"]
    if hit.variant:
        out["variant"] = hit.variant
    if hit.agreed:
        out["agreed"] = dict(hit.agreed)
    return out


def _resolve(item_id: int, found: _ItemHits, scheme: Any) -> MatchRecord | None:
    def severity(hit: _Hit) -> int:
        return scheme.severity(hit.category) if hit.category is not None else -1

    if found.exact:
        best = max(found.exact, key=lambda h: (severity(h), -h.info.id))
        categories = {h.category or h.entry["category"] for h in found.exact}
        details: dict[str, Any] = {"hits": [_describe(h) for h in found.exact[:20]]}
        if len(categories) > 1:
            details["conflicts"] = sorted(
                {f"{h.info.name}: {h.entry['category']} -> {h.category}" for h in found.exact}
            )
        if found.ignorable:
            details["also_ignorable_in"] = sorted({h.info.name for h in found.ignorable})
        return _record(item_id, EXACT, best, found.flags, details)
    if found.ignorable:
        best = found.ignorable[0]
        details = {"hits": [_describe(h) for h in found.ignorable[:20]]}
        return _record(item_id, IGNORABLE, best, found.flags, details)
    if found.near:
        # On a tie a video's frame-by-frame match goes first (it says more than one frame).
        ranked = sorted(
            found.near, key=lambda h: (h.share, -severity(h), h.matched_on != VIDEO_FRAMES)
        )
        best = ranked[0]
        details = {"hits": [_describe(h) for h in ranked[:20]]}
        return _record(item_id, NEAR, best, found.flags, details)
    return None


def _record(
    item_id: int, kind: str, best: _Hit, flags: list[str], details: dict[str, Any]
) -> MatchRecord:
    if best.variant:
        details["variant"] = best.variant
    details["entry"] = {"line": best.entry["line"], "name": best.entry.get("name")}
    return MatchRecord(
        item_id=item_id,
        kind=kind,
        hash_set=best.info.name,
        set_fingerprint=best.info.fingerprint,
        entry_id=best.entry["id"],
        category=best.category,
        list_category=best.entry["category"],
        distance=best.distance,
        matched_on=best.matched_on,
        flagged=list(dict.fromkeys(flags)),
        details=details,
    )
