"""Perceptual hash bundles and the near-match decision rule.

Two sides take part in a near match:

* the **known** side is a list entry. All it has is the hashes stored in the
  list: lists from other imagehash-based tools carry ``phash`` (and maybe
  ``dhash``); lists exported by this product carry the whole *bundle* that
  :func:`compute_bundle` returns;
* the **query** side is a case item. We have its pixels, so
  :func:`query_variants` hashes it under several hypotheses about how it was
  derived from the original (mirrored or rotated, a border added, a few per
  cent cropped away), each hashed the way the *original* would have been.

The bundle (all hashes 64 bits, 16 hex digits):

========== =================================================================
``phash``   ``imagehash.phash`` of the whole image (interoperable)
``dhash``   ``imagehash.dhash`` of the whole image (interoperable)
``dvhash``  vertical dHash of the whole image (``dhash`` on columns)
``cphash``  pHash of the centre region (``CENTRE_FRACTION`` of each side)
``cdhash``  dHash of the centre region
``cdvhash`` vertical dHash of the centre region
========== =================================================================

``phash``/``dhash`` are bit-for-bit what ``imagehash.phash``/``imagehash.dhash``
give for the same normalised image (the test suite checks it). The other
four are computed from a grey working copy reduced to about ``WORK_SIDE``
pixels; they mean nothing outside this product.

The centre region survives caption bars and watermarks along the top or
bottom edge (they fall outside it) and, looked up at a few scales, crops and
added borders. The whole-image hashes carry mirrors and quarter turns: the
eight flips/rotations of the query are hashed on the query side only, so a
mirrored item still finds the entry of the unmirrored original.

Decision rule (:func:`is_near_match`): a query variant matches an entry when
its pHash is within ``thresholds.phash`` bits of the entry's pHash of the same
region (the 64-bit index lookup), **and** the match is confirmed by the dHash
family of the same region and variant: horizontal plus vertical dHash within
``thresholds.dhash_pair`` bits of 128 when the entry has both, or horizontal
dHash alone within ``thresholds.dhash_only`` of 64 for lists that only carry
``phash`` and ``dhash``. Entries with no dHash cannot be confirmed and never
near-match. Low-information images (and low-information regions) yield no
query variants, so they never near-match either. Default thresholds and the
measurements behind them: ``benchmarks/match_quality.py``.

Lookups per query item: one 64-bit pHash lookup per query variant
(``QUERY_LOOKUPS`` = 18): 8 orientations plus 3 border hypotheses against the
``phash`` column, 1 plus 3 crop plus 3 border hypotheses against the
``cphash`` column. The dHash confirmation is a check on the candidates found,
not a lookup.

Tried and dropped (numbers in the benchmark): trimming uniform borders before
hashing (the trimmed box moves between an original and its copy whenever the
picture itself has near-uniform edges, up to 28 bits on plain JPEG copies; the
border hypotheses do better); a PDQ-style 256-bit hash (needs an index of its
own, and crops, borders and captions move it more than pHash: median 64, 106
and 40 of 256 bits); flips/rotations of the centre region (7 more lookups,
not needed for the floors).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image

#: Bumped whenever any bundle hash would come out differently for the same image.
BUNDLE_VERSION: Final = 1
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
#: Every key :func:`compute_bundle` fills, in order.
BUNDLE_KEYS: Final = (PHASH, DHASH, DVHASH, CPHASH, CDHASH, CDVHASH)
#: Key of a query variant's label (not a hash): which hypothesis it stands for.
VARIANT: Final = "variant"

#: Hash families: (pHash key, horizontal dHash key, vertical dHash key).
WHOLE_FAMILY: Final = (PHASH, DHASH, DVHASH)
CENTRE_FAMILY: Final = (CPHASH, CDHASH, CDVHASH)

#: Side of the centre region as a fraction of each side of the image. Caption
#: bars up to 20 % of the height at the top or bottom fall outside it.
CENTRE_FRACTION: Final = 0.6
#: Longest side of the grey working copy the region hashes are computed from.
WORK_SIDE: Final = 256
#: Filter that area-averages a region of the working copy to 32x32.
REGION_FILTER: Final = Image.Resampling.BOX
#: Crop hypotheses: the query's centre region is looked up this much larger,
#: i.e. as if 2, 3.5 and 5.5 % had been cut from every side.
CROP_SCALES: Final = (1.04, 1.08, 1.12)
#: Border hypotheses: the query's regions are looked up this much smaller,
#: i.e. as if a border of 5, 7.5 or 10 % of each side had been added.
BORDER_SCALES: Final = (1 / 1.1, 1 / 1.15, 1 / 1.2)

#: An image whose 32x32 grey thumbnail has a lower standard deviation (grey
#: levels) is near-uniform; same value as the ingest's ``LOW_INFO_STD``.
LOW_INFO_STD: Final = 3.0
#: Images with a shorter side carry too little to hash; as in the ingest.
LOW_INFO_MIN_SIDE: Final = 8
#: A region (centre or de-bordered image) whose 32x32 grey thumbnail varies
#: less than this (standard deviation, grey levels) is not looked up: flat
#: regions all hash alike.
REGION_MIN_STD: Final = 6.0
#: A known pHash with fewer bits set comes from a flat image and never
#: near-matches. pHash sets the coefficients above their median, so 32 bits
#: at most; ties at the median lower that (a chessboard gives 17, a uniform
#: image ``8000000000000000``, 1).
MIN_PHASH_BITS: Final = 8

# Default thresholds, from benchmarks/match_quality.py (124 originals x 29
# transformations, 196 distractors): the recall floors need pHash <= 12 (10
# leaves brightness +20 % and crops at 0.976); at pHash <= 12 the copies need
# d+dv <= 22 for 0.99 recall on every transformation, while the nearest
# unrelated pair (two smooth colour fields) sits at d+dv 29 and unrelated
# photographs at 50 or more, so 24 leaves a margin both ways. Against lists
# with only phash+dhash, copies within pHash 12 need dHash <= 12 while
# unrelated pairs within pHash 12 are at dHash 25 or more.
#: Default largest pHash distance (of 64 bits) of a candidate.
PHASH_MAX_DISTANCE: Final = 12
#: Default largest horizontal + vertical dHash distance (of 128 bits) that
#: confirms a candidate, for entries that carry both.
DHASH_PAIR_MAX_DISTANCE: Final = 24
#: Default largest horizontal dHash distance (of 64 bits) that confirms a
#: candidate, for entries that carry only ``phash`` and ``dhash``.
DHASH_ONLY_MAX_DISTANCE: Final = 12

_Array = NDArray[np.float64]
_Box = tuple[float, float, float, float]
_LANCZOS: Final = Image.Resampling.LANCZOS


@dataclass(frozen=True, slots=True)
class NearMatchThresholds:
    """Thresholds of the near-match rule; see the module docstring."""

    #: Largest pHash distance (bits of 64) of a candidate.
    phash: int = PHASH_MAX_DISTANCE
    #: Largest dHash + vertical dHash distance (bits of 128) that confirms.
    dhash_pair: int = DHASH_PAIR_MAX_DISTANCE
    #: Largest dHash distance (bits of 64) that confirms when only dHash is known.
    dhash_only: int = DHASH_ONLY_MAX_DISTANCE


DEFAULT_THRESHOLDS: Final = NearMatchThresholds()


# -- orientations ------------------------------------------------------------

_Op = Callable[[_Array], _Array]


def _rot90(a: _Array) -> _Array:
    return np.rot90(a, 1)


def _rot270(a: _Array) -> _Array:
    return np.rot90(a, 3)


#: The eight flips/rotations. Each is (name of the ``PIL.Image.Transpose``
#: member that would turn the original into the item, the array operation that
#: undoes it on the item's thumbnails, whether it swaps the axes).
ORIENTATIONS: Final[tuple[tuple[str, _Op, bool], ...]] = (
    ("none", lambda a: a, False),
    ("FLIP_LEFT_RIGHT", lambda a: a[:, ::-1], False),
    ("FLIP_TOP_BOTTOM", lambda a: a[::-1, :], False),
    ("ROTATE_180", lambda a: a[::-1, ::-1], False),
    ("ROTATE_90", _rot270, True),
    ("ROTATE_270", _rot90, True),
    ("TRANSPOSE", lambda a: a.T, True),
    ("TRANSVERSE", lambda a: a[::-1, ::-1].T, True),
)

#: Number of 64-bit lookups :func:`query_variants` asks for per item.
QUERY_LOOKUPS: Final = len(ORIENTATIONS) + 2 * len(BORDER_SCALES) + 1 + len(CROP_SCALES)


# -- hashing primitives ------------------------------------------------------


_Thumbs = tuple[_Array, _Array, _Array]


def _hex_rows(bits: NDArray[np.bool_]) -> list[str]:
    """One hex string per row of 64 bits; the first bit is the most significant,
    as ``str(imagehash.ImageHash)`` prints a flattened hash."""
    return [row.tobytes().hex() for row in np.packbits(bits, axis=1)]


#: The DCT-II basis (scipy.fftpack's unnormalised type 2) for the 8 lowest
#: frequencies of 32 samples: ``2 cos(pi k (2n + 1) / 64)``.
_DCT8 = 2.0 * np.cos(np.pi * np.arange(8)[:, None] * (2 * np.arange(32)[None, :] + 1) / 64)
#: A coefficient this close to the median could compare differently under the
#: two ways of computing the DCT (their results differ by < 1e-6 here).
_TIE_MARGIN = 1e-3


def _phash_bits(a32: _Array) -> NDArray[np.bool_]:
    """pHash bits of 32x32 thumbnails, bit for bit as ``imagehash.phash`` gives them.

    Only the 8x8 lowest frequencies are needed, so the DCT is two small matrix
    products rather than scipy's full transform (and scipy is not loaded). A
    bit can only differ from scipy's when a coefficient lies within floating
    point error of the median; where any lies within :data:`_TIE_MARGIN` of it
    (flat and symmetric pictures), that thumbnail is done with scipy instead.
    """
    low = (_DCT8 @ a32 @ _DCT8.T).reshape(len(a32), 64)
    median = np.median(low, axis=1, keepdims=True)
    ties = np.min(np.abs(low - median), axis=1) < _TIE_MARGIN
    if ties.any():
        import scipy.fftpack  # exact, and only for the few near-ties

        exact = scipy.fftpack.dct(scipy.fftpack.dct(a32[ties], axis=1), axis=2)
        low[ties] = np.asarray(exact, dtype=np.float64)[:, :8, :8].reshape(-1, 64)
        median[ties] = np.median(low[ties], axis=1, keepdims=True)
    return low > median


def _hash_batch(thumbs: Sequence[_Thumbs]) -> list[tuple[str, str, str]]:
    """pHash, dHash and vertical dHash of each (32x32, 8x9, 9x8) thumbnail triple.

    pHash is computed exactly as ``imagehash.phash`` (DCT over rows, then
    columns; the top-left 8x8 coefficients against their median) and dHash as
    ``imagehash.dhash`` (each pixel against its left neighbour), for many
    thumbnails at once.
    """
    a32 = np.stack([t[0] for t in thumbs])
    pbits = _phash_bits(a32)
    rows8 = np.stack([t[1] for t in thumbs])
    rows9 = np.stack([t[2] for t in thumbs])
    dbits = (rows8[:, :, 1:] > rows8[:, :, :-1]).reshape(len(thumbs), 64)
    dvbits = (rows9[:, 1:, :] > rows9[:, :-1, :]).reshape(len(thumbs), 64)
    return list(zip(_hex_rows(pbits), _hex_rows(dbits), _hex_rows(dvbits), strict=True))


def _resized(img: Image.Image, size: tuple[int, int], box: _Box | None = None) -> _Array:
    return np.asarray(img.resize(size, _LANCZOS, box=box), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Region:
    """Grey thumbnails of one region: 32x32 for pHash, 8x9 and 9x8 for dHash."""

    a32: _Array
    rows8: _Array  # 8 rows x 9 columns
    rows9: _Array  # 9 rows x 8 columns

    @classmethod
    def from_thumbnail(cls, a32: _Array) -> _Region:
        """A region whose dHash thumbnails are made from its 32x32 one (cheap)."""
        small = Image.fromarray(a32.astype(np.float32))
        return cls(a32, _resized(small, (9, 8)), _resized(small, (8, 9)))

    def std(self) -> float:
        return float(self.a32.std())

    def oriented(self, op: _Op = lambda a: a, swaps: bool = False) -> _Thumbs:
        """The thumbnails of this region turned by the orientation ``op``."""
        if swaps:
            return op(self.a32), op(self.rows9), op(self.rows8)
        return op(self.a32), op(self.rows8), op(self.rows9)


def _scaled_box(size: tuple[int, int], fraction: float) -> _Box:
    """The centred box covering ``fraction`` of each side of an image of ``size``."""
    w, h = size
    dx, dy = w * (1 - fraction) / 2, h * (1 - fraction) / 2
    return (dx, dy, w - dx, h - dy)


class _Hasher:
    """The thumbnails every hash of one image is made from, each computed once.

    ``whole`` holds the full-resolution 32x32 and 9x8 LANCZOS thumbnails that
    imagehash makes (so ``phash``/``dhash`` are exact) and a 9x8 one from a grey
    working copy box-reduced to at most ``WORK_SIDE`` a side. Regions are
    area-averaged from the working copy to 32x32 (``REGION_FILTER``), and their
    dHash thumbnails are resampled from that.
    """

    def __init__(self, img: Image.Image) -> None:
        # imagehash converts with convert("L") too; "L" images pass through unchanged.
        self.grey = img.convert("L")
        factor = -(-max(self.grey.size) // WORK_SIDE)
        self.work = self.grey.reduce(factor) if factor > 1 else self.grey
        # The 9-row thumbnail (vertical dHash; horizontal dHash of a quarter-turned
        # item) comes from the working copy: within a bit or so of a full-size one.
        self.whole = _Region(
            _resized(self.grey, (32, 32)), _resized(self.grey, (9, 8)), _resized(self.work, (8, 9))
        )

    def low_information(self) -> bool:
        """The ingest's test: a short side under ``LOW_INFO_MIN_SIDE`` or a flat thumbnail."""
        return min(self.grey.size) < LOW_INFO_MIN_SIDE or self.whole.std() < LOW_INFO_STD

    def region(self, fraction: float) -> _Region:
        """The centred region covering ``fraction`` of each side."""
        box = _scaled_box(self.work.size, fraction)
        a32 = np.asarray(self.work.resize((32, 32), REGION_FILTER, box=box), dtype=np.float64)
        return _Region.from_thumbnail(a32)

    def bundle(self) -> dict[str, str]:
        thumbs = [self.whole.oriented(), self.region(CENTRE_FRACTION).oriented()]
        whole, centre = _hash_batch(thumbs)
        return dict(zip(WHOLE_FAMILY + CENTRE_FAMILY, whole + centre, strict=True))

    def variants(self) -> list[dict[str, str]]:
        if self.low_information():
            return []
        jobs: list[tuple[str, tuple[str, str, str], _Thumbs]] = []
        for name, op, swaps in ORIENTATIONS:
            label = "whole" if name == "none" else f"whole:{name}"
            jobs.append((label, WHOLE_FAMILY, self.whole.oriented(op, swaps)))
        hypotheses = [
            (f"whole:border-{_border_percent(s)}", s, WHOLE_FAMILY) for s in BORDER_SCALES
        ]
        hypotheses.append(("centre", CENTRE_FRACTION, CENTRE_FAMILY))
        for scale in CROP_SCALES:
            label = f"centre:crop-{_crop_percent(scale)}"
            hypotheses.append((label, CENTRE_FRACTION * scale, CENTRE_FAMILY))
        for scale in BORDER_SCALES:
            label = f"centre:border-{_border_percent(scale)}"
            hypotheses.append((label, CENTRE_FRACTION * scale, CENTRE_FAMILY))
        for label, fraction, family in hypotheses:
            region = self.region(fraction)
            if region.std() >= REGION_MIN_STD:
                jobs.append((label, family, region.oriented()))
        hashes = _hash_batch([thumbs for _, _, thumbs in jobs])
        return [
            {VARIANT: label, **dict(zip(family, values, strict=True))}
            for (label, family, _), values in zip(jobs, hashes, strict=True)
        ]


