"""Synthetic images for the demo, the tests and the benchmarks.

Shapes, gradients and noise only: nothing here resembles real material. The
same seed always gives the same pixels.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps


def scene(rng: np.random.Generator, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A random composition: a two-colour gradient, a dozen shapes and light noise."""
    w, h = size
    c0, c1 = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    angle = rng.uniform(0, np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xx * np.cos(angle) + yy * np.sin(angle)) / (w * abs(np.cos(angle)) + h * np.sin(angle) + 1)
    t = np.clip(t, 0, 1)[..., None]
    base = (c0 * (1 - t) + c1 * t).astype(np.uint8)
    img = Image.fromarray(base, "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(6, 14))):
        x0, y0 = int(rng.integers(-w // 4, w)), int(rng.integers(-h // 4, h))
        x1, y1 = x0 + int(rng.integers(w // 10, w // 2)), y0 + int(rng.integers(h // 10, h // 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        elif kind == 1:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
        else:
            pts = [(int(rng.integers(0, w)), int(rng.integers(0, h))) for _ in range(3)]
            draw.polygon(pts, fill=colour)
    noise = rng.normal(0, 6, (h, w, 3))
    arr = np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(arr, "RGB")


def jpeg_bytes(img: Image.Image, quality: int = 90, **kwargs: object) -> bytes:
    """Encode an image as JPEG."""
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, **kwargs)
    return out.getvalue()


def png_bytes(img: Image.Image, **kwargs: object) -> bytes:
    """Encode an image as PNG."""
    out = io.BytesIO()
    img.save(out, "PNG", **kwargs)
    return out.getvalue()


def recompress(img: Image.Image, quality: int = 60) -> Image.Image:
    """Re-encode as a lower-quality JPEG."""
    return Image.open(io.BytesIO(jpeg_bytes(img, quality))).convert("RGB")


def resize(img: Image.Image, factor: float = 0.5) -> Image.Image:
    """Scale both sides by ``factor``."""
    w, h = img.size
    return img.resize(
        (max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.LANCZOS
    )


def greyscale(img: Image.Image) -> Image.Image:
    """Drop colour."""
    return img.convert("L").convert("RGB")


def brightness(img: Image.Image, factor: float = 1.2) -> Image.Image:
    """Change brightness."""
    return ImageEnhance.Brightness(img).enhance(factor)


def contrast(img: Image.Image, factor: float = 1.2) -> Image.Image:
    """Change contrast."""
    return ImageEnhance.Contrast(img).enhance(factor)


def crop(img: Image.Image, fraction: float = 0.03) -> Image.Image:
    """Cut ``fraction`` of each side away."""
    w, h = img.size
    dx, dy = round(w * fraction), round(h * fraction)
    return img.crop((dx, dy, w - dx, h - dy))


def border(
    img: Image.Image, fraction: float = 0.05, colour: tuple[int, int, int] = (0, 0, 0)
) -> Image.Image:
    """Pad each side with a uniform border."""
    w, h = img.size
    return ImageOps.expand(img, border=(round(w * fraction), round(h * fraction)), fill=colour)


def caption(img: Image.Image, fraction: float = 0.12, text: str = "shared via demo") -> Image.Image:
    """Add a caption bar with text at the bottom, keeping the size."""
    out = img.copy()
    w, h = out.size
    draw = ImageDraw.Draw(out)
    bar = round(h * fraction)
    draw.rectangle([0, h - bar, w, h], fill=(20, 20, 20))
    draw.text((10, h - bar + bar // 4), text, fill=(240, 240, 240))
    return out


def mirror(img: Image.Image) -> Image.Image:
    """Flip left to right."""
    return ImageOps.mirror(img)


def rotate90(img: Image.Image) -> Image.Image:
    """Rotate a quarter turn."""
    return img.transpose(Image.Transpose.ROTATE_90)


def exif_jpeg(
    img: Image.Image,
    *,
    orientation: int = 1,
    make: str = "DemoCam",
    model: str = "DC-1",
    taken: str = "2024:05:17 14:03:22",
    quality: int = 90,
) -> bytes:
    """Encode a JPEG carrying EXIF orientation, camera make/model and DateTimeOriginal."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = make
    exif[0x0110] = model
    exif.get_ifd(0x8769)[0x9003] = taken
    return jpeg_bytes(img, quality, exif=exif.tobytes())


def stored_for_orientation(img: Image.Image, orientation: int) -> Image.Image:
    """Return the pixels a camera would store so that ``orientation`` displays ``img``."""
    inverse = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_270,
    }
    return img.transpose(inverse[orientation]) if orientation in inverse else img


# -- camera-sized photographs for benchmarks and the draft-mode golden test --

CAMERA_SAMPLES = [
    "astronaut.png",
    "coffee.png",
    "chelsea.png",
    "rocket.jpg",
    "motorcycle_left.png",
    "hubble_deep_field.jpg",
    "brick.png",
    "grass.png",
    "gravel.png",
    "retina.jpg",
]


def _sample_images() -> list[Image.Image]:
    try:
        import skimage
    except ImportError:
        return []
    folder = Path(skimage.__file__).with_name("data")
    out = []
    for name in CAMERA_SAMPLES:
        path = folder / name
        if path.is_file():
            out.append(Image.open(path).convert("RGB"))
    return out


def camera_jpeg(index: int, size: tuple[int, int] = (4000, 3000), quality: int = 90) -> bytes:
    """Return the ``index``-th deterministic camera-like JPEG."""
    rng = np.random.default_rng(1000 + index)
    samples = _sample_images()
    if samples:
        src = samples[index % len(samples)]
        w, h = src.size
        cw, ch = int(w * rng.uniform(0.6, 1.0)), int(h * rng.uniform(0.6, 1.0))
        x0, y0 = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
        base = src.crop((x0, y0, x0 + cw, y0 + ch))
    else:
        base = scene(rng, (800, 600))
    big = base.resize(size, Image.Resampling.BICUBIC)
    noise = rng.normal(0, 7, (size[1], size[0], 1)).astype(np.float32)
    arr = np.clip(np.asarray(big, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(arr, "RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def write_camera_corpus(
    folder: Path, count: int, size: tuple[int, int] = (4000, 3000)
) -> list[Path]:
    """Write ``count`` camera-like JPEGs into ``folder`` (reusing files already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"DSC_{i:05d}.jpg"
        if not path.exists():
            path.write_bytes(camera_jpeg(i, size))
        paths.append(path)
    return paths
