"""Blurred greyscale thumbnails for reports that ask for them (``--thumbnails``).

The case stores a JPEG thumbnail (longest side 256 px) of each decoded image.
For a report it is made unrecognisable on purpose: reduced to greyscale,
shrunk to :data:`DETAIL_SIDE` pixels (which throws the detail away), enlarged
again and blurred. What is left shows the layout and tones of a picture, enough
to tell two listed items apart, not what they show.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageFilter

#: Longest side of the shrunk copy: the detail that survives.
DETAIL_SIDE = 12
#: Longest side of the thumbnail in the report.
SIDE = 64
#: Gaussian blur radius applied after enlarging.
BLUR_RADIUS = 3
QUALITY = 70


def blurred_thumbnail(jpeg: bytes) -> bytes | None:
    """The report thumbnail for a stored thumbnail, or None if it cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as img:
                if img.width * img.height > 1024 * 1024:
                    return None
                grey = img.convert("L")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning):
        return None
    scale = SIDE / max(grey.width, grey.height, 1)
    size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
    small_scale = DETAIL_SIDE / max(grey.width, grey.height, 1)
    small = grey.resize(
        (max(1, round(grey.width * small_scale)), max(1, round(grey.height * small_scale))),
        Image.Resampling.BOX,
    )
    out = small.resize(size, Image.Resampling.BILINEAR).filter(
        ImageFilter.GaussianBlur(BLUR_RADIUS)
    )
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=QUALITY)
    return buffer.getvalue()