def _border_percent(scale: float) -> str:
    return f"{(1 / scale - 1) / 2 * 100:g}%"


def _crop_percent(scale: float) -> str:
    return f"{(1 - 1 / scale) / 2 * 100:.1f}%"


def is_low_information(img: Image.Image) -> bool:
    """True for tiny or near-uniform images (the ingest's test, same constants)."""
    return _Hasher(img).low_information()


# -- the bundle ----------------------------------------------------------------


def compute_bundle(img: Image.Image) -> dict[str, str]:
    """Hash an already-normalised RGB or L image into the bundle (``BUNDLE_KEYS``).

    Pure: the same pixels always give the same hex strings. ``phash`` and
    ``dhash`` equal ``str(imagehash.phash(img))`` and ``str(imagehash.dhash(img))``.
    """
    return _Hasher(img).bundle()


def query_variants(img: Image.Image) -> list[dict[str, str]]:
    """Hash a case item under every hypothesis the matching rule tries.

    Each variant is a partial bundle, the hashes the *original* would have if
    the hypothesis held, plus its label under ``VARIANT``:

    * ``whole`` and ``whole:<Transpose>``: the whole image as is, and undoing
      each of the seven flips/rotations (``WHOLE_FAMILY`` keys);
    * ``whole:border-<n>``: the whole image minus an assumed border;
    * ``centre``, ``centre:crop-<n>``, ``centre:border-<n>``: the centre region
      at the original's scale and as if cropped or bordered (``CENTRE_FAMILY``).

    Returns an empty list for low-information images; regions that are nearly
    flat are left out. The ``whole`` variant's hashes equal the item's bundle's.
    """
    return _Hasher(img).variants()


