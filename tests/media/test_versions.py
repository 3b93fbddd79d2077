"""The imaging libraries' versions recorded with every ingest run."""

from __future__ import annotations

import importlib.metadata

import PIL

from triage_app.media import versions


def test_versions_name_pillow_imagehash_pillow_heif_and_libheif() -> None:
    found = versions.tool_versions()
    assert found["pillow"] == PIL.__version__
    assert found["imagehash"] == importlib.metadata.version("imagehash")
    assert found["pi-heif"] == importlib.metadata.version("pi-heif")
    libheif = found["libheif"].split(".")
    assert len(libheif) == 3 and all(part.isdigit() for part in libheif), found
    assert "libde265" in found["heif-decoders"], found
