"""The whole ingest, run as a user runs it, against every ingest row of the "Bad inputs
and faults to test" table in docs/reliability.md.

One exhibit folder mixes every bad input: odd names, a deep tree, links, special files,
unreadable entries, damaged and hostile images, duplicates. It is ingested once with
``triage ingest`` in a real subprocess that cannot bypass file permissions (see
``test_walker.unprivileged``), with a fake Ghostscript first on PATH; the tests below
check different promises against that one run. The evidence is snapshotted (names,
bytes, sizes, times) before and after.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from test_examine import (
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
from test_walker import (
    bind_socket,
    give_to_child,
    make_char_device,
    make_deep,
    unlock_and_remove,
    unprivileged,
    walk_fd,
)

from triage_app.demo import synthetic
from triage_app.evidence.folder import kind_of
from triage_app.media import image_decode

HASHED, SKIPPED, FAILED = "hashed", "skipped", "failed"
OLD_NS = 1_000_000_000 * 10**9  # 2001-09-09: atimes are set to this before the ingest
DENIED = f"{os.strerror(errno.EACCES)} (errno {errno.EACCES})"
INGEST_TIMEOUT = 180  # a FIFO opened for reading would block the ingest past this
#: Programs Pillow (or anything it calls) might start to render EPS/PDF.
RENDERERS = ("gs", "gsc", "gsx", "gswin32c", "gswin64c", "magick", "convert", "pdftoppm")
EXAMINER, PASSWORD = "Reliability Tester", "not-a-real-secret"  # for the signed-in CLI
TOTALS = re.compile(r"found (\d+) = hashed (\d+) \+ skipped (\d+) \+ failed (\d+)")

# ---------------------------------------------------------------------------- the exhibit


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
    if make_char_device(source / "special" / "null"):  # needs root: see test_walker.py
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


# ---------------------------------------------------------------------------- snapshots

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


# ---------------------------------------------------------------------------- the run


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


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    base = Path(tempfile.mkdtemp(prefix="triage-reliability-"))
    try:
        source, outside = base / "evidence", base / "outside"
        source.mkdir()
        outside.mkdir()
        marker = base / "renderer-started"
        fake_renderers(base / "fakebin", marker)
        env = child_env(base)
        exhibit = build_exhibit(source, outside)
        give_to_child(base)
        lock(exhibit)
        case = base / "case"
        create_case(case, env, base)

        contents_before = contents(source)
        set_old_atimes(source)
        stats_before = stats(source)
        started = time.monotonic()
        done = triage(
            "ingest", case, source, "--exhibit", "REL/1", "--workers", "2", "--no-progress",
            "--no-match", env=env, cwd=base,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        stats_after = stats(source)
        contents_after = contents(source)

        listed = triage("items", case, "--json", env=env, cwd=base)
        assert listed.returncode == 0, listed.stderr
        text = triage("items", case, env=env, cwd=base)
        assert text.returncode == 0, text.stderr
        yield Run(
            exhibit=exhibit,
            case=case,
            marker=marker,
            stdout=done.stdout,
            stderr=done.stderr,
            returncode=done.returncode,
            elapsed=elapsed,
            items=json.loads(listed.stdout),
            listing=text.stdout,
            contents_before=contents_before,
            contents_after=contents_after,
            stats_before=stats_before,
            stats_after=stats_after,
        )
    finally:
        unlock_and_remove(base)


# ---------------------------------------------------------------------------- accounting


def test_the_ingest_finishes_and_prints_balanced_totals(run: Run) -> None:
    """Accounting identity found = hashed + skipped + failed, as printed by `triage ingest`,
    for a tree mixing every bad input, with every count as expected."""
    assert run.returncode == 0, f"{unprivileged().how}\n{run.stdout}\n{run.stderr}"
    assert "finished" in run.stdout
    match = TOTALS.search(run.stdout)
    assert match is not None, run.stdout
    found, hashed, skipped, failed = map(int, match.groups())
    assert found == hashed + skipped + failed
    expected = Counter(run.exhibit.expected.values())
    assert (found, hashed, skipped, failed) == (
        len(run.exhibit.expected),
        expected[HASHED],
        expected[SKIPPED],
        expected[FAILED],
    )


def test_items_json_lists_every_entry_exactly_once_with_its_status(run: Run) -> None:
    """The same identity from `triage items --json`: one item per entry, each with the
    expected status, and nothing the walk should not have found."""
    paths = [os.fsencode(item["path"]) for item in run.items]
    assert len(paths) == len(set(paths))
    statuses = {os.fsencode(item["path"]): item["status"] for item in run.items}
    assert statuses == run.exhibit.expected
    counts = Counter(statuses.values())
    assert len(run.items) == counts[HASHED] + counts[SKIPPED] + counts[FAILED]
    for item in run.items:
        if item["status"] == HASHED:
            data = run.exhibit.data[os.fsencode(item["path"])]
            assert item["size"] == len(data)
            assert item["sha256"] == hashlib.sha256(data).hexdigest(), item["path"]
            assert item["md5"] == hashlib.md5(data).hexdigest(), item["path"]
            assert item["sha1"] == hashlib.sha1(data).hexdigest(), item["path"]
        else:
            assert item["reason"], item["path"]
            assert item["sha256"] is None


# ---------------------------------------------------------------------------- evidence


def test_the_evidence_is_not_changed(run: Run) -> None:
    """Evidence read-only: names, bytes, link targets, sizes, mtimes, ctimes, inodes and
    the (deliberately old) atimes are identical after the ingest; nothing new appeared."""
    assert run.contents_after == run.contents_before
    assert run.stats_after.keys() == run.stats_before.keys()
    changed = {
        rel: (run.stats_before[rel], run.stats_after[rel])
        for rel in run.stats_before
        if run.stats_before[rel] != run.stats_after[rel]
    }
    assert not changed, changed
    assert {meta[3] for meta in run.stats_after.values()} == {OLD_NS}
    assert "access times could not be preserved" not in run.stdout
    for item in run.items:
        if item["status"] == HASHED:
            assert item["atime_preserved"] is True, item["path"]


# ---------------------------------------------------------------------------- names


def test_names_are_stored_losslessly_and_shown_escaped(run: Run) -> None:
    """non-UTF-8 names, NFC vs NFD, 255-byte names, deep paths: stored losslessly, listed
    distinct, shown escaped."""
    by_path = run.by_path
    latin1, nfc, nfd = b"names/caf\xe9.jpg", b"names/caf\xc3\xa9.jpg", b"names/cafe\xcc\x81.jpg"
    long_name = b"names/" + b"n" * 251 + b".jpg"
    (deep,) = [rel for rel in by_path if rel.startswith(b"deep/")]
    assert len(deep) > 4096
    for rel in (latin1, nfc, nfd, long_name, deep):
        assert by_path[rel]["status"] == HASHED
        assert by_path[rel]["sha256"] == hashlib.sha256(run.exhibit.data[rel]).hexdigest()
    assert by_path[nfc]["id"] != by_path[nfd]["id"]
    assert by_path[latin1]["path_hex"] == latin1.hex()
    assert "path_hex" not in by_path[nfc]
    # The text listing escapes what is not printable UTF-8 and stays one line per item.
    lines = run.listing.splitlines()
    assert len(lines) == len(run.items)
    assert any(line.endswith("names/caf\\udce9.jpg") for line in lines)
    assert any(line.endswith("names/cafe\\u0301.jpg") for line in lines)


# ---------------------------------------------------------------------------- links & specials


def test_links_and_special_files_are_skipped_not_opened(run: Run) -> None:
    """symlink loops, links out of the source, broken links, FIFOs, sockets, devices:
    recorded as skipped with the rule; the FIFO did not block the ingest."""
    assert run.elapsed < INGEST_TIMEOUT
    by_path = run.by_path
    for rel, kind in run.exhibit.kinds.items():
        item = by_path[rel]
        assert (item["status"], item["entry_kind"]) == (SKIPPED, kind), rel
        assert "never" in item["reason"], rel
        assert item["sha256"] is None and item["size"] is not None
    # nothing outside the exhibit was reached through a link
    assert not [rel for rel in by_path if b"secret" in rel or rel.startswith(b"links/out-dir/")]


# ---------------------------------------------------------------------------- unreadable


def test_unreadable_file_and_folders_fail_with_the_os_error(run: Run) -> None:
    """unreadable file or folder: failed with the OS error; totals still reconcile (the
    unreadable folder is one failed entry; what is inside it is never found)."""
    by_path = run.by_path
    file_item = by_path[b"locked/unreadable.jpg"]
    assert file_item["reason"] == f"cannot open: {DENIED}"
    folder = by_path[b"locked-dir"]
    assert (folder["entry_kind"], folder["reason"]) == ("directory", f"folder unreadable: {DENIED}")
    for rel in (b"no-exec/one.jpg", b"no-exec/two.jpg"):
        assert by_path[rel]["reason"] == f"cannot stat: {DENIED}"
    assert b"locked-dir/inside.jpg" not in by_path
    assert all(by_path[rel]["status"] == FAILED for rel in run.exhibit.expected if b"lock" in rel)


# ---------------------------------------------------------------------------- content


def test_content_rows(run: Run) -> None:
    """zero-byte; PNG and random bytes named .jpg; JPEG with a ZIP appended; truncated
    JPEG; PNG with a bad CRC: as the table says, through the whole ingest."""
    by_path = run.by_path
    empty = by_path[b"empty.jpg"]
    assert (empty["md5"], empty["sha256"]) == (
        "d41d8cd98f00b204e9800998ecf8427e",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    )
    assert "not an image" in empty["reason"]
    png = by_path[b"png-named.jpg"]
    assert (png["format"], png["decode_status"]) == ("PNG", image_decode.DECODED)
    assert "extension .jpg does not match content (PNG)" in png["notes"]
    noise = by_path[b"noise.jpg"]
    assert (noise["media_type"], noise["format"], noise["phash"]) == ("other", None, None)
    assert "extension .jpg does not match content (unrecognised content)" in noise["notes"]
    zipped = by_path[b"jpeg-zip.jpg"]
    assert zipped["decode_status"] == image_decode.DECODED
    assert [n for n in zipped["notes"] if n.endswith("bytes (ZIP archive)")]
    assert by_path[b"truncated.jpg"]["decode_status"] == image_decode.PARTIAL
    crc = by_path[b"bad-crc.png"]
    assert crc["decode_status"] in (image_decode.PARTIAL, image_decode.FAILED)
    assert "CRC" in crc["reason"]


def test_hostile_images(run: Run) -> None:
    """Bombs rejected and recorded; frame cap honoured; multi-frame TIFF counted."""
    by_path = run.by_path
    for rel in (b"bombs/header-50000.png", b"bombs/100-megapixel.png", b"bombs/ztxt.png"):
        item = by_path[rel]
        assert item["status"] == HASHED
        assert item["decode_status"] == image_decode.FAILED
        assert item["reason"].startswith("rejected as a decompression bomb"), rel
        assert item["phash"] is None
    gif = by_path[b"frames/10000.gif"]
    assert (gif["decode_status"], gif["frames"]) == (
        image_decode.DECODED,
        image_decode.FRAME_COUNT_CAP,
    )
    assert by_path[b"frames/pages.tif"]["frames"] == 5


def test_decoded_variants(run: Run) -> None:
    """CMYK, 16-bit, palette and RGBA images decode; EXIF orientation gives the displayed
    size; tiny and blank images are flagged low-information."""
    by_path = run.by_path
    for rel in (
        b"colour/cmyk.jpg",
        b"colour/grey16.png",
        b"colour/grey16.tif",
        b"colour/palette.gif",
        b"colour/rgba.png",
    ):
        item = by_path[rel]
        assert item["decode_status"] == image_decode.DECODED, (rel, item["reason"])
        assert item["phash"] is not None and item["low_information"] is False
    rotated = by_path[b"colour/rotated.jpg"]
    assert (rotated["width"], rotated["height"]) == (320, 240)
    for rel in (b"tiny/1x1.png", b"tiny/1xN.png", b"tiny/blank.png"):
        item = by_path[rel]
        assert item["decode_status"] == image_decode.DECODED and item["phash"] is not None
        assert item["low_information"] is True, rel


def test_duplicates_and_hard_links_are_all_listed(run: Run) -> None:
    """duplicates and hard links: every path listed; content grouped by identical hashes;
    hard links noted."""
    by_path = run.by_path
    group = [by_path[rel] for rel in (b"dups/a.jpg", b"dups/copy.jpg", b"dups/hard.jpg")]
    assert len({item["sha256"] for item in group}) == 1
    assert len({item["id"] for item in group}) == 3
    for item in (by_path[b"dups/a.jpg"], by_path[b"dups/hard.jpg"]):
        assert "hard link: 2 names share this file's content" in item["notes"]
    assert not [n for n in by_path[b"dups/copy.jpg"]["notes"] if "hard link" in n]


# ---------------------------------------------------------------------------- never decoded


def test_eps_pdf_psd_are_never_decoded_and_start_no_process(run: Run) -> None:
    """EPS/PDF/PSD named .jpg: never decoded; no renderer (Ghostscript & co) started."""
    by_path = run.by_path
    for rel, fmt in ((b"eps.jpg", "POSTSCRIPT"), (b"pdf.jpg", "PDF"), (b"psd.jpg", "PSD")):
        item = by_path[rel]
        assert item["status"] == HASHED
        assert (item["format"], item["decode_status"]) == (fmt, image_decode.NOT_DECODED), rel
        assert item["phash"] is None and item["width"] is None
        assert "format not decoded" in item["reason"]
    assert not run.marker.exists(), run.marker.read_text()


def test_the_fake_ghostscript_would_catch_a_decode(tmp_path: Path) -> None:
    """Control for the test above: asked to load the EPS, Pillow does start the fake
    Ghostscript found first on PATH, which leaves the marker."""
    marker = tmp_path / "renderer-started"
    fake_renderers(tmp_path / "fakebin", marker)
    (tmp_path / "eps.jpg").write_bytes(EPS)
    script = (
        "import sys\nfrom PIL import Image\nimg = Image.open(sys.argv[1])\n"
        "try:\n    img.load()\nexcept Exception:\n    pass\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "eps.jpg")],
        env=child_env(tmp_path),
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert marker.read_text().startswith("gs ")


# ---------------------------------------------------------------------------- huge files


@pytest.fixture
def sparse_case() -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """A case and an exhibit holding one 3 GiB sparse file (hashing it takes ~20 s)."""
    base = Path(tempfile.mkdtemp(prefix="triage-sparse-"))
    try:
        (base / "fakebin").mkdir()
        env = child_env(base)
        source = base / "evidence"
        source.mkdir()
        with open(source / "huge.bin", "wb") as handle:
            handle.truncate(3 << 30)
        give_to_child(base)
        create_case(base / "case", env, base)
        yield base, source, env
    finally:
        unlock_and_remove(base)


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _reading_position(pid: int, target: Path) -> int | None:
    """Offset at which process ``pid`` is reading ``target``, if it has it open."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return None
    for fd in fds:
        try:
            if Path(f"/proc/{pid}/fd/{fd}").readlink() == target:
                info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
                return int(info.split("pos:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
    return None


def _wait_until_reading(pid: int, target: Path, timeout: float) -> set[int]:
    """Wait until a worker under ``pid`` is part-way through reading ``target``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        readers = {
            child for child in _descendants(pid) if (_reading_position(child, target) or 0) > 0
        }
        if readers:
            return readers
        time.sleep(0.05)
    raise AssertionError(f"no worker started reading {target} within {timeout} s")


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_huge_sparse_file_ingest_is_cancellable(
    sparse_case: tuple[Path, Path, dict[str, str]],
) -> None:
    """huge sparse file: cancellable. Ctrl-C (SIGINT) while a worker is part-way through
    hashing 3 GiB stops `triage ingest` and that worker within seconds, and nothing
    half-done is recorded for the file."""
    base, source, env = sparse_case
    case = base / "case"
    process = subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "triage_app.cli.main", "ingest", str(case), str(source),
         "--exhibit", "BIG/1", "--workers", "1", "--no-progress", "--no-match"],
        env=env, cwd=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        **unprivileged().kwargs,
    )  # fmt: skip
    try:
        readers = _wait_until_reading(process.pid, source / "huge.bin", timeout=60)
    except BaseException:
        process.kill()
        process.communicate()
        raise
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert time.monotonic() - interrupted < 10
    assert process.returncode != 0, out
    deadline = time.monotonic() + 10  # the worker that was hashing is gone too
    while [pid for pid in readers if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in readers if _alive(pid)]
    items = triage("items", case, "--json", env=env, cwd=base)
    assert items.returncode == 0, items.stderr
    assert json.loads(items.stdout) == []


@pytest.mark.stress
def test_huge_sparse_file_ingest_completes(sparse_case: tuple[Path, Path, dict[str, str]]) -> None:
    """huge sparse file: a 3 GiB sparse file is hashed through the whole ingest (memory is
    checked on examine() itself in test_examine.py)."""
    base, source, env = sparse_case
    done = triage(
        "ingest", base / "case", source, "--exhibit", "BIG/1", "--workers", "1",
        "--no-progress", "--no-match", env=env, cwd=base,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "found 1 = hashed 1 + skipped 0 + failed 0" in done.stdout
    items = triage("items", base / "case", "--json", env=env, cwd=base)
    (item,) = json.loads(items.stdout)
    zeros, digest = bytes(16 << 20), hashlib.sha256()
    for _ in range((3 << 30) // len(zeros)):
        digest.update(zeros)
    assert (item["size"], item["sha256"]) == (3 << 30, digest.hexdigest())
