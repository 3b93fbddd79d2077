"""Names in a perceptual hash bundle: its keys, their families and sizes.

Plain constants (no numpy, no Pillow), so the near-match rule can read bundles
without loading what computes them (:mod:`triage_app.media.perceptual`).

========== =================================================================
``phash``   ``imagehash.phash`` of the whole image (interoperable)
``dhash``   ``imagehash.dhash`` of the whole image (interoperable)
``dvhash``  vertical dHash of the whole image (``dhash`` on columns)
``cphash``  pHash of the centre region
``cdhash``  dHash of the centre region
``cdvhash`` vertical dHash of the centre region
========== =================================================================
"""

from __future__ import annotations

from typing import Final

#: Bits in every hash of the bundle.
HASH_BITS: Final = 64
#: Hex digits in every hash of the bundle.
HEX_DIGITS: Final = HASH_BITS // 4

# Bundle keys (also the column names of the product's own CSV lists).
PHASH: Final = "phash"
DHASH: Final = "dhash"
DVHASH: Final = "dvhash"
CPHASH: Final = "cphash"
CDHASH: Final = "cdhash"
CDVHASH: Final = "cdvhash"
#: Every key of a bundle, in order.
BUNDLE_KEYS: Final = (PHASH, DHASH, DVHASH, CPHASH, CDHASH, CDVHASH)
#: Key of a query variant's label (not a hash): which hypothesis it stands for.
VARIANT: Final = "variant"

#: Hash families: (pHash key, horizontal dHash key, vertical dHash key).
WHOLE_FAMILY: Final = (PHASH, DHASH, DVHASH)
CENTRE_FAMILY: Final = (CPHASH, CDHASH, CDVHASH)