def bundle_and_variants(img: Image.Image) -> tuple[dict[str, str], list[dict[str, str]]]:
    """:func:`compute_bundle` and :func:`query_variants` at once, sharing the thumbnails."""
    hasher = _Hasher(img)
    return hasher.bundle(), hasher.variants()


def analyse(img: Image.Image) -> tuple[dict[str, str], list[dict[str, str]], bool]:
    """Bundle, query variants and the low-information flag, sharing one set of thumbnails."""
    hasher = _Hasher(img)
    return hasher.bundle(), hasher.variants(), hasher.low_information()


# -- the decision rule ---------------------------------------------------------


def _parse(value: str | None) -> int | None:
    if not value:
        return None
    try:
        number = int(value, 16)
    except ValueError:
        return None
    return number if 0 <= number < (1 << HASH_BITS) else None


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit hashes."""
    return (a ^ b).bit_count()


@dataclass(frozen=True, slots=True)
class VariantDistance:
    """Distances between one query variant and one entry, per hash of its family."""

    variant: str
    family: str
    phash: int
    dhash: int | None
    dvhash: int | None


def variant_distances(
    query: Iterable[Mapping[str, str]], known: Mapping[str, str]
) -> list[VariantDistance]:
    """Distances of every query variant that the entry can be compared with."""
    out: list[VariantDistance] = []
    for variant in query:
        for family in (WHOLE_FAMILY, CENTRE_FAMILY):
            pkey, dkey, dvkey = family
            qp, kp = _parse(variant.get(pkey)), _parse(known.get(pkey))
            if qp is None or kp is None:
                continue
            distances: list[int | None] = []
            for key in (dkey, dvkey):
                qv, kv = _parse(variant.get(key)), _parse(known.get(key))
                distances.append(None if qv is None or kv is None else hamming(qv, kv))
            label = variant.get(VARIANT, "whole" if family is WHOLE_FAMILY else "centre")
            out.append(VariantDistance(label, pkey, hamming(qp, kp), distances[0], distances[1]))
    return out


def _confirmed(d: VariantDistance, thresholds: NearMatchThresholds) -> bool:
    if d.dhash is None:
        return False
    if d.dvhash is not None:
        return d.dhash + d.dvhash <= thresholds.dhash_pair
    return d.dhash <= thresholds.dhash_only


def known_is_flat(known: Mapping[str, str]) -> bool:
    """True for entries whose hashes describe a flat image (or are unusable)."""
    phash, dhash = _parse(known.get(PHASH)), _parse(known.get(DHASH))
    if phash is None:
        return True
    return phash.bit_count() < MIN_PHASH_BITS or dhash == 0


def is_near_match(
    query: Sequence[Mapping[str, str]] | Mapping[str, str],
    known: Mapping[str, str],
    thresholds: NearMatchThresholds = DEFAULT_THRESHOLDS,
) -> tuple[bool, int | None, str | None]:
    """Decide whether a case item near-matches a list entry.

    ``query`` is what :func:`query_variants` returned for the item (a single
    bundle is taken as its own unrotated, unbordered variants). ``known`` is
    the entry's stored hashes: a full bundle, or just ``phash``/``dhash``.

    Returns ``(matched, distance, kind)``: ``distance`` is the pHash distance
    of the best confirmed variant (if none is confirmed, the smallest pHash
    distance seen, or None when nothing was comparable) and ``kind`` names the
    column and variant that matched, e.g. ``"phash whole:FLIP_LEFT_RIGHT"`` or
    ``"cphash centre:crop-3.7%"`` (None when there is no match).
    """
    variants: Sequence[Mapping[str, str]] = [query] if isinstance(query, Mapping) else query
    if known_is_flat(known):
        return False, None, None
    distances = variant_distances(variants, known)
    if not distances:
        return False, None, None
    confirmed = [d for d in distances if d.phash <= thresholds.phash and _confirmed(d, thresholds)]
    if not confirmed:
        return False, min(d.phash for d in distances), None
    best = min(confirmed, key=lambda d: (d.phash, (d.dhash or 0) + (d.dvhash or 0)))
    return True, best.phash, f"{best.family} {best.variant}"


def lookup_hashes(query: Iterable[Mapping[str, str]]) -> list[tuple[str, str, int]]:
    """The 64-bit index lookups a query needs: (column, variant, pHash value)."""
    out: list[tuple[str, str, int]] = []
    for variant in query:
        for pkey in (PHASH, CPHASH):
            value = _parse(variant.get(pkey))
            if value is not None:
                out.append((pkey, variant.get(VARIANT, ""), value))
    return out
