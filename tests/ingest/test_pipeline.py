"""The whole ingest, run as a user runs it, against every ingest row of the "Bad inputs
and faults to test" table in docs/reliability.md.

One exhibit folder mixes every bad input: odd names, a deep tree, links, special files,
unreadable entries, damaged and hostile images, duplicates. It is ingested once with
``triage ingest`` in a real subprocess that cannot bypass file permissions (see
``evidence.helpers.unprivileged``), with a fake Ghostscript first on PATH; the tests below
check different promises against that one run. The evidence is snapshotted (names,
bytes, sizes, times) before and after. The exhibit is built in ``ingest/hostile_exhibit.py``;
the huge-file rows are in ``ingest/test_pipeline_cancel.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from evidence.helpers import (
    give_to_child,
    unlock_and_remove,
    unprivileged,
)

from ingest.helpers import (
    EPS,
)
from ingest.hostile_exhibit import (
    DENIED,
    FAILED,
    HASHED,
    INGEST_TIMEOUT,
    OLD_NS,
    SKIPPED,
    TOTALS,
    Run,
    build_exhibit,
    child_env,
    contents,
    create_case,
    fake_renderers,
    lock,
    set_old_atimes,
    stats,
    triage,
)
from triage_app.media import image_decode

# ---------------------------------------------------------------------------- the run


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
