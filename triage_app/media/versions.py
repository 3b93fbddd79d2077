"""Versions of the imaging libraries whose output a case records with every hash.

Read from the packages themselves, without loading them (``importlib.metadata``
would cost a command tens of milliseconds): Pillow's ``PIL.__version__`` and
the ``__version__`` line of imagehash's ``__init__.py``. The pHash and dHash
are computed to match imagehash's bit for bit, so its version is recorded as
the reference they are interoperable with.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

_VERSION_LINE = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.M)


def _declared_version(package: str) -> str:
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.origin:
        found = _VERSION_LINE.search(Path(spec.origin).read_text(encoding="utf-8"))
        if found:
            return found.group(1)
    from importlib.metadata import version

    return version(package)


@cache
def tool_versions() -> dict[str, str]:
    """``{"pillow": ..., "imagehash": ...}`` as installed."""
    import PIL

    return {"pillow": str(PIL.__version__), "imagehash": _declared_version("imagehash")}
