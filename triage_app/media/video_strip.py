"""A video's frame strip (contact sheet): a few sampled frames side by side.

:func:`frame_strip` lays frames out in a row (it is stored as the video's
thumbnail, so the gallery blurs and reveals it as it does an image's);
:func:`blurred_strip` blurs each frame on its own into a grey strip (each
frame carries only a few cells of detail, like an image tile).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, TypeVar

from PIL import Image

from triage_app.media.blur import DEFAULT_CELLS, RawImage, blur_image

#: Frames in a strip, and the height of each (pixels).
STRIP_FRAMES: Final = 6
STRIP_HEIGHT: Final = 96
#: A small copy of at most this many samples is kept while a video is sampled.
POOL_SIZE: Final = 48

_T = TypeVar("_T")


def pick(count: int, wanted: int = STRIP_FRAMES) -> list[int]:
    """Up to ``wanted`` indexes spread evenly over ``count`` (first and last included)."""
    if count <= wanted:
        return list(range(count))
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})


def pool_add(pool: list[_T], stride: int, index: int, make: Callable[[int], _T]) -> int:
    """Offer sample ``index`` to the strip's pool (``make(index)`` builds what is kept).

    The pool keeps every ``stride``-th sample; when it fills, every other one is
    dropped and the stride doubles. Returns the new stride.
    """
    if index % stride == 0:
        pool.append(make(index))
        if len(pool) >= POOL_SIZE:
            del pool[1::2]
            stride *= 2
    return stride


def strip_samples(count: int) -> list[int]:
    """The indexes, among ``count`` kept samples, of a strip's frames, left to right.

    The same pool (:func:`pool_add`) and choice (:func:`pick`) the ingest used, so
    the frames of a stored strip are found again from the stored samples alone.
    """
    pool: list[int] = []
    stride = 1
    for index in range(count):
        stride = pool_add(pool, stride, index, int)
    return [pool[i] for i in pick(len(pool))]


def small_copy(img: Image.Image, height: int = STRIP_HEIGHT) -> Image.Image:
    """A frame scaled to ``height`` pixels (aspect kept), in RGB."""
    w, h = img.size
    width = max(1, round(w * height / max(1, h)))
    return img.convert("RGB").resize((width, height), Image.Resampling.BILINEAR)


def frame_strip(frames: Sequence[Image.Image], height: int = STRIP_HEIGHT) -> Image.Image:
    """Up to ``STRIP_FRAMES`` of ``frames`` (evenly spread) side by side, ``height`` high."""
    if not frames:
        raise ValueError("a frame strip needs at least one frame")
    chosen = [small_copy(frames[i], height) for i in pick(len(frames))]
    gap = 2
    strip = Image.new("RGB", (sum(f.width for f in chosen) + gap * (len(chosen) - 1), height))
    x = 0
    for frame in chosen:
        strip.paste(frame, (x, 0))
        x += frame.width + gap
    return strip


def blurred_strip(
    frames: Sequence[Image.Image], *, cells: int = DEFAULT_CELLS, height: int = STRIP_HEIGHT
) -> RawImage:
    """A grey strip of up to ``STRIP_FRAMES`` frames, each blurred on its own."""
    if not frames:
        raise ValueError("a frame strip needs at least one frame")
    tiles = []
    for i in pick(len(frames)):
        w, h = frames[i].size
        tiles.append(blur_image(frames[i], cells=cells, side=max(height, height * w // max(1, h))))
    gap = 2
    strip = Image.new("L", (sum(t.width for t in tiles) + gap * (len(tiles) - 1), height), 120)
    x = 0
    for tile in tiles:
        strip.paste(Image.frombytes("L", (tile.width, tile.height), tile.data), (x, 0))
        x += tile.width + gap
    return RawImage(strip.width, strip.height, "L", strip.tobytes())
