"""Versions of the imaging libraries whose output a case records with every hash.

Read from the packages themselves, without loading them (``importlib.metadata``
would cost a command tens of milliseconds): Pillow's ``PIL.__version__`` and
the ``__version__`` line of imagehash's ``__init__.py``. The pHash and dHash
are computed to match imagehash's bit for bit, so its version is recorded as
the reference they are interoperable with. With pillow-heif installed, its
version and libheif's (with libheif's HEVC decoders) are recorded too, without
loading the plugin; AVIF is decoded by Pillow's own libavif, which Pillow's
version pins.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

_VERSION_LINE = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.M)
#: The HEIF plugin's import name (:mod:`triage_app.media.heif` loads it when needed).
_HEIF_BINDING = "pi_heif"


def _declared_version(package: str) -> str:
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.origin:
        found = _VERSION_LINE.search(Path(spec.origin).read_text(encoding="utf-8"))
        if found:
            return found.group(1)
    from importlib.metadata import version

    return version(package)


def _heif_versions() -> dict[str, str]:
    """pillow-heif's version (from its source) and libheif's (asked of its compiled
    core only, a few milliseconds: the plugin is not loaded); empty without it."""
    spec = importlib.util.find_spec(_HEIF_BINDING)
    if spec is None or not spec.origin:
        return {}
    found: dict[str, str] = {}
    try:
        declared = _VERSION_LINE.search(
            Path(spec.origin).with_name("_version.py").read_text(encoding="utf-8")
        )
    except OSError:
        declared = None
    if declared:
        found["pi-heif"] = declared.group(1)
    try:
        import _pi_heif  # type: ignore[import-not-found]  # a compiled module: no stubs

        info = _pi_heif.get_lib_info()
    except (ImportError, OSError, AttributeError) as exc:
        found["libheif"] = f"unavailable ({type(exc).__name__})"
        return found
    found["libheif"] = str(info.get("libheif", "unknown"))
    decoders = info.get("decoders") or {}
    found["heif-decoders"] = "; ".join(str(name) for name in decoders.values()) or "none"
    return found


@cache
def tool_versions() -> dict[str, str]:
    """``{"pillow": ..., "imagehash": ...}`` as installed, and pillow-heif's and
    libheif's when pillow-heif is installed."""
    import PIL

    found = {"pillow": str(PIL.__version__), "imagehash": _declared_version("imagehash")}
    found.update(_heif_versions())
    return found
