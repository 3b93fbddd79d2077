"""A sampled video frame reduced and hashed: the product's fast path, bit for bit the plain one.

:func:`picture` takes a decoded frame reduced by FFmpeg's area filter to
``HASH_SIDE`` at most into Pillow without extra copies; :func:`hash_frame`
gives it the pHash/dHash of :func:`triage_app.media.perceptual.compute_bundle`
and PDQ. pHash and dHash start from small grey LANCZOS thumbnails, which
:func:`thumbnails` computes as numpy matrix products reproducing Pillow's
resize exactly; for each picture size, the first time it comes up, both pass
orders are checked against Pillow on random pictures, and Pillow itself is
used when neither matches (``tests/media/test_frame_hashing.py`` compares
every path with the plain one).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Final

import numpy as np
from PIL import Image

from triage_app.domain.records import FrameHash
from triage_app.media import perceptual
from triage_app.media.imagehash_bits import hash_batch
from triage_app.media.video_strip import STRIP_HEIGHT, small_copy

#: Frames are hashed reduced to this longest side (pixels): pHash and dHash come within a
#: bit or two of imagehash's on the full frame, PDQ within a few, at a fraction of the cost.
HASH_SIDE: Final = 256


def picture(frame: Any) -> Image.Image:
    """The frame in RGB, reduced by FFmpeg's area filter to ``HASH_SIDE`` at most."""
    w, h = frame.width, frame.height
    scale = HASH_SIDE / max(w, h)
    if scale >= 1:
        rgb = frame.reformat(format="rgb24")  # what ``to_image`` converts
    else:
        size = max(1, round(w * scale)), max(1, round(h * scale))
        rgb = frame.reformat(width=size[0], height=size[1], format="rgb24", interpolation="AREA")
    plane = rgb.planes[0]
    if plane.line_size < plane.width * 3:  # bottom-up or odd: PyAV's own copy
        return rgb.to_image()  # type: ignore[no-any-return]
    # ``to_image``'s pixels, read straight from the plane (it copies them twice first).
    return Image.frombytes(
        "RGB", (plane.width, plane.height), plane, "raw", "RGB", plane.line_size, 1
    )


#: The grey thumbnails the hashes are taken from (imagehash's: 32x32 for pHash, 9x8 and 8x9).
THUMB_SIZES: Final = ((32, 32), (9, 8), (8, 9))
_PRECISION: Final = 22  # Pillow's fixed point for 8-bit resampling (PRECISION_BITS)
#: Multiply-adds in one matrix product below OpenBLAS's threshold for threading it.
_SMALL_PRODUCT: Final = 200_000


def _lanczos(x: float) -> float:
    """Pillow's ``lanczos_filter`` (a sinc windowed by a sinc three times wider)."""
    if not -3.0 <= x < 3.0:
        return 0.0
    a = 1.0 if x == 0.0 else math.sin(x * math.pi) / (x * math.pi)
    x3 = x / 3
    b = 1.0 if x3 == 0.0 else math.sin(x3 * math.pi) / (x3 * math.pi)
    return a * b


