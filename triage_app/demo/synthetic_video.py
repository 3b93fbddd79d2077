"""Synthetic videos: moving shapes on a textured ground, encoded with PyAV.

Deterministic: the same seed and time always give the same picture, so a
variant (re-encoded, scaled, greyscale, a logo laid over it, trimmed, or cut
into a longer film) shows the same scenes as its original. Used by the tests
and ``benchmarks/video.py``; nothing here plays or writes sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

_Frame = NDArray[np.uint8]

#: Container options by file suffix: (codec, pixel format).
_CODECS = {
    ".mp4": ("libx264", "yuv420p"),
    ".mov": ("libx264", "yuv420p"),
    ".m4v": ("libx264", "yuv420p"),
    ".3gp": ("libx264", "yuv420p"),
    ".mkv": ("libx264", "yuv420p"),
    ".ts": ("libx264", "yuv420p"),
    ".avi": ("mpeg4", "yuv420p"),
    ".webm": ("libvpx", "yuv420p"),
    ".wmv": ("wmv2", "yuv420p"),
    ".flv": ("flv", "yuv420p"),
}


@dataclass(frozen=True, slots=True)
class Scene:
    """How a synthetic film looks: its seed decides the ground and the shapes."""

    seed: int = 0
    width: int = 640
    height: int = 480

    def frame(self, t: float) -> _Frame:
        """The RGB picture at ``t`` seconds (a new scene every 2 s, shapes moving)."""
        part = int(t // 2)
        ground, shapes = _part(self.seed, part, self.width, self.height)
        img = ground.copy()
        h, w = self.height, self.width
        local = t - part * 2
        for cx0, cy0, vx, vy, radius, round_, colour in shapes:
            cx, cy = (cx0 + vx * local) % w, (cy0 + vy * local) % h
            x0, x1 = int(max(0, cx - radius)), int(min(w, cx + radius + 1))
            y0, y1 = int(max(0, cy - radius)), int(min(h, cy + radius + 1))
            ys, xs = np.mgrid[y0:y1, x0:x1]
            if round_:
                mask = (xs - cx) ** 2 + (ys - cy) ** 2 < radius**2
            else:
                mask = (abs(xs - cx) < radius) & (abs(ys - cy) < radius * 0.7)
            img[y0:y1, x0:x1][mask] = colour
        return img


_Shape = tuple[float, float, float, float, float, bool, _Frame]


@lru_cache(maxsize=16)
def _part(seed: int, part: int, w: int, h: int) -> tuple[_Frame, tuple[_Shape, ...]]:
    """The ground and the shapes of one 2-second part of a scene."""
    rng = np.random.default_rng(seed * 1000 + part)
    ys, xs = np.mgrid[0:h, 0:w]
    freq = rng.uniform(2, 6, size=4)
    wave = np.sin(xs / w * freq[0] * np.pi + freq[1]) * np.cos(ys / h * freq[2] * np.pi + freq[3])
    tint = rng.uniform(0.4, 1.0, size=3)
    ground = np.clip((wave[:, :, None] + 1) * 100 * tint[None, None, :], 0, 255).astype(np.uint8)
    shapes = []
    for _ in range(5):
        cx0, cy0 = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        vx, vy = (float(v) for v in rng.uniform(-80, 80, size=2))
        radius = float(rng.uniform(0.06, 0.18) * min(w, h))
        colour = rng.uniform(0, 255, size=3).astype(np.uint8)
        shapes.append((cx0, cy0, vx, vy, radius, bool(rng.random() < 0.5), colour))
    return ground, tuple(shapes)


def _logo(frame: _Frame) -> _Frame:
    """A white box with a dark bar in the top right corner (about 12 % of the width)."""
    out = frame.copy()
    h, w = out.shape[:2]
    bw, bh = w // 8, h // 12
    out[8 : 8 + bh, w - 8 - bw : w - 8] = 255
    out[8 + bh // 3 : 8 + 2 * bh // 3, w - 8 - bw + 4 : w - 12] = 30
    return out


def write_video(
    path: Path,
    scene: Scene,
    *,
    seconds: float = 3.0,
    fps: int = 25,
    start: float = 0.0,
    size: tuple[int, int] | None = None,
    grey: bool = False,
    logo: bool = False,
    prefix: Scene | None = None,
    prefix_seconds: float = 0.0,
    bit_rate: int | None = None,
    gop: int = 50,
    grain: float = 0.0,
) -> Path:
    """Encode ``seconds`` of ``scene`` from ``start`` into ``path`` (container by suffix).

    ``size`` scales the output, ``grey`` drops the colour, ``logo`` lays a box over a
    corner, ``prefix`` puts ``prefix_seconds`` of another scene before it (a longer cut),
    ``grain`` adds camera-like noise of that standard deviation (grey levels) to each
    frame, which makes the film as costly to decode as filmed footage.
    """
    import av
    from PIL import Image

    codec, pix_fmt = _CODECS.get(path.suffix.lower(), ("libx264", "yuv420p"))
    out_w, out_h = size or (scene.width, scene.height)
    total = round((prefix_seconds + seconds) * fps)
    with av.open(str(path), "w") as container:
        stream: Any = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = out_w, out_h, pix_fmt
        stream.codec_context.gop_size = gop
        if codec == "libx264":
            stream.options = {"preset": "veryfast"}
        if bit_rate is not None:
            stream.bit_rate = bit_rate
        for i in range(total):
            t = i / fps
            if prefix is not None and t < prefix_seconds:
                rgb = prefix.frame(t)
            else:
                rgb = scene.frame(start + t - prefix_seconds)
            if logo:
                rgb = _logo(rgb)
            if grain:
                noise = np.random.default_rng(i).normal(0, grain, rgb.shape[:2])[:, :, None]
                rgb = np.clip(rgb + noise, 0, 255).astype(np.uint8)
            if grey:
                rgb = np.repeat(np.asarray(Image.fromarray(rgb).convert("L"))[:, :, None], 3, 2)
            if (out_w, out_h) != (scene.width, scene.height):
                rgb = np.asarray(
                    Image.fromarray(rgb).resize((out_w, out_h), Image.Resampling.BILINEAR)
                )
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
