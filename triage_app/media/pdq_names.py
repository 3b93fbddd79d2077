"""PDQ's constants, as plain values (no numpy, no Pillow), for the matching side."""

from __future__ import annotations

from typing import Final

#: Bits in a PDQ hash; hex digits in its string form.
PDQ_BITS: Final = 256
PDQ_HEX_DIGITS: Final = 64
#: Meta's published operating point: a match within this many bits ...
PDQ_MATCH_DISTANCE: Final = 31
#: ... between hashes of at least this quality (lower: too little to compare).
PDQ_MIN_QUALITY: Final = 50
#: Key of an item's hash bundle that holds the PDQ of its seven turns and flips.
DIHEDRAL_KEY: Final = "pdq_dihedral"
#: Their names, in :func:`triage_app.media.pdq.pdq_dihedral`'s order (after the original).
DIHEDRAL_NAMES: Final = (
    "ROTATE_90", "ROTATE_180", "ROTATE_270", "FLIP_LEFT_RIGHT", "FLIP_TOP_BOTTOM",
    "TRANSPOSE", "TRANSVERSE",
)  # fmt: skip
