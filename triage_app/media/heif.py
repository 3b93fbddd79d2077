"""HEIF/HEIC and AVIF: which Pillow plugins decode them, loaded only when one is met.

HEIF/HEIC comes through pillow-heif (libheif with libde265), a Pillow plugin named
``HEIF``. Importing it costs tens of milliseconds and loads libheif, so nothing
imports it at start: :func:`installed` asks the import system without importing,
and :func:`decoders_for` registers the plugin, once per process, in the worker that
meets the first HEIF or AVIF file. AVIF is Pillow's own plugin (libavif with dav1d).
Both share the ISO base media file format and the ``mif1``/``msf1`` brands, so each
is offered the other's plugin after its own.

Orientation: libheif applies the container's rotation and mirroring (``irot``,
``imir``) and pillow-heif then resets the EXIF orientation to 1, so it is never
applied twice; Pillow's AVIF plugin leaves them to the EXIF orientation it reports,
which :mod:`triage_app.media.image_decode` applies as for a JPEG. Pillow's
decompression-bomb check runs on every plugin's size at open; libheif's own security
limits (image size, memory) stay on.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import IO

from PIL import Image

HEIF = "HEIF"
AVIF = "AVIF"
#: The sniffed formats this module serves, each with the plugins to try in turn.
PLUGINS: dict[str, tuple[str, ...]] = {HEIF: (HEIF, AVIF), AVIF: (AVIF, HEIF)}
#: The import name of the HEIF plugin: the distribution pi-heif, pillow-heif's decoder-only
#: build (LGPL libheif + libde265, no GPL x265 encoder).
BINDING = "pi_heif"


@functools.cache
def installed() -> bool:
    """True when pillow-heif is installed (found, not imported)."""
    return importlib.util.find_spec(BINDING) is not None


def one_line(text: object) -> str:
    """``text`` as one line (libheif's messages end with a newline)."""
    return " ".join(str(text).split())


#: How libheif's error messages start (its error categories), and what they mean here.
_LIBHEIF_ERRORS = {
    "Invalid input": "corrupt image",
    "Unsupported feature": "not decodable",
    "Unsupported filetype": "not decodable",
    "Decoder plugin error": "corrupt image",
}


def describe(exc: BaseException) -> str | None:
    """A reason for a libheif error raised while decoding (pillow-heif raises them as
    ``ValueError``/``RuntimeError``), else None."""
    text = one_line(exc)
    if not isinstance(exc, (ValueError, RuntimeError)):
        return None
    for start, verdict in _LIBHEIF_ERRORS.items():
        if text.startswith(start):
            return f"{verdict}: HEIF decoder: {text}"
    return None


@functools.cache
def register() -> str | None:
    """Register pillow-heif's opener (once); return why it could not be, else None."""
    try:
        import pi_heif
    except (ImportError, OSError) as exc:
        return f"pi-heif could not be loaded: {type(exc).__name__}: {one_line(exc)}"
    # Embedded thumbnails, depth maps and auxiliary images are never used: skip them.
    pi_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
    return None


def decoders_for(sniffed_format: str) -> tuple[list[str], str | None]:
    """The Pillow plugins that can decode ``sniffed_format`` (a key of ``PLUGINS``), in
    the order to try them, and why its own plugin is missing (None when it is there)."""
    problem = register() if installed() else "pi-heif is not installed"
    Image.init()
    plugins = [name for name in PLUGINS[sniffed_format] if name in Image.OPEN]
    if sniffed_format in plugins:
        return plugins, None
    if sniffed_format == AVIF:
        problem = "this Pillow has no AVIF support (Pillow 11.3 or later decodes AVIF)"
    return plugins, problem


def open_error(fp: IO[bytes], plugins: list[str]) -> str | None:
    """Why none of ``plugins`` opened the file, in the decoder's words.

    ``Image.open`` reports only that it could not identify the file; opening it with
    each plugin directly brings back the decoder's own message (libheif's or libavif's).
    """
    for name in plugins:
        factory, accept = Image.OPEN[name]
        fp.seek(0)
        if accept is not None and not accept(fp.read(16)):
            continue
        fp.seek(0)
        try:
            factory(fp, "").close()
        except Exception as exc:  # the decoder's refusal is the answer
            return f"{name} decoder: {one_line(exc)}"
    return None
