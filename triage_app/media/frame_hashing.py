"""A sampled video frame reduced and hashed.

:func:`picture` takes a decoded frame reduced by FFmpeg's area filter to
``HASH_SIDE`` at most into Pillow without extra copies; :func:`hash_frame`
gives it the pHash/dHash of :func:`triage_app.media.perceptual.compute_bundle`
(from Pillow's LANCZOS thumbnails, as imagehash makes them) and PDQ.
"""

from __future__ import annotations

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


def thumbnails(grey: Image.Image) -> list[np.ndarray]:
    """``grey`` resized to :data:`THUMB_SIZES` with Pillow's LANCZOS, as float64 arrays
    (imagehash's thumbnails)."""
    return [np.asarray(grey.resize(size, Image.Resampling.LANCZOS), dtype=np.float64)
            for size in THUMB_SIZES]  # fmt: skip


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
