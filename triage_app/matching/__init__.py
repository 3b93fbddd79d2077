"""Exact Hamming-radius matching of 64-bit perceptual hashes against known lists.

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
per-table search radius per query distance; :mod:`.hamming_index` has the
search; :mod:`.index_store` the on-disk format.
"""

from triage_app.matching.bits import popcount64
from triage_app.matching.hamming_index import HammingIndex, Matches
from triage_app.matching.hexcodec import hex_to_u64, u64_to_hex
from triage_app.matching.index_store import FORMAT_VERSION, IndexFormatError

__all__ = [
    "FORMAT_VERSION",
    "HammingIndex",
    "IndexFormatError",
    "Matches",
    "hex_to_u64",
    "popcount64",
    "u64_to_hex",
]
