"""Synthetic test videos, written once per session (PyAV encodes them; short and small)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from triage_app.demo.synthetic_video import Scene, write_video

ORIGINAL = Scene(seed=11)
OTHER = Scene(seed=29)

#: name -> (scene, write_video options). Variants of ORIGINAL, and unrelated films.
VIDEOS: dict[str, tuple[Scene, dict[str, Any]]] = {
    "original.mp4": (ORIGINAL, {"seconds": 4.0}),
    "reencoded.mkv": (ORIGINAL, {"seconds": 4.0, "bit_rate": 300_000, "gop": 12}),
    "scaled.mp4": (ORIGINAL, {"seconds": 4.0, "size": (320, 240)}),
    "grey.mp4": (ORIGINAL, {"seconds": 4.0, "grey": True}),
    "logo.mp4": (ORIGINAL, {"seconds": 4.0, "logo": True}),
    "trimmed.mp4": (ORIGINAL, {"seconds": 3.0, "start": 1.0}),
    "longer.mp4": (ORIGINAL, {"seconds": 4.0, "prefix": Scene(seed=83), "prefix_seconds": 2.0}),
    "unrelated.mp4": (OTHER, {"seconds": 4.0}),
    "unrelated2.avi": (Scene(seed=47), {"seconds": 3.0}),
}
VARIANTS = ("reencoded.mkv", "scaled.mp4", "grey.mp4", "logo.mp4", "trimmed.mp4", "longer.mp4")
UNRELATED = ("unrelated.mp4", "unrelated2.avi")


def write(folder: Path, name: str) -> Path:
    """Write one of :data:`VIDEOS` into ``folder`` (kept if already there)."""
    path = folder / name
    if not path.exists():
        scene, options = VIDEOS[name]
        write_video(path, scene, **options)
    return path
