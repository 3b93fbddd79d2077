"""On-disk format of a Hamming index: a folder of ``.npy`` files and a manifest.

::

    index/
      manifest.json          format name, version, layout, array shapes/dtypes/SHA-256
      values.npy             uint64, every hash sorted (table 0's data)
      ids.npy                int64, aligned with values
      table0_buckets.npy     uint64, packed bucket ranges of table 0 (data: values)
      table<j>_data.npy      uint64, table j's rotated distinct hashes (j >= 1)
      table<j>_buckets.npy   uint64, packed bucket ranges of table j

Arrays load with ``np.load(mmap_mode="r")``: opening a 10-million-entry index
reads only the manifest and the ``.npy`` headers; pages come in as queries
touch them. A manifest with another format name or an unknown version is
refused. Saving writes a sibling temporary folder and renames it into place.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from triage_app.domain import safe_json
from triage_app.domain.errors import TriageError
from triage_app.files.digest import file_sha256
from triage_app.matching.planner import MAX_WIDTH
from triage_app.matching.tables import IndexParts, Table

FORMAT_NAME = "triage-hamming-index"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class IndexFormatError(TriageError, ValueError):
    """The folder is not a hash index this version can read."""


def _write_synced(path: Path, content: NDArray[Any] | bytes) -> None:
    """Write an ``.npy`` array or raw bytes to ``path`` and fsync it."""
    with open(path, "wb") as handle:
        if isinstance(content, bytes):
            handle.write(content)
        else:
            np.save(handle, np.ascontiguousarray(content), allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def save_index(index: IndexParts, path: Path, *, overwrite: bool = False) -> None:
    """Write the arrays of an index to the folder ``path``.

    ``path`` must not exist unless ``overwrite`` is true, in which case the
    old folder is replaced only once the new one is complete.
    """
    if path.exists():
        if not overwrite:
            raise FileExistsError(f"{path} already exists")
        if not _is_index_folder(path):
            raise FileExistsError(f"{path} exists and is not a hash index: not replacing it")
    arrays: dict[str, NDArray[Any]] = {"values": index.values, "ids": index.ids}
    tables = []
    for j, table in enumerate(index.tables):
        arrays[f"table{j}_buckets"] = table.buckets
        if j:
            arrays[f"table{j}_data"] = table.data
        tables.append({"shift": table.shift, "width": table.width})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    tmp.mkdir()  # default mode: the final folder gets the usual permissions
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
            "size": int(index.values.size),
            "max_distance": index.max_distance,
            "tables": tables,
            "arrays": described,
        }
        text = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
        _write_synced(tmp / MANIFEST, text)
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


def _is_index_folder(path: Path) -> bool:
    """Whether ``path`` holds a manifest of this format (any version)."""
    try:
        manifest = safe_json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT_NAME


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = safe_json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexFormatError(f"{path} is not a hash index: no {MANIFEST}") from None
    except (OSError, ValueError) as err:
        raise IndexFormatError(f"{path}: unreadable {MANIFEST}: {err}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise IndexFormatError(f"{path} is not a {FORMAT_NAME} folder")
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"{path} has hash-index format version {version!r}; "
            f"this program reads version {FORMAT_VERSION} only"
        )
    return manifest


def load_index(path: Path, *, verify: bool = False, mmap: bool = True) -> IndexParts:
    """Open the arrays of the index in folder ``path``.

    ``mmap`` (the default) maps the arrays read-only: opening is instant and
    pages load on first use. ``mmap=False`` reads them into memory (slower to
    open, faster random access on big indexes). ``verify`` re-hashes every
    file against the manifest first.
    """
    manifest = _read_manifest(path)
    try:
        described: dict[str, dict[str, Any]] = manifest["arrays"]
        arrays: dict[str, NDArray[Any]] = {}
        for name, info in described.items():
            file = path / str(info["file"])
            if file.parent != path:
                raise IndexFormatError(f"{path}: array {name} points outside the folder")
            if verify and file_sha256(file) != info["sha256"]:
                raise IndexFormatError(f"{file} does not match its SHA-256 in the manifest")
            array = np.load(file, mmap_mode="r" if mmap else None, allow_pickle=False)
            if array.dtype.str != info["dtype"] or list(array.shape) != info["shape"]:
                raise IndexFormatError(
                    f"{file} is not the {info['dtype']} {info['shape']} expected"
                )
            arrays[name] = array
        size = int(manifest["size"])
        values, ids = arrays["values"], arrays["ids"]
        if values.dtype != np.uint64 or ids.dtype != np.int64 or values.shape != (size,):
            raise IndexFormatError(f"{path}: values/ids do not match size {size}")
        if ids.shape != values.shape:
            raise IndexFormatError(f"{path}: ids and values differ in length")
        tables = []
        shift = 0
        for j, spec in enumerate(manifest["tables"]):
            width = int(spec["width"])
            if int(spec["shift"]) != shift or not 1 <= width <= MAX_WIDTH or shift + width > 64:
                raise IndexFormatError(f"{path}: bad layout for table {j}")
            data = values if j == 0 else arrays[f"table{j}_data"]
            buckets = arrays[f"table{j}_buckets"]
            if (
                data.dtype != np.uint64
                or buckets.dtype != np.uint64
                or buckets.shape != (1 << width,)
                or int(buckets[0]) & 0xFFFF_FFFF != 0
                or int(buckets[-1]) >> 32 != data.size
            ):
                raise IndexFormatError(f"{path}: table {j} is inconsistent")
            tables.append(Table(shift, width, data, buckets))
            shift += width
        max_distance = int(manifest["max_distance"])
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, IndexFormatError):
            raise
        raise IndexFormatError(f"{path}: malformed index: {err!r}") from None
    return IndexParts(values, ids, tuple(tables), max_distance)
