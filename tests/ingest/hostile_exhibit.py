"""One exhibit folder with every bad input, its snapshots, and ``triage`` run as a user runs it.

See ``ingest/test_pipeline.py``: odd names, a deep tree, links, special files, unreadable
entries, damaged and hostile images, duplicates; a real subprocess that cannot bypass
file permissions (``evidence.helpers.unprivileged``) with a fake Ghostscript first on PATH.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from evidence.helpers import (
    bind_socket,
    make_char_device,
    make_deep,
    unprivileged,
    walk_fd,
)
from PIL import Image

from ingest.helpers import (
    EPS,
    PDF,
    PSD,
    encode,
    huge_png_header,
    hundred_megapixel_png,
    many_frame_gif,
    scene,
    text_bomb_png,
    zip_bytes,
)
from triage_app.demo import synthetic
from triage_app.evidence.folder import kind_of

HASHED, SKIPPED, FAILED = "hashed", "skipped", "failed"
OLD_NS = 1_000_000_000 * 10**9  # 2001-09-09: atimes are set to this before the ingest
DENIED = f"{os.strerror(errno.EACCES)} (errno {errno.EACCES})"
INGEST_TIMEOUT = 180  # a FIFO opened for reading would block the ingest past this
#: Programs Pillow (or anything it calls) might start to render EPS/PDF.
RENDERERS = ("gs", "gsc", "gsx", "gswin32c", "gswin64c", "magick", "convert", "pdftoppm")
EXAMINER, PASSWORD = "Reliability Tester", "not-a-real-secret"  # for the signed-in CLI
TOTALS = re.compile(r"found (\d+) = hashed (\d+) \+ skipped (\d+) \+ failed (\d+)")


@dataclass
class Exhibit:
    """The mixed exhibit folder and what the ingest must make of each entry."""

    source: Path
    expected: dict[bytes, str] = field(default_factory=dict)  # rel path -> status
    data: dict[bytes, bytes] = field(default_factory=dict)  # rel path -> content written
    kinds: dict[bytes, str] = field(default_factory=dict)  # special entries -> walker kind

    def file(self, rel: bytes, data: bytes, status: str = HASHED) -> None:
        path = self.source / os.fsdecode(rel)  # surrogate escapes keep non-UTF-8 bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.expected[rel] = status
        self.data[rel] = data

    def special(self, rel: bytes, kind: str) -> None:
        self.expected[rel] = SKIPPED
        self.kinds[rel] = kind


def build_exhibit(source: Path, outside: Path) -> Exhibit:
    ex = Exhibit(source)
    rng = np.random.default_rng(2026)
    img = scene(80)
    jpeg = synthetic.jpeg_bytes(img)
    # content typing and damage
    ex.file(b"empty.jpg", b"")
    ex.file(b"png-named.jpg", synthetic.png_bytes(scene(81)))
    ex.file(b"noise.jpg", b"\x01" + rng.bytes(30_000))
    ex.file(b"jpeg-zip.jpg", jpeg + zip_bytes(rng.bytes(5000)))
    ex.file(b"truncated.jpg", jpeg[: len(jpeg) // 2])
    png = bytearray(synthetic.png_bytes(scene(82)))
    png[33 + 8 + int.from_bytes(png[33:37], "big")] ^= 0xFF  # the first IDAT's CRC
    ex.file(b"bad-crc.png", bytes(png))
    ex.file(b"eps.jpg", EPS)
    ex.file(b"pdf.jpg", PDF)
    ex.file(b"psd.jpg", PSD)
    # bombs and frames
    ex.file(b"bombs/header-50000.png", huge_png_header())
    ex.file(b"bombs/100-megapixel.png", hundred_megapixel_png())
    ex.file(b"bombs/ztxt.png", text_bomb_png("before"))
    ex.file(b"frames/10000.gif", many_frame_gif(10_000))
    pages = [scene(83 + k, (48, 32)) for k in range(5)]
    ex.file(b"frames/pages.tif", encode(pages[0], "TIFF", save_all=True, append_images=pages[1:]))
    # colour, orientation, low information
    ex.file(b"colour/cmyk.jpg", synthetic.jpeg_bytes(img.convert("CMYK"), quality=95))
    grey16 = Image.fromarray(np.asarray(img.convert("L")).astype(np.uint16) * 257)
    ex.file(b"colour/grey16.png", encode(grey16, "PNG"))
    ex.file(b"colour/grey16.tif", encode(grey16, "TIFF"))
    ex.file(b"colour/palette.gif", encode(img.quantize(32), "GIF", transparency=3))
    rgba = img.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(img.size))
    ex.file(b"colour/rgba.png", synthetic.png_bytes(rgba))
    stored = synthetic.stored_for_orientation(img, 6)
    ex.file(b"colour/rotated.jpg", synthetic.exif_jpeg(stored, orientation=6))
    ex.file(b"tiny/1x1.png", synthetic.png_bytes(Image.new("RGB", (1, 1), (9, 9, 9))))
    ex.file(b"tiny/1xN.png", synthetic.png_bytes(Image.new("L", (1, 400), 77)))
    ex.file(b"tiny/blank.png", synthetic.png_bytes(Image.new("RGB", (300, 200), "white")))
    # names
    ex.file(b"names/caf\xe9.jpg", synthetic.jpeg_bytes(scene(90)))  # Latin-1, not UTF-8
    ex.file(b"names/caf\xc3\xa9.jpg", b"NFC spelling")
    ex.file(b"names/cafe\xcc\x81.jpg", b"NFD spelling")
    ex.file(b"names/" + b"n" * 251 + b".jpg", synthetic.jpeg_bytes(scene(91)))
    deep = b"This file lies more than PATH_MAX bytes below /"
    (ex.source / "deep").mkdir()
    deep_rel = b"deep/" + make_deep(ex.source / "deep", deep)
    ex.expected[deep_rel], ex.data[deep_rel] = HASHED, deep
    # duplicates and hard links
    ex.file(b"dups/a.jpg", jpeg)
    ex.file(b"dups/copy.jpg", jpeg)
    os.link(source / "dups" / "a.jpg", source / "dups" / "hard.jpg")
    ex.expected[b"dups/hard.jpg"], ex.data[b"dups/hard.jpg"] = HASHED, jpeg
    # links and special files
    (outside / "secret.jpg").write_bytes(jpeg)
    links = {
        b"links/loop1": "loop2",
        b"links/loop2": "loop1",
        b"links/dir-loop": "..",
        b"links/out.jpg": str(outside / "secret.jpg"),
        b"links/out-dir": str(outside),
        b"links/broken.jpg": "does-not-exist.jpg",
    }
    (source / "links").mkdir()
    for rel, target in links.items():
        (source / os.fsdecode(rel)).symlink_to(target)
        ex.special(rel, "symlink")
    (source / "special").mkdir()
    os.mkfifo(source / "special" / "pipe.jpg")
    ex.special(b"special/pipe.jpg", "fifo")
    bind_socket(source / "special" / "socket")
    ex.special(b"special/socket", "socket")
    if make_char_device(source / "special" / "null"):  # needs root: see evidence/test_folder.py
        ex.special(b"special/null", "char-device")
    # unreadable entries (locked after ownership is settled, see the fixture)
    ex.file(b"locked/unreadable.jpg", jpeg, FAILED)
    ex.file(b"locked-dir/inside.jpg", jpeg)
    del ex.expected[b"locked-dir/inside.jpg"]  # never seen: the folder itself fails
    ex.expected[b"locked-dir"] = FAILED
    ex.file(b"no-exec/one.jpg", jpeg, FAILED)  # listed, but cannot be stat-ed
    ex.file(b"no-exec/two.jpg", jpeg, FAILED)
    return ex


def lock(ex: Exhibit) -> None:
    (ex.source / "locked" / "unreadable.jpg").chmod(0o000)
    (ex.source / "locked-dir").chmod(0o000)
    (ex.source / "no-exec").chmod(0o600)  # names can be listed, not stat-ed


_NOATIME = getattr(os, "O_NOATIME", 0)


def _sha256_at(dir_fd: int, name: bytes) -> str:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _NOATIME, dir_fd=dir_fd)
    except PermissionError:
        return "unreadable"
    with os.fdopen(fd, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def contents(top: Path) -> dict[bytes, tuple[str, object]]:
    """Every name below ``top`` with its bytes (as SHA-256) or link target."""
    out: dict[bytes, tuple[str, object]] = {}
    for fd, name, rel in walk_fd(top):
        mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            out[rel] = ("link", os.readlink(name, dir_fd=fd))
        elif stat.S_ISREG(mode):
            out[rel] = ("file", _sha256_at(fd, name))
        else:
            out[rel] = (kind_of(mode), None)
    return out


def _meta(st: os.stat_result) -> tuple[int, ...]:
    return (
        st.st_mode,
        st.st_size,
        st.st_mtime_ns,
        st.st_atime_ns,
        st.st_ctime_ns,
        st.st_ino,
        st.st_nlink,
        st.st_uid,
        st.st_gid,
    )


def stats(top: Path) -> dict[bytes, tuple[int, ...]]:
    """Metadata (size, times, inode, owner...) of ``top`` and everything below it."""
    out = {b"": _meta(top.stat())}
    for fd, name, rel in walk_fd(top):
        out[rel] = _meta(os.stat(name, dir_fd=fd, follow_symlinks=False))
    return out


def set_old_atimes(top: Path) -> None:
    """Give every entry an old access time, so that a read would visibly update it."""
    for fd, name, _ in walk_fd(top):
        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        os.utime(name, ns=(OLD_NS, st.st_mtime_ns), dir_fd=fd, follow_symlinks=False)
    os.utime(top, ns=(OLD_NS, top.stat().st_mtime_ns))


@dataclass
class Run:
    exhibit: Exhibit
    case: Path
    marker: Path
    stdout: str
    stderr: str
    returncode: int
    elapsed: float
    items: list[dict[str, Any]]
    listing: str
    contents_before: dict[bytes, tuple[str, object]]
    contents_after: dict[bytes, tuple[str, object]]
    stats_before: dict[bytes, tuple[int, ...]]
    stats_after: dict[bytes, tuple[int, ...]]

    @property
    def by_path(self) -> dict[bytes, dict[str, Any]]:
        return {os.fsencode(item["path"]): item for item in self.items}


def triage(*args: str | os.PathLike[str], env: dict[str, str], cwd: Path) -> Any:
    """Run the CLI unprivileged, with a timeout."""
    return subprocess.run(  # type: ignore[call-overload]
        [sys.executable, "-m", "triage_app.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=INGEST_TIMEOUT,
        check=False,
        env=env,
        cwd=cwd,
        **unprivileged().kwargs,
    )


def fake_renderers(folder: Path, marker: Path) -> None:
    """Executables named like Ghostscript & co that only record that they were started."""
    folder.mkdir()
    for name in RENDERERS:
        exe = folder / name
        exe.write_text(f'#!/bin/sh\necho "{name} $*" >> "{marker}"\nexit 1\n')
        exe.chmod(0o755)


def child_env(base: Path) -> dict[str, str]:
    home = base / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        PATH=f"{base / 'fakebin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        HOME=str(home),
        TRIAGE_HOME=str(home),
        PYTHONDONTWRITEBYTECODE="1",
        TRIAGE_USER=EXAMINER,
        TRIAGE_PASSWORD=PASSWORD,
    )
    return env


def create_case(case: Path, env: dict[str, str], cwd: Path) -> None:
    done = triage(
        "case", "create", case, "--ref", "REL-1", "--examiner", EXAMINER, env=env, cwd=cwd
    )
    assert done.returncode == 0, done.stderr
