"""The gallery's search box: path text, ids, digest prefixes, field terms, AND and NOT."""

from __future__ import annotations

import pytest
from review_helpers import gallery_row

from triage_app.case.session import CaseSession
from triage_app.review.gallery_rows import GalleryRow, load_rows
from triage_app.review.gallery_search import combine, parse_terms, search_predicate

SHA = "ab12cd34" + "0" * 56
MD5 = "fe98dc76" + "1" * 24

ROWS = [
    gallery_row(1, path="DCIM/100APPLE/IMG_0001.JPG", exhibit="A1", sha256=SHA),
    gallery_row(2, path="DCIM/100APPLE/IMG_0002.png", exhibit="A1", md5=MD5),
    gallery_row(3, path="Users/bob/Holiday Photos/beach.jpg", exhibit="B2", grade="C"),
    gallery_row(4, path="var/backup.zip!/Media/p.jpg", exhibit="B2", match_kind="near"),
    gallery_row(5, path="notes.txt", exhibit="B2", media_type=None, sha1="ab12" + "9" * 36),
    gallery_row(12, path="p1/deadbeef99.gif", exhibit="A1", media_type="video"),
]


def found(text: str, rows: list[GalleryRow] = ROWS) -> list[int]:
    predicate = search_predicate(text)
    assert predicate is not None, text
    return [r.item_id for r in rows if predicate(r)]


@pytest.mark.parametrize("text", ["", "   ", "ext:", "\t\n"])
def test_a_search_that_says_nothing_is_no_filter(text: str) -> None:
    assert search_predicate(text) is None


def test_path_and_file_name_text_is_case_insensitive() -> None:
    assert found("img_000") == [1, 2]
    assert found("apple") == [1, 2]
    assert found("BEACH") == [3]
    assert found("backup.zip!") == [4]
    assert found("nothing-like-this") == []


def test_item_ids() -> None:
    assert found("#12") == [12]
    assert found("#1") == [1]  # an id, not a prefix of 12
    assert found("id:3") == [3]
    assert found("#x") == []  # not an id: path text


def test_digest_prefixes_need_six_hex_digits() -> None:
    assert found("ab12cd") == [1]
    assert found("AB12CD34") == [1]
    assert found("fe98dc76") == [2]
    assert found("ab12") == []  # too short to be a hash: path text only
    assert found("hash:ab12") == [1, 5]  # a field term takes any prefix (SHA-1 of 5)
    assert found("md5:fe98") == [2]
    assert found("sha256:fe98") == []
    assert found("sha1:ab12") == [5]
    assert found("deadbeef") == [12]  # hex, but found in a path too


def test_field_terms() -> None:
    assert found("ext:jpg") == [1, 3, 4]  # JPG and jpg
    assert found("ext:.png,gif") == [2, 12]
    assert found("exhibit:a1") == [1, 2, 12]
    assert found("name:img") == [1, 2]
    assert found("name:apple") == []  # a folder, not the file name
    assert found("path:apple") == [1, 2]
    assert found("type:video") == [12]
    assert found("grade:c") == [3]
    assert found("grade:none") == [1, 2, 4, 5, 12]
    assert found("match:near") == [4]
    assert found("match:none") == [1, 2, 3, 5, 12]


def test_words_are_anded_negated_and_quoted() -> None:
    assert found("exhibit:A1 ext:jpg") == [1]
    assert found("dcim -png") == [1]
    assert found("-exhibit:B2") == [1, 2, 12]
    assert found('"holiday photos"') == [3]
    assert found('path:"Holiday Photos" ext:jpg') == [3]
    assert found("holiday photos") == [3]  # two words, both in the path
    assert found("holiday exhibit:A1") == []


def test_unknown_fields_are_plain_text() -> None:
    rows = [gallery_row(1, path="c:/x/12:30.jpg"), gallery_row(2, path="y.jpg")]
    assert found("12:30", rows) == [1]
    assert found("c:/x", rows) == [1]
    assert parse_terms('-a b:"c d" "e f" g:h') == [
        (True, None, "a"), (False, "b", "c d"), (False, None, "e f"), (False, "g", "h"),
    ]  # fmt: skip


def test_combine_ands_predicates_and_leaves_out_none() -> None:
    search = search_predicate("apple")
    assert search is not None

    def a1(row: GalleryRow) -> bool:
        return row.exhibit == "A1"

    def png(row: GalleryRow) -> bool:
        return row.path.endswith("png")

    assert combine(a1, None) is a1
    assert [r.item_id for r in ROWS if combine(None, None)(r)] == [1, 2, 3, 4, 5, 12]
    assert [r.item_id for r in ROWS if combine(a1, search)(r)] == [1, 2]
    assert [r.item_id for r in ROWS if combine(a1, search, png)(r)] == [2]


def test_search_rows_loaded_from_a_case(session: CaseSession) -> None:
    rows = load_rows(session)
    fourth = rows[3]
    assert (fourth.md5, fourth.sha1, fourth.size) == (f"{4:032x}", f"{4:040x}", 1004)
    assert fourth.name == "img0004.jpg"
    assert found(f"md5:{4:032x}", rows) == [fourth.item_id]
    assert found(f"{4:064x}", rows) == [fourth.item_id]  # a whole SHA-256
    assert found("img0005 ext:jpg", rows) == [rows[4].item_id]
    assert found(f"#{rows[0].item_id}", rows) == [rows[0].item_id]