@lru_cache(maxsize=64)
def _lanczos_rows(in_size: int, out_size: int) -> np.ndarray:
    """Pillow's 8-bit LANCZOS weights from ``in_size`` to ``out_size`` samples, as its
    ``precompute_coeffs`` and ``normalize_coeffs_8bpc`` make them: one row per output
    sample, integers (fixed point, ``2**22`` = 1) held in float64. An unchanged side is
    not resampled by Pillow: the identity."""
    rows = np.zeros((out_size, in_size))
    if in_size == out_size:
        np.fill_diagonal(rows, float(1 << _PRECISION))
        rows.setflags(write=False)
        return rows
    scale = float(in_size) / out_size
    filterscale = max(scale, 1.0)
    support = 3.0 * filterscale
    ss = 1.0 / filterscale
    for xx in range(out_size):
        center = 0.0 + (xx + 0.5) * scale
        xmin = max(int(center - support + 0.5), 0)
        count = min(int(center + support + 0.5), in_size) - xmin
        weights = [_lanczos((x + xmin - center + 0.5) * ss) for x in range(count)]
        total = 0.0
        for w in weights:
            total += w
        for x, w in enumerate(weights):
            if total != 0.0:
                w /= total
            fixed = w * (1 << _PRECISION)
            rows[xx, xmin + x] = int(fixed - 0.5) if w < 0 else int(fixed + 0.5)
    rows.setflags(write=False)  # cached: shared by every call
    return rows


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` in blocks of rows small enough that OpenBLAS does each on the calling
    thread (a larger product is shared among its threads, which on a busy or pinned
    core costs several times the work)."""
    rows = max(1, _SMALL_PRODUCT // max(1, a.shape[1] * b.shape[1]))
    if a.shape[0] <= rows:
        whole: np.ndarray = a @ b
        return whole
    return np.concatenate([a[i : i + rows] @ b for i in range(0, a.shape[0], rows)])


def _fixed_to_bytes(sums: np.ndarray) -> np.ndarray:
    """Pillow's ``clip8`` of fixed-point sums (the rounding half added first)."""
    half = float(1 << (_PRECISION - 1))
    return np.clip(np.floor((sums + half) * (1.0 / (1 << _PRECISION))), 0.0, 255.0)


def _resample(grey: np.ndarray, size: tuple[int, int], vertical_first: bool) -> np.ndarray:
    """One LANCZOS resize of an 8-bit grey array as Pillow computes it: a pass along each
    axis, each rounded to bytes. The sums are of integers below ``2**40``: exact in float64
    whatever order the matrix product adds them in."""
    across = _lanczos_rows(grey.shape[1], size[0])
    down = _lanczos_rows(grey.shape[0], size[1])
    if vertical_first:
        return _fixed_to_bytes(_product(_fixed_to_bytes(_product(down, grey)), across.T))
    return _fixed_to_bytes(_product(down, _fixed_to_bytes(_product(grey, across.T))))


@lru_cache(maxsize=32)
def _thumbnail_plan(width: int, height: int) -> tuple[bool, ...] | None:
    """For each of :data:`THUMB_SIZES`, whether Pillow resamples a ``width`` x ``height``
    picture vertically first (its choice depends on the sizes and its version), learnt
    by resizing two probe pictures with Pillow itself; ``None`` when the computation
    here does not give Pillow's bytes (then Pillow does the resizing)."""
    rng = np.random.default_rng(width * 100_003 + height)
    noise = rng.integers(0, 256, (height, width), dtype=np.uint8)
    ramp = np.add.outer(np.arange(height) * 7, np.arange(width) * 3) % 256
    smooth = np.clip(ramp + rng.integers(-20, 21, (height, width)), 0, 255).astype(np.uint8)
    plan = []
    for size in THUMB_SIZES:
        wanted = [np.asarray(Image.fromarray(p).resize(size, Image.Resampling.LANCZOS),
                             dtype=np.float64) for p in (noise, smooth)]  # fmt: skip
        for vertical_first in (False, True):
            got = [_resample(p.astype(np.float64), size, vertical_first) for p in (noise, smooth)]
            if all(np.array_equal(a, b) for a, b in zip(wanted, got, strict=True)):
                plan.append(vertical_first)
                break
        else:
            return None
    return tuple(plan)


def thumbnails(grey: Image.Image) -> list[np.ndarray]:
    """``grey`` resized to :data:`THUMB_SIZES` with LANCZOS, as float64 arrays: Pillow's
    bytes exactly, computed as matrix products (one for the passes across shared by the
    three) at a fraction of Pillow's cost."""
    small_enough = min(grey.size) >= 2 and max(grey.size) <= 2 * HASH_SIDE  # (the usual)
    plan = _thumbnail_plan(*grey.size) if small_enough else None
    if plan is None:
        return [np.asarray(grey.resize(size, Image.Resampling.LANCZOS), dtype=np.float64)
                for size in THUMB_SIZES]  # fmt: skip
    pixels = np.asarray(grey, dtype=np.float64)
    if not any(plan):  # the usual case: one product for the three passes across
        across = _thumbnail_across(grey.size[0])
        passed = _fixed_to_bytes(_product(pixels, across))
        out, start = [], 0
        for w, h in THUMB_SIZES:
            down = _lanczos_rows(grey.size[1], h)
            out.append(_fixed_to_bytes(_product(down, passed[:, start : start + w])))
            start += w
        return out
    return [_resample(pixels, size, first) for size, first in zip(THUMB_SIZES, plan, strict=True)]


@lru_cache(maxsize=32)
def _thumbnail_across(width: int) -> np.ndarray:
    """The passes across of :data:`THUMB_SIZES` side by side (``width`` x 49)."""
    rows = np.concatenate([_lanczos_rows(width, w) for w, _ in THUMB_SIZES])
    across = np.ascontiguousarray(rows.T)
    across.setflags(write=False)  # cached: shared by every call
    return across


def hash_frame(index: int, t: float, img: Image.Image) -> FrameHash:
    """pHash and dHash as :func:`perceptual.compute_bundle` gives them (the whole-image
    pair, from the same LANCZOS thumbnails imagehash makes), the ingest's low-information
    test, and PDQ."""
    from triage_app.media.pdq import pdq_hash

    grey = img.convert("L")
    a32, rows8, rows9 = thumbnails(grey)
    ((phash, dhash, _vertical),) = hash_batch([(a32, rows8, rows9)])
    low = min(grey.size) < perceptual.LOW_INFO_MIN_SIDE or a32.std() < perceptual.LOW_INFO_STD
    pdq = pdq_hash(img)
    return FrameHash(
        index=index,
        t=round(t, 3),
        phash=phash,
        dhash=dhash,
        pdq=pdq.hex,
        pdq_quality=pdq.quality,
        low_information=bool(low),
    )


def strip_copy(img: Image.Image) -> Image.Image:
    """:func:`small_copy`'s picture, without its copy of a picture already in RGB."""
    if img.mode != "RGB":
        return small_copy(img)
    w, h = img.size
    width = max(1, round(w * STRIP_HEIGHT / max(1, h)))
    return img.resize((width, STRIP_HEIGHT), Image.Resampling.BILINEAR)
