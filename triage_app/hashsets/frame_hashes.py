"""A video's frame hashes in one list cell (the ``frame_hashes`` column / alternative hash).

One frame per ``;``-separated item, each ``t:phash:dhash:pdq:quality``:
seconds from the start (decimal), pHash and dHash as 16 hex digits (as
imagehash prints them), PDQ as 64 hex digits and its quality 0-100 (both may
be empty). Example: ``0.000:f41f0be898037bb4:9a3c5e...:8c1f...e0:100;1.000:...``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from triage_app.domain.records import FrameHash

#: The column of the product CSV and the VICS ``HashName`` that carry them.
FRAME_HASHES: Final = "frame_hashes"
#: Most frames one entry may carry (an hour at one a second).
MAX_FRAMES: Final = 3600
_HEX = frozenset("0123456789abcdef")


def encode_frames(frames: Sequence[FrameHash]) -> str:
    """The cell text of a video's frames."""
    return ";".join(
        f"{f.t:.3f}:{f.phash}:{f.dhash}:{f.pdq or ''}:"
        f"{'' if f.pdq_quality is None else f.pdq_quality}"
        for f in frames
    )


def _hex(value: str, digits: int, label: str, number: int) -> str:
    if len(value) != digits or not set(value) <= _HEX:
        raise ValueError(f"frame {number}: {label} is not {digits} hex digits")
    return value


def parse_frames(text: str) -> list[FrameHash]:
    """The frames of a cell; ``ValueError`` with a one-line reason if it is malformed."""
    frames: list[FrameHash] = []
    for number, item in enumerate(text.strip().lower().split(";"), 1):
        if not item.strip():
            continue
        parts = [p.strip() for p in item.split(":")]
        if len(parts) not in (3, 5):
            raise ValueError(f"frame {number}: expected t:phash:dhash[:pdq:quality]")
        try:
            t = float(parts[0])
        except ValueError:
            raise ValueError(f"frame {number}: time {parts[0]!r} is not a number") from None
        if not 0 <= t < 1e7:
            raise ValueError(f"frame {number}: time {t} out of range")
        phash = _hex(parts[1], 16, "pHash", number)
        dhash = _hex(parts[2], 16, "dHash", number)
        pdq = quality = None
        if len(parts) == 5 and parts[3]:
            pdq = _hex(parts[3], 64, "PDQ", number)
            quality = int(parts[4]) if parts[4].isdigit() else None
        frames.append(FrameHash(len(frames), t, phash, dhash, pdq, quality))
        if len(frames) > MAX_FRAMES:
            raise ValueError(f"more than {MAX_FRAMES} frames")
    if not frames:
        raise ValueError("no frames")
    return frames
