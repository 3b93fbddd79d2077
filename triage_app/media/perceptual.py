"""Perceptual hash bundles of an image, and the query variants of a case item.

Two sides take part in a near match:

* the **known** side is a list entry. All it has is the hashes stored in the
  list: lists from other imagehash-based tools carry ``phash`` (and maybe
  ``dhash``); lists exported by this product carry the whole *bundle* that
  :func:`compute_bundle` returns (keys: :mod:`triage_app.media.bundle_keys`);
* the **query** side is a case item. We have its pixels, so
  :func:`query_variants` hashes it under several hypotheses about how it was
  derived from the original (mirrored or rotated, a border added, a few per
  cent cropped away), each hashed the way the *original* would have been.

``phash``/``dhash`` are bit-for-bit what ``imagehash.phash``/``imagehash.dhash``
give for the same normalised image (the test suite checks it). The other
four are computed from a grey working copy reduced to about ``WORK_SIDE``
pixels; they mean nothing outside this product. The centre region covers
``CENTRE_FRACTION`` of each side.

The centre region survives caption bars and watermarks along the top or
bottom edge (they fall outside it) and, looked up at a few scales, crops and
added borders. The whole-image hashes carry mirrors and quarter turns: the
eight flips/rotations of the query are hashed on the query side only, so a
mirrored item still finds the entry of the unmirrored original.

Lookups per query item: one 64-bit pHash lookup per query variant
(``QUERY_LOOKUPS`` = 18): 8 orientations plus 3 border hypotheses against the
``phash`` column, 1 plus 3 crop plus 3 border hypotheses against the
``cphash`` column. Low-information images (and low-information regions) yield
no query variants. What decides a match is :mod:`triage_app.matching.near_match`.

Tried and dropped (numbers in ``benchmarks/match_quality.py``): trimming
uniform borders before hashing (the trimmed box moves between an original and
its copy whenever the picture itself has near-uniform edges, up to 28 bits on
plain JPEG copies; the border hypotheses do better); a PDQ-style 256-bit hash
(needs an index of its own, and crops, borders and captions move it more than
pHash: median 64, 106 and 40 of 256 bits); flips/rotations of the centre
region (7 more lookups, not needed for the floors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from triage_app.media.bundle_keys import CENTRE_FAMILY, VARIANT, WHOLE_FAMILY
from triage_app.media.imagehash_bits import Thumbs, hash_batch

#: Bumped whenever any bundle hash would come out differently for the same image.
BUNDLE_VERSION: Final = 1

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
#: levels) is near-uniform: the ingest records it as low-information.
LOW_INFO_STD: Final = 3.0
#: Images with a shorter side carry too little to hash (low-information too).
LOW_INFO_MIN_SIDE: Final = 8
#: A region (centre or de-bordered image) whose 32x32 grey thumbnail varies
#: less than this (standard deviation, grey levels) is not looked up: flat
#: regions all hash alike.
REGION_MIN_STD: Final = 6.0

_Array = NDArray[np.float64]
_Box = tuple[float, float, float, float]
_LANCZOS: Final = Image.Resampling.LANCZOS


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

    def oriented(self, op: _Op = lambda a: a, swaps: bool = False) -> Thumbs:
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
        whole, centre = hash_batch(thumbs)
        return dict(zip(WHOLE_FAMILY + CENTRE_FAMILY, whole + centre, strict=True))

    def variants(self) -> list[dict[str, str]]:
        if self.low_information():
            return []
        jobs: list[tuple[str, tuple[str, str, str], Thumbs]] = []
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
        hashes = hash_batch([thumbs for _, _, thumbs in jobs])
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
