"""The folder tree: exhibits, folders (partitions, archives' contents), counts, and its filter."""

from __future__ import annotations

import io
import tarfile
import time
import zipfile
from pathlib import Path

from PIL import Image
from review_helpers import gallery_row

from triage_app.case.session import CaseSession
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.review.folder_tree import (
    FolderNode,
    add_to_counts,
    build_tree,
    folder_filter,
    folder_of,
    folder_predicate,
)
from triage_app.review.gallery_rows import GalleryRow, load_rows

ROWS = [
    gallery_row(1, exhibit="A1", path="p1/DCIM/100APPLE/IMG_1.jpg"),
    gallery_row(2, exhibit="A1", path="p1/DCIM/100APPLE/IMG_2.jpg", grade="C"),
    gallery_row(3, exhibit="A1", path="p1/DCIM/IMG_3.jpg"),
    gallery_row(4, exhibit="A1", path="p2/home/u/x.png", media_type=None),
    gallery_row(5, exhibit="A1", path="top.jpg"),
    gallery_row(6, exhibit="B2", path="var/backup.zip", media_type=None),
    gallery_row(7, exhibit="B2", path="var/backup.zip!/Media/p.jpg"),
    gallery_row(8, exhibit="B2", path="var/broken.zip!/", media_type=None),
    gallery_row(9, exhibit="B2", path="var/backup.zip!/Media/q.jpg", match_kind="ignorable"),
    gallery_row(10, exhibit="B2", path="DCIM2/r.jpg"),
]


def counts(node: FolderNode) -> tuple[int, int]:
    return (node.total, node.needs_look)


def passing(exhibit: str, prefix: str, rows: list[GalleryRow] = ROWS) -> list[int]:
    predicate = folder_predicate(exhibit, prefix)
    return [r.item_id for r in rows if predicate(r)]


def test_folders_of_paths() -> None:
    assert folder_of("p1/DCIM/a.jpg") == "p1/DCIM"
    assert folder_of("a.jpg") == ""
    assert folder_of("/abs/a.jpg") == "abs"
    assert folder_of("x.zip!/DCIM/a.jpg") == "x.zip!/DCIM"
    assert folder_of("x.zip!/") == "x.zip!"  # a damaged nested archive's own entry


def test_the_tree_and_its_counts() -> None:
    root = build_tree(ROWS)
    assert root.key == ("", "") and counts(root) == (10, 5)
    assert [n.name for n in root.sorted_children()] == ["A1", "B2"]
    a1 = root.children["A1"]
    assert a1.key == ("A1", "") and counts(a1) == (5, 3)
    assert [n.name for n in a1.sorted_children()] == ["p1", "p2"]  # top.jpg is at the top
    apple = root.find("A1", "p1/DCIM/100APPLE")
    assert apple is not None and apple.key == ("A1", "p1/DCIM/100APPLE")
    assert counts(apple) == (2, 1)  # IMG_2 is graded
    dcim = root.find("A1", "p1/DCIM")
    assert dcim is not None and counts(dcim) == (3, 2)
    assert counts(root.children["A1"].children["p2"]) == (1, 0)
    archive = root.find("B2", "var/backup.zip!")
    assert archive is not None and archive.label == "backup.zip (archive)"
    assert counts(archive) == (2, 1)  # q.jpg is settled by an ignorable list
    assert root.find("B2", "var/broken.zip!") is not None
    var = root.find("B2", "var")
    assert var is not None and counts(var) == (4, 1)
    assert root.find("B2", "nothing") is None and root.find("C3", "") is None
    assert root.find("", "") is root


def test_the_filter_of_a_folder_lets_through_what_it_counts() -> None:
    root = build_tree(ROWS)
    for node in root.walk():
        if node.exhibit:
            assert len(passing(*node.key)) == node.total, node.key
    assert passing("A1", "p1/DCIM") == [1, 2, 3]
    assert passing("A1", "p1/DC") == []  # whole components only
    assert passing("A1", "") == [1, 2, 3, 4, 5]
    assert passing("B2", "var/backup.zip!") == [7, 9]
    assert passing("B2", "var") == [6, 7, 8, 9]
    assert passing("A1", "var") == []  # another exhibit's folder
    assert folder_filter("", "") is None
    chosen = folder_filter("B2", "DCIM2")
    assert chosen is not None and [r.item_id for r in ROWS if chosen(r)] == [10]


def test_counts_follow_a_grade_without_a_rebuild() -> None:
    root = build_tree(ROWS)
    touched = add_to_counts(root, ROWS[0], needs_look=-1)  # IMG_1 graded
    assert [n.key for n in touched] == [
        ("", ""), ("A1", ""), ("A1", "p1"), ("A1", "p1/DCIM"), ("A1", "p1/DCIM/100APPLE"),
    ]  # fmt: skip
    assert [counts(n) for n in touched] == [(10, 4), (5, 2), (3, 1), (3, 1), (2, 0)]
    top = add_to_counts(root, ROWS[4], needs_look=-1)  # top.jpg: at the exhibit's top
    assert [n.key for n in top] == [("", ""), ("A1", "")]
    ROWS[0].grade = "B"
    ROWS[4].grade = "B"
    try:
        rebuilt = build_tree(ROWS)
    finally:
        ROWS[0].grade = ROWS[4].grade = None
    assert [counts(n) for n in rebuilt.walk()] == [counts(n) for n in root.walk()]


def test_100000_rows_build_quickly() -> None:
    rows = [
        gallery_row(i, exhibit=f"E/{i % 3}", path=f"p{i % 2 + 1}/DCIM/{i // 1000}/s{i % 7}/{i}.jpg")
        for i in range(1, 100_001)
    ]
    started = time.perf_counter()
    root = build_tree(rows)
    assert time.perf_counter() - started < 3.0  # about 0.1 s on a laptop
    assert root.total == 100_000
    node = root.find("E/1", "p2/DCIM/5")
    assert node is not None and node.total == sum(1 for r in rows if r.exhibit == "E/1"
                                                  and r.path.startswith("p2/DCIM/5/"))  # fmt: skip


def _jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40 % 256, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def test_a_tree_of_an_ingested_archive(session: CaseSession, tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("Media/p.jpg", _jpeg(1))
    tar_path = tmp_path / "phone.tar"
    with tarfile.open(tar_path, "w") as tar:
        for name, data in {"DCIM/a.jpg": _jpeg(2), "var/backup.zip": inner.getvalue()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    ingest(session.store, tar_path, "Z/1", IngestOptions(workers=1), actor=session.actor)
    rows = load_rows(session)
    root = build_tree(rows)
    assert counts(root.children["T/1"]) == (6, 6)  # the six synthetic items, at the top
    z1 = root.children["Z/1"]
    assert [n.label for n in z1.sorted_children()] == ["DCIM", "var"]
    archive = root.find("Z/1", "var/backup.zip!/Media")
    assert archive is not None and counts(archive) == (1, 1)
    assert [r.path for r in rows if folder_predicate("Z/1", "var")(r)] == [
        "var/backup.zip", "var/backup.zip!/Media/p.jpg",
    ]  # fmt: skip
