"""A generated case for the report and export tests: real ingest, real matching, real grades.

Exhibit ``OP/1`` and ``OP/2`` are synthetic folders ingested by the real
pipeline; ``OP/3`` is recorded directly (a file that failed to read and a
video), since a read failure cannot be provoked as root. The case holds:
still images and videos, duplicates within and across exhibits, a file name
that is not UTF-8, a truncated JPEG, an empty file, a link (skipped), and
grades from every source: hash-list exact, near match confirmed, manual,
propagated, plus an amended copy that makes two identical files disagree.

Below it, the readers the report tests share: the items' JSON, the CSV's
sections, the PDF's text, the export entries of the audit log, and the
entries a hash list imports to (for the VICS and lab-list round trips).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from conftest import TEST_PASSWORD, TEST_USER, run_cli

from triage_app.case.session import CaseSession
from triage_app.config.schemes import map_list_code
from triage_app.demo import synthetic
from triage_app.domain.records import STATUS_FAILED, STATUS_HASHED, FileRecord, StoredItem
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.library.importer import import_hash_list
from triage_app.review import grading
from triage_app.review.refresh import refresh
from triage_app.storage.case_store import CaseStore
from triage_app.storage.library_store import LibraryStore

REFERENCE = "OP-REPORT-2026-001"

#: A small MP4 header: sniffed as video, hashed, never decoded.
_MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


@dataclass(frozen=True)
class BuiltCase:
    """Where the generated case lives and what it was built from."""

    case: Path
    evidence: list[Path]
    library: Path


def _jpeg(rng: np.random.Generator, exif: str | None = None) -> bytes:
    img = synthetic.scene(rng, (96, 72))
    return synthetic.exif_jpeg(img, taken=exif) if exif else synthetic.jpeg_bytes(img, 85)


def _video(rng: np.random.Generator) -> bytes:
    return _MP4 + rng.integers(0, 256, 3000, dtype=np.uint8).tobytes()


def write_evidence(root: Path, seed: int) -> tuple[Path, Path]:
    """Two exhibit folders; return them."""
    rng = np.random.default_rng(seed)
    one, two = root / "ex1", root / "ex2"
    for sub in ("DCIM", "Chat", "Backup", "Videos", "Misc"):
        (one / sub).mkdir(parents=True)
    (two / "Pictures").mkdir(parents=True)
    images = [_jpeg(rng, f"2024:03:0{i + 1} 10:00:00" if i < 2 else None) for i in range(8)]
    for i, data in enumerate(images[:6]):
        (one / "DCIM" / f"IMG_{i:03d}.jpg").write_bytes(data)
    (one / "Backup" / "copy_IMG_000.jpg").write_bytes(images[0])
    (one / "Chat" / "sent_IMG_000.jpg").write_bytes(images[0])
    (one / "Chat" / "sent_IMG_001.jpg").write_bytes(images[1])
    clip, clip2 = _video(rng), _video(rng)
    (one / "Videos" / "clip_a.mp4").write_bytes(clip)
    (one / "Videos" / "clip_a_copy.mp4").write_bytes(clip)
    (one / "Videos" / "clip_b.mp4").write_bytes(clip2)
    (one / "Misc" / "notes.txt").write_text("a shopping list\n", encoding="utf-8")
    (one / "Misc" / "empty.dat").write_bytes(b"")
    whole = images[5]
    (one / "Misc" / "damaged.jpg").write_bytes(whole[: len(whole) // 2])
    odd_name = os.fsencode(one / "Misc") + b"/caf\xe9 photo.jpg"
    with open(odd_name, "wb") as f:
        f.write(images[6])
    (one / "Misc" / "link.jpg").symlink_to("../DCIM/IMG_000.jpg")
    (two / "Pictures" / "IMG_000.jpg").write_bytes(images[0])
    (two / "Pictures" / "other.jpg").write_bytes(images[7])
    (two / "Pictures" / "clip.mp4").write_bytes(clip)
    return one, two


def _synthetic_exhibit(store: CaseStore, actor: str) -> None:
    exhibit = store.exhibit_for_ingest("OP/3", b"/nonexistent/op3")
    run = store.start_run(
        exhibit,
        workers=1,
        versions={"pillow": "t", "imagehash": "t"},
        actor=actor,
        source="/nonexistent/op3",
    )
    store.add_records(
        exhibit,
        run,
        [
            FileRecord(
                path=b"locked/secret.jpg",
                entry_kind="file",
                status=STATUS_FAILED,
                reason="could not read: [Errno 13] Permission denied",
            ),
            FileRecord(
                path=b"movies/holiday.avi",
                entry_kind="file",
                status=STATUS_HASHED,
                size=4096,
                md5="1" * 32,
                sha1="2" * 40,
                sha256="3" * 64,
                media_type="video",
                format="AVI",
                decode_status="not decoded",
            ),
        ],
    )
    store.finish_run(run, state="finished", atime_preserved=None, actor=actor)


def _by_path(session: CaseSession) -> dict[tuple[str, bytes], StoredItem]:
    return {(r.exhibit, r.record.path): r for r in session.store.iter_items()}


def build_case(root: Path, password_hash: str) -> BuiltCase:
    """Create, ingest, match and grade the case under ``root``."""
    one, two = write_evidence(root / "evidence", seed=7)
    case = root / "case"
    library = root / "library" / "hashsets.db"
    CaseStore.create(
        case, reference=REFERENCE, examiner=TEST_USER, password_hash=password_hash
    ).close()
    options = IngestOptions(workers=1, decode_timeout=30.0)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        for source, ref in ((one, "OP/1"), (two, "OP/2")):
            result = ingest(session.store, source, ref, options, actor=session.actor)
            assert result.state == "finished", result
        _synthetic_exhibit(session.store, session.actor)
        items = _by_path(session)

        def item(ref: str, path: str | bytes) -> StoredItem:
            raw = path if isinstance(path, bytes) else path.encode()
            return items[(ref, raw)]

        # A "national" list: IMG_002 exactly (B), IMG_003 near (A), notes.txt (NI).
        img3 = item("OP/1", "DCIM/IMG_003.jpg")
        near_phash = f"{int(str(img3.record.phash), 16) ^ 0b111:016x}"
        listing = root / "national.csv"
        with open(listing, "w", newline="", encoding="utf-8") as handle:
            w = csv.writer(handle)
            w.writerow(["md5", "sha1", "phash", "dhash", "category", "name"])
            img2 = item("OP/1", "DCIM/IMG_002.jpg")
            w.writerow([img2.record.md5, img2.record.sha1, "", "", "B", "list-b"])
            w.writerow(["f" * 32, "", near_phash, img3.record.dhash, "A", "list-near"])
            notes = item("OP/1", "Misc/notes.txt")
            w.writerow([notes.record.md5, "", "", "", "NI", "list-ni"])
        with LibraryStore.open(library) as lib:
            import_hash_list(lib, listing, name="national-test-list", scheme="uk")
        refresh(session, library)
        grading.confirm(session, [img3.id])
        img0 = item("OP/1", "DCIM/IMG_000.jpg").id
        grading.grade(session, [img0], "A", propagate=True)
        # One copy of IMG_000 is amended: identical files now disagree (A vs B).
        backup = item("OP/1", "Backup/copy_IMG_000.jpg").id
        grading.grade(session, [backup], "B", reason="second look at the backup copy")
        grading.grade(session, [item("OP/1", "DCIM/IMG_001.jpg").id], "C")
        grading.grade(session, [item("OP/1", "DCIM/IMG_004.jpg").id], "PNP")
        grading.grade(session, [item("OP/1", b"Misc/caf\xe9 photo.jpg").id], "XP")
        grading.grade(session, [item("OP/1", "Misc/damaged.jpg").id], "U")
        grading.grade(session, [item("OP/2", "Pictures/other.jpg").id], "NI")
        clip = item("OP/1", "Videos/clip_a.mp4").id
        # The placeholder films are not decodable: no frame strip, so the grade says so.
        unseen = "graded without viewing: placeholder film, not decodable"
        grading.grade(session, [clip], "A", propagate=True, reason=unseen)
        grading.grade(session, [item("OP/1", "Videos/clip_b.mp4").id], "C", reason=unseen)
        grading.grade(session, [item("OP/3", "movies/holiday.avi").id], "B", reason=unseen)
    return BuiltCase(case, [one, two], library)


def copy_case(built: BuiltCase, target: Path) -> Path:
    """A private copy of the case folder (the evidence and library are shared, read-only)."""
    shutil.copytree(built.case, target)
    return target


# -- reading what the exports wrote ------------------------------------------------------


def case_items(case: Path) -> list[dict[str, Any]]:
    return list(json.loads(run_cli("items", case, "--json").stdout))


def csv_sections(path: Path) -> dict[str, list[dict[str, str]]]:
    sections: dict[str, list[dict[str, str]]] = defaultdict(list)
    header: list[str] = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if not row:
                continue
            if row[0] == "section":
                header = row
                continue
            sections[row[0]].append(dict(zip(header, row, strict=True)))
    return sections


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def export_entries(case: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(case / "case.db") as con:
        rows = con.execute("SELECT payload FROM audit_log WHERE action = 'export' ORDER BY seq")
        return [json.loads(p) for (p,) in rows]


UK_SEVERITY = {"A": 100, "B": 90, "C": 80, "PNP": 60, "XP": 50, "NI": 10}


EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


Entry = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


def library_path() -> Path:
    return Path(os.environ["TRIAGE_HOME"]) / "hashsets.db"


def expected_entries(items: list[dict[str, Any]], severity: dict[str, int]) -> set[Entry]:
    """What the list must hold, computed from the items' JSON alone.

    One entry per graded SHA-256 (grades outside ``severity``, the uncategorised
    code, do not count), the most severe grade of its copies, perceptual hashes
    only from a fully decoded, informative image; the empty file is left out.
    """
    copies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        if item["status"] == "hashed":
            copies[item["sha256"]].append(item)
    out: set[Entry] = set()
    for sha256, group in copies.items():
        grades = [c["grade"]["category"] for c in group if c["grade"]]
        grades = [g for g in grades if g in severity]
        if not grades or sha256 == EMPTY_SHA256:
            continue
        decoded = [
            c
            for c in group
            if c["decode_status"] == "decoded" and not c["low_information"] and c["phash"]
        ]
        first = group[0]
        out.add(
            (
                first["md5"],
                first["sha1"],
                sha256,
                decoded[0]["phash"] if decoded else None,
                decoded[0]["dhash"] if decoded else None,
                max(grades, key=severity.__getitem__),
            )
        )
    return out


def library_entries(name: str, case_scheme: str) -> tuple[dict[str, Any], set[Entry]]:
    """A set's info and its entries, categories mapped onto the case's scheme."""
    with LibraryStore.open(library_path()) as library:
        info = library.get_set(name)
        columns = ["md5", "sha1", "sha256", "phash", "dhash", "category"]
        rows = [r for chunk in library.iter_columns(info.id, columns) for r in chunk]
    mask = (1 << 64) - 1

    def hexed(value: bytes | None) -> str | None:
        return value.hex() if value is not None else None

    def perceptual(value: int | None) -> str | None:
        return f"{value & mask:016x}" if value is not None else None

    entries = {
        (
            hexed(md5),
            hexed(sha1),
            hexed(sha256),
            perceptual(phash),
            perceptual(dhash),
            map_list_code(category, info.scheme, case_scheme),
        )
        for _, md5, sha1, sha256, phash, dhash, category in rows
    }
    assert len(entries) == len(rows) == info.loaded
    return info.as_json(), entries
