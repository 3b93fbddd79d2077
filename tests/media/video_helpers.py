"""Synthetic test videos, written once per session (PyAV encodes them; short and small)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

from triage_app.demo.synthetic_video import Scene, write_video

ORIGINAL = Scene(seed=11)
OTHER = Scene(seed=29)
SOUND_SCENE = Scene(seed=23, width=320, height=240)

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


def write_with_sound(
    path: Path, scene: Scene = SOUND_SCENE, seconds: float = 3.0, fps: int = 25
) -> Path:
    """A film with an AAC track of a 440 Hz sine wave alongside the pictures."""
    rate, chunk = 44_100, 1024
    with av.open(str(path), "w") as container:
        video: Any = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = scene.width, scene.height, "yuv420p"
        audio: Any = container.add_stream("aac", rate=rate)
        audio.layout = "mono"
        done = 0
        for i in range(round(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(scene.frame(i / fps), format="rgb24")
            for packet in video.encode(frame):
                container.mux(packet)
            while done < (i + 1) / fps * rate:
                wave = np.sin(2 * np.pi * 440 * np.arange(done, done + chunk) / rate)
                sound = av.AudioFrame.from_ndarray(
                    wave.astype(np.float32)[None, :], format="fltp", layout="mono"
                )
                sound.sample_rate, sound.pts = rate, done
                for packet in audio.encode(sound):
                    container.mux(packet)
                done += chunk
        for stream in (video, audio):
            for packet in stream.encode():
                container.mux(packet)
    return path
