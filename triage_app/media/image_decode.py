"""Safe image decoding and the facts an ingest records about an image.

Runs inside a worker process (see ``pool.py``): a decoder that crashes or
hangs takes down only that worker. Pillow is only ever asked to open formats
on the allow-list, decompression-bomb warnings are errors, frames are counted
up to a cap, and camera-sized JPEGs are decoded at reduced scale (DCT scaling,
Pillow's draft mode), which is all that the hashes and the thumbnail need.
HEIF/HEIC and AVIF go through :mod:`triage_app.media.heif`, which loads their
plugins only when the first such file is met.
"""

from __future__ import annotations

import contextlib
import functools
import io
import struct
import warnings
from collections.abc import Iterator
from typing import IO

from PIL import Image, ImageFile, UnidentifiedImageError

# The decode statuses are the item record's; re-exported under their short names.
from triage_app.domain.records import DECODE_FAILED
from triage_app.domain.records import DECODED as DECODED
from triage_app.domain.records import NOT_DECODED as NOT_DECODED
from triage_app.domain.records import PARTIAL as PARTIAL
from triage_app.domain.records import ImageFacts as ImageFacts
from triage_app.media import heif, pdq, perceptual
from triage_app.media.bundle_keys import DHASH, PHASH
from triage_app.media.pixels import BACKGROUND as BACKGROUND
from triage_app.media.pixels import normalise as normalise
from triage_app.media.stream_damage import stream_damage

#: Longest side of stored thumbnails.
THUMB_SIDE = 256
#: JPEGs with a longest side at least this big are decoded in draft mode.
DRAFT_MIN_SIDE = 2048
#: Frames counted before counting stops.
FRAME_COUNT_CAP = 5000
THUMB_QUALITY = 85
FAILED = DECODE_FAILED

_PILLOW_FORMATS: dict[str, list[str]] = {
    "JPEG": ["JPEG", "MPO"],
    "MPO": ["JPEG", "MPO"],
    "PNG": ["PNG"],
    "GIF": ["GIF"],
    "BMP": ["BMP"],
    "WEBP": ["WEBP"],
    "TIFF": ["TIFF"],
    # The order is heif.PLUGINS's: a mif1/msf1-branded file may be either.
    "AVIF": ["AVIF", "HEIF"],
    "HEIF": ["HEIF", "AVIF"],
}

_ORIENTATION_FIX = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_IFD = 0x8769
_TAG_ORIENTATION = 0x0112
_TAG_MAKE = 0x010F
_TAG_MODEL = 0x0110
_TAG_DATETIME_ORIGINAL = 0x9003


class BombError(Exception):
    """The image is, or claims to be, too big to decode safely."""


@functools.cache
def available_formats() -> frozenset[str]:
    """Allow-listed formats that this Pillow build can actually decode.

    HEIF counts when pillow-heif is installed; it is loaded at the first HEIF met.
    """
    Image.init()
    have = set(Image.OPEN)
    if heif.installed():
        have.add(heif.HEIF)
    return frozenset(
        name for name, plugins in _PILLOW_FORMATS.items() if any(p in have for p in plugins)
    )


def _clean_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).replace("\x00", "").strip()
    return text[:200] or None


@contextlib.contextmanager
def _truncated_allowed() -> Iterator[None]:
    # Only for the explicit partial-decode retry, inside a single-threaded worker.
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _is_bomb_error(exc: BaseException) -> bool:
    """True for Pillow's refusals to inflate too much data (image size, PNG text chunks)."""
    if isinstance(exc, (BombError, Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return True
    text = str(exc).lower()
    if "security limit" in text:  # libheif's refusal of an oversized image
        return True
    return isinstance(exc, ValueError) and (
        "too large" in text or "too much memory" in text or "max_text" in text
    )


def _count_frames(img: Image.Image) -> tuple[int, bool, str | None]:
    """Count frames up to the cap without keeping them.

    Returns the count, True if the cap was hit, and a description of the first
    unreadable frame if counting stopped at a damaged one (a truncated animation);
    in that case ``img`` is left on a broken frame and the caller must reopen the file.
    """
    if not getattr(img, "is_animated", False) and getattr(img, "n_frames", 1) == 1:
        return 1, False, None
    first = img.tell()  # 0, except for a HEIF whose primary image is not its first
    count = 1
    while count < FRAME_COUNT_CAP:
        try:
            try:
                img.seek(count)
            except EOFError:
                if img.format == "GIF":
                    # Seeking decodes every GIF frame but the last one (sizes are bounded by
                    # the screen size checked at open): decode it too, so that an animation
                    # cut short in its last frame is noticed.
                    img.load()
                break
        except Exception as exc:  # damaged frames raise all sorts (IndexError included)
            if _is_bomb_error(exc):
                raise
            problem = f"{type(exc).__name__}: {exc}"
            return count, False, f"a damaged frame stopped the count at {count} ({problem})"
        count += 1
    img.seek(first)
    return count, count >= FRAME_COUNT_CAP, None


def _read_exif(img: Image.Image, facts: ImageFacts) -> int:
    """Record camera facts; return the EXIF orientation (1 when absent)."""
    try:
        exif = img.getexif()
        facts.camera_make = _clean_text(exif.get(_TAG_MAKE))
        facts.camera_model = _clean_text(exif.get(_TAG_MODEL))
        sub = exif.get_ifd(_EXIF_IFD)
        facts.exif_datetime = _clean_text(sub.get(_TAG_DATETIME_ORIGINAL))
        orientation = exif.get(_TAG_ORIENTATION, 1)
        return int(orientation) if isinstance(orientation, int) and 1 <= orientation <= 8 else 1
    except (struct.error, ValueError, TypeError, KeyError, OSError, SyntaxError) as exc:
        if _is_bomb_error(exc):
            # For PNG, getexif() reads the chunks after the image data: a text-chunk
            # bomb placed there surfaces here and must reject the file, not become a note.
            raise
        facts.notes.append(f"EXIF unreadable: {type(exc).__name__}: {exc}")
        return 1


def make_thumbnail(img: Image.Image) -> tuple[bytes, tuple[int, int]]:
    """Return JPEG bytes of the image scaled to ``THUMB_SIDE`` on its longest side."""
    w, h = img.size
    scale = min(1.0, THUMB_SIDE / max(w, h))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    thumb = img.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0) if scale < 1 else img
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=THUMB_QUALITY)
    return out.getvalue(), thumb.size


