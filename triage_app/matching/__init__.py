"""Matching 64-bit perceptual hashes against known lists: the Hamming index and the near rule.

Pure numpy (no Qt, no database, no storage code)::

    from triage_app.matching import HammingIndex, hex_to_u64

    index = HammingIndex.build(hex_to_u64(known_hex), ids=known_ids, max_distance=12)
    ids, distances = index.search(int(case_hash_hex, 16), t=8)
    query_index, ids, distances = index.search_many(hex_to_u64(case_hex), t=8)
    index.save(folder)  # later: HammingIndex.load(folder), memory-mapped

Every entry within distance ``t`` is returned (exact, recall 1.0), found by
multi-index hashing: the 64 bits are split into substrings, one sorted table
per substring, and by the pigeonhole principle a match must be close in at
least one of them. :mod:`.planner` picks the split at build time and the
per-table search radius per query distance; :mod:`.tables` holds the
substring tables, :mod:`.search` walks them, :mod:`.hamming_index` is the
index users hold and :mod:`.index_store` its on-disk format.

256-bit PDQ hashes (``(n, 4)`` uint64 rows) have :class:`PdqIndex`
(:mod:`.hamming256`), built the same way and tuned for PDQ's distance 31.

The near-match rule (:mod:`.near_match`) decides which candidates match;
:mod:`.near_rule` applies it to case items and library entries.
"""

from triage_app.matching.bits import popcount64
from triage_app.matching.hamming256 import PdqIndex
from triage_app.matching.hamming_index import HammingIndex
from triage_app.matching.hex256 import hex_to_u64x4, u64x4_to_hex
from triage_app.matching.hexcodec import hex_to_u64, u64_to_hex
from triage_app.matching.index_store import FORMAT_VERSION, IndexFormatError
from triage_app.matching.matches import Matches

__all__ = [
    "FORMAT_VERSION",
    "HammingIndex",
    "IndexFormatError",
    "Matches",
    "PdqIndex",
    "hex_to_u64",
    "hex_to_u64x4",
    "popcount64",
    "u64_to_hex",
    "u64x4_to_hex",
]
