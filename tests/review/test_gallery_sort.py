"""The gallery's sort orders: unknown values last both ways, ties in id order."""

from __future__ import annotations

import time

import pytest
from review_helpers import gallery_row

from triage_app.case.session import CaseSession
from triage_app.review.gallery_rows import GalleryRow, load_rows
from triage_app.review.gallery_sort import DEFAULT_SORT, SORT_KEYS, sort_order, sort_rows

ROWS = [
    gallery_row(1, path="b/Z.jpg", size=300, mtime_ns=30, match_distance=None),
    gallery_row(2, path="a/y.jpg", size=None, mtime_ns=10, match_distance=4),
    gallery_row(3, path="B/a.jpg", size=100, mtime_ns=None, match_distance=0),
    gallery_row(4, path="a/x.jpg", size=300, mtime_ns=20, match_distance=4),
    gallery_row(5, path="c.jpg", exhibit="A/0", size=200, mtime_ns=20, match_distance=None),
]


def ids(key: str, descending: bool = False, rows: list[GalleryRow] = ROWS) -> list[int]:
    return [r.item_id for r in sort_rows(rows, key, descending=descending)]


def test_the_keys_offered() -> None:
    assert [k for k, _ in SORT_KEYS] == ["id", "path", "size", "time", "distance"]
    assert DEFAULT_SORT == "id"
    assert all(label for _, label in SORT_KEYS)


@pytest.mark.parametrize(
    ("key", "ascending", "descending"),
    [
        ("id", [1, 2, 3, 4, 5], [5, 4, 3, 2, 1]),
        # exhibit first, then the path without regard to case
        ("path", [5, 4, 2, 3, 1], [1, 3, 2, 4, 5]),
        ("size", [3, 5, 1, 4, 2], [1, 4, 5, 3, 2]),  # ties (300) in id order both ways
        ("time", [2, 4, 5, 1, 3], [1, 4, 5, 2, 3]),
        ("distance", [3, 2, 4, 1, 5], [2, 4, 3, 1, 5]),  # no match last both ways
    ],
)
def test_orders(key: str, ascending: list[int], descending: list[int]) -> None:
    assert ids(key) == ascending
    assert ids(key, descending=True) == descending


def test_the_order_does_not_depend_on_the_input_order() -> None:
    for key, _label in SORT_KEYS:
        for descending in (False, True):
            assert ids(key, descending, ROWS[::-1]) == ids(key, descending)


def test_unknown_key() -> None:
    with pytest.raises(ValueError, match="unknown sort key"):
        sort_rows(ROWS, "colour")


def test_the_order_is_one_ascending_key_as_the_gallery_model_takes_it() -> None:
    assert sort_order("id") is None  # the model's own order
    for key, _label in SORT_KEYS:
        for descending in (False, True):
            order = sort_order(key, descending)
            if order is None:
                continue
            keys = {r.item_id: (order(r), r.item_id) for r in ROWS}  # as the model sorts
            assert sorted(keys, key=keys.__getitem__) == ids(key, descending)


def test_descending_paths_handle_prefixes_case_and_other_scripts() -> None:
    # the last: a name that was not UTF-8, as os.fsdecode leaves it
    names = ["a", "ab", "B", "b/c", "É.jpg", "e.jpg", "日本.png", "z", "\udcff.jpg"]
    rows = [gallery_row(i, path=name) for i, name in enumerate(names, start=1)]
    ascending = [r.path for r in sort_rows(rows, "path")]
    descending = [r.path for r in sort_rows(rows, "path", descending=True)]
    assert ascending == sorted(names, key=lambda n: (n.casefold(), n))
    assert descending == ascending[::-1]


def test_100000_rows_sort_quickly() -> None:
    rows = [
        gallery_row(i, path=f"DCIM/{i % 977}/IMG_{i:06d}.jpg", size=(i * 7919) % 100_003 or None,
                    mtime_ns=(i * 104_729) % 1_000_003, match_distance=i % 13 if i % 3 else None)
        for i in range(1, 100_001)
    ]  # fmt: skip
    started = time.perf_counter()
    for key, _label in SORT_KEYS:
        result = sort_rows(rows, key, descending=True)
        assert len(result) == len(rows)
    assert time.perf_counter() - started < 5.0  # about 0.5 s on a laptop


def test_sort_rows_loaded_from_a_case(session: CaseSession) -> None:
    rows = load_rows(session)
    assert [r.size for r in sort_rows(rows, "size", descending=True)] == [
        1006, 1005, 1004, 1003, 1002, 1001,
    ]  # fmt: skip