def _classify(exc: BaseException) -> str:
    if _is_bomb_error(exc):
        return f"rejected as a decompression bomb: {exc}"
    if isinstance(exc, UnidentifiedImageError):
        return "not decodable: the decoder could not identify the image data"
    if isinstance(exc, MemoryError):
        return "not decodable: out of memory while decoding"
    if isinstance(exc, SyntaxError):
        return f"corrupt image: {heif.one_line(exc)}"
    described = heif.describe(exc)
    if described:
        return described
    return f"not decodable: {type(exc).__name__}: {heif.one_line(exc)}"


def analyse_image(source: bytes | IO[bytes], sniffed_format: str) -> ImageFacts:
    """Decode an allow-listed image safely and compute what the case records."""
    fp: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    facts = ImageFacts(decode_status=FAILED)
    allowed = _PILLOW_FORMATS.get(sniffed_format)
    if allowed is None:
        facts.decode_status = NOT_DECODED
        facts.reason = f"format not decoded: {sniffed_format} is not on the allow-list"
        return facts
    if sniffed_format in heif.PLUGINS:
        allowed, missing = heif.decoders_for(sniffed_format)
        if missing:
            facts.decode_status = NOT_DECODED
            facts.reason = f"format not decoded: no {sniffed_format} decoder: {missing}"
            return facts
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        damage: str | None = None
        try:
            damage = stream_damage(fp, sniffed_format)
            _decode_into(fp, allowed, facts)
        except Exception as exc:
            facts.decode_status = FAILED
            facts.reason = _classify(exc)
            if isinstance(exc, UnidentifiedImageError) and sniffed_format in heif.PLUGINS:
                why = heif.open_error(fp, allowed)
                if why:
                    facts.reason = (
                        _classify(BombError(why))
                        if "security limit" in why.lower()
                        else f"corrupt image: {why}"
                    )
            if damage and not _is_bomb_error(exc):
                facts.reason = f"corrupt image: {damage}; {facts.reason}"
        else:
            if damage:
                # Damaged data that still decodes: keep the hashes but never call it sound.
                facts.decode_status = PARTIAL
                damaged = f"partial decode: {damage}"
                more = (facts.reason or "").removeprefix("partial decode: ")
                facts.reason = f"{damaged}; {more}" if more else damaged
        for warning in caught[:5]:
            facts.notes.append(f"decoder warning: {warning.message}")
    return facts


def _decode_into(fp: IO[bytes], allowed: list[str], facts: ImageFacts) -> None:
    img: Image.Image = Image.open(fp, formats=allowed)
    facts.format = img.format
    width, height = img.size
    if width <= 0 or height <= 0:
        raise BombError(f"invalid dimensions {width}x{height}")
    frames, capped, frame_error = _count_frames(img)
    facts.frames = frames
    if capped:
        facts.notes.append(f"frame count capped: at least {FRAME_COUNT_CAP} frames")
    if frame_error:
        # A damaged later frame leaves Pillow's frame state unreliable: start afresh.
        fp.seek(0)
        img = Image.open(fp, formats=allowed)
    orientation = _read_exif(img, facts)
    if img.format in ("JPEG", "MPO") and max(width, height) >= DRAFT_MIN_SIDE:
        before = img.size
        img.draft(img.mode, (THUMB_SIDE, THUMB_SIDE))
        facts.draft_scale = max(1, before[0] // max(1, img.size[0]))
    try:
        img.load()
        facts.decode_status = DECODED
    except OSError as exc:
        if "truncated" not in str(exc):
            raise
        fp.seek(0)
        with _truncated_allowed():
            img = Image.open(fp, formats=allowed)
            if facts.draft_scale:
                img.draft(img.mode, (THUMB_SIDE, THUMB_SIDE))
            img.load()
        facts.decode_status = PARTIAL
        facts.reason = f"partial decode: {exc}; perceptual hashes describe the decoded part"
    if frame_error and facts.decode_status == DECODED:
        facts.decode_status = PARTIAL
        facts.reason = f"partial decode: {frame_error}; perceptual hashes describe the first frame"
    if orientation != 1:
        img = img.transpose(_ORIENTATION_FIX[orientation])
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    facts.width, facts.height = width, height
    norm = normalise(img)
    # The bundle's phash/dhash are exactly imagehash.phash/dhash of `norm`
    # (tests/media/test_perceptual.py checks it); the rest serves near matching.
    bundle, variants, low_information = perceptual.analyse(norm)
    facts.phash = bundle[PHASH]
    facts.dhash = bundle[DHASH]
    facts.hash_bundle = {
        "version": perceptual.BUNDLE_VERSION,
        "bundle": bundle,
        "variants": variants,
    }
    facts.low_information = low_information
    turned = pdq.pdq_dihedral(norm)
    facts.pdq, facts.pdq_quality = turned[0].hex, turned[0].quality
    # The seven rotations and flips, for the query side of PDQ matching.
    facts.hash_bundle[pdq.DIHEDRAL_KEY] = [h.hex for h in turned[1:]]
    facts.thumbnail, facts.thumbnail_size = make_thumbnail(norm)
