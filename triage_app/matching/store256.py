"""On-disk format of the 256-bit index: a folder of ``.npy`` files and a manifest.

::

    index/
      manifest.json        format name, version, layout, array shapes/dtypes/SHA-256
      values.npy           uint64 (n, 4), every hash in build order
      ids.npy              int64, aligned with values
      table<j>_order.npy   uint32, entry positions sorted by substring j
      table<j>_offsets.npy uint32, 2**width + 1 bucket offsets into table<j>_order

Arrays load with ``np.load(mmap_mode="r")`` like the 64-bit index
(:mod:`.index_store`, whose write and rename discipline this shares): opening
reads only the manifest and the ``.npy`` headers.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from triage_app.domain import safe_json
from triage_app.files.digest import file_sha256
from triage_app.matching.index_store import IndexFormatError, _fsync_dir, _write_synced
from triage_app.matching.planner256 import MAX_WIDTH
from triage_app.matching.tables256 import Parts256, Table256, layout_starts

FORMAT_NAME = "triage-pdq-index"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def _manifest_format(path: Path) -> object:
    try:
        manifest = safe_json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("format") if isinstance(manifest, dict) else None


def save_index256(parts: Parts256, path: Path, *, overwrite: bool = False) -> None:
    """Write the arrays of an index to the folder ``path``.

    ``path`` must not exist unless ``overwrite`` is true, in which case the
    old folder (which must be an index of this format) is replaced only once
    the new one is complete.
    """
    if path.exists():
        if not overwrite:
            raise FileExistsError(f"{path} already exists")
        if _manifest_format(path) != FORMAT_NAME:
            raise FileExistsError(f"{path} exists and is not a PDQ index: not replacing it")
    arrays: dict[str, NDArray[Any]] = {"values": parts.values, "ids": parts.ids}
    for j, table in enumerate(parts.tables):
        arrays[f"table{j}_order"] = table.order
        arrays[f"table{j}_offsets"] = table.offsets
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    tmp.mkdir()
    try:
        described = {}
        for name, array in arrays.items():
            file = tmp / f"{name}.npy"
            _write_synced(file, array)
            described[name] = {
                "file": file.name,
                "dtype": np.dtype(array.dtype).str,
                "shape": list(array.shape),
                "sha256": file_sha256(file),
            }
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "size": int(parts.values.shape[0]),
            "max_distance": parts.max_distance,
            "widths": [table.width for table in parts.tables],
            "arrays": described,
        }
        _write_synced(tmp / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
        if path.exists():
            old = tmp.with_name(tmp.name.removesuffix(".part") + ".old")
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old)
        else:
            tmp.rename(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(path.parent)


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = safe_json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexFormatError(f"{path} is not a PDQ index: no {MANIFEST}") from None
    except (OSError, ValueError) as err:
        raise IndexFormatError(f"{path}: unreadable {MANIFEST}: {err}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise IndexFormatError(f"{path} is not a {FORMAT_NAME} folder")
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"{path} has PDQ-index format version {version!r}; "
            f"this program reads version {FORMAT_VERSION} only"
        )
    return manifest


def _load_arrays(path: Path, described: dict[str, Any], verify: bool, mmap: bool
                 ) -> dict[str, NDArray[Any]]:  # fmt: skip
    arrays: dict[str, NDArray[Any]] = {}
    for name, info in described.items():
        file = path / str(info["file"])
        if file.parent != path:
            raise IndexFormatError(f"{path}: array {name} points outside the folder")
        if verify and file_sha256(file) != info["sha256"]:
            raise IndexFormatError(f"{file} does not match its SHA-256 in the manifest")
        array = np.load(file, mmap_mode="r" if mmap else None, allow_pickle=False)
        if array.dtype.str != info["dtype"] or list(array.shape) != info["shape"]:
            raise IndexFormatError(f"{file} is not the {info['dtype']} {info['shape']} expected")
        arrays[name] = array
    return arrays


def load_index256(path: Path, *, verify: bool = False, mmap: bool = True) -> Parts256:
    """Open the arrays of the PDQ index in folder ``path`` (read-only maps by default).

    ``verify`` re-hashes every file against the manifest first. Shapes,
    dtypes and the table layout are checked; contents are trusted.
    """
    manifest = _read_manifest(path)
    try:
        arrays = _load_arrays(path, manifest["arrays"], verify, mmap)
        size = int(manifest["size"])
        values, ids = arrays["values"], arrays["ids"]
        if values.dtype != np.uint64 or values.shape != (size, 4):
            raise IndexFormatError(f"{path}: values do not match size {size}")
        if ids.dtype != np.int64 or ids.shape != (size,):
            raise IndexFormatError(f"{path}: ids do not match size {size}")
        widths = [int(w) for w in manifest["widths"]]
        if any(not 1 <= w <= MAX_WIDTH for w in widths) or sum(widths) > 256:
            raise IndexFormatError(f"{path}: bad table layout {widths}")
        tables = []
        for j, (start, width) in enumerate(zip(layout_starts(widths), widths, strict=True)):
            order, offsets = arrays[f"table{j}_order"], arrays[f"table{j}_offsets"]
            if (
                order.dtype != np.uint32
                or offsets.dtype != np.uint32
                or order.shape != (size,)
                or offsets.shape != ((1 << width) + 1,)
                or int(offsets[0]) != 0
                or int(offsets[-1]) != size
            ):
                raise IndexFormatError(f"{path}: table {j} is inconsistent")
            tables.append(Table256(start, width, order, offsets))
        max_distance = int(manifest["max_distance"])
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, IndexFormatError):
            raise
        raise IndexFormatError(f"{path}: malformed index: {err!r}") from None
    return Parts256(values, ids, tuple(tables), max_distance)
