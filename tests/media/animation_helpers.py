"""Animated GIF, WebP and APNG files made with Pillow from a synthetic scene."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from triage_app.demo.synthetic_video import Scene

SCENE = Scene(seed=31, width=160, height=120)
#: Sniffed format -> Pillow's save options.
FORMATS = {"GIF": {}, "WEBP": {"quality": 90}, "PNG": {}}


def animation(
    fmt: str,
    frames: int = 12,
    duration: int = 500,
    scene: Scene = SCENE,
    size: tuple[int, int] | None = None,
) -> bytes:
    """``frames`` pictures of ``scene`` half a second apart, ``duration`` ms each, scaled
    to ``size`` if given."""
    pictures = [Image.fromarray(scene.frame(i * 0.5)) for i in range(frames)]
    if size is not None:
        pictures = [p.resize(size, Image.Resampling.BILINEAR) for p in pictures]
    out = io.BytesIO()
    pictures[0].save(
        out, fmt, save_all=True, append_images=pictures[1:], duration=duration, loop=0,
        **FORMATS[fmt],
    )  # fmt: skip
    return out.getvalue()


def still_gif() -> bytes:
    out = io.BytesIO()
    Image.fromarray(SCENE.frame(0.0)).save(out, "GIF")
    return out.getvalue()


def many_frames_gif(frames: int) -> bytes:
    """A tiny GIF of ``frames`` distinct frames (20 ms each)."""
    pictures = [Image.new("P", (8, 8), i % 250) for i in range(frames)]
    for picture in pictures:
        picture.putpalette([v for i in range(256) for v in (i, 255 - i, (i * 7) % 256)])
    for i, picture in enumerate(pictures):
        picture.putpixel((i % 8, (i // 8) % 8), (i + 3) % 250)
    out = io.BytesIO()
    pictures[0].save(out, "GIF", save_all=True, append_images=pictures[1:], duration=20)
    return out.getvalue()


def huge_canvas_gif() -> bytes:
    """A GIF whose screen claims 65535 x 65535 pixels around one 1x1 frame."""
    screen = b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x80\x00\x00"
    palette = b"\x00\x00\x00\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00" + b"\x02\x02\x4c\x01\x00"
    return screen + palette + frame + b"\x3b"


def claiming_apng(claimed: int) -> bytes:
    """A three-frame APNG whose acTL chunk claims ``claimed`` frames."""
    data = bytearray(animation("PNG", frames=3))
    at = data.index(b"acTL")
    body = struct.pack(">II", claimed, 0)
    data[at + 4 : at + 12] = body
    data[at + 12 : at + 16] = struct.pack(">I", zlib.crc32(b"acTL" + body))
    return bytes(data)
