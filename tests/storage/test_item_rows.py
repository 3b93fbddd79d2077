"""The record and the ``items``/``matches`` tables: every column is a field, and back."""

from __future__ import annotations

from dataclasses import fields

from review_helpers import add_items

from triage_app.domain.records import STATUS_HASHED, FileRecord, MatchRecord
from triage_app.storage import item_rows
from triage_app.storage.case_store import CaseStore
from triage_app.storage.models.case import Item, Match


def test_every_items_column_is_a_record_field_or_the_stores() -> None:
    columns = {c.name for c in Item.__table__.columns}
    assert columns == set(item_rows.RECORD_COLUMNS) | {"id", "exhibit_id", "run_id", "processed_at"}
    assert {c.name for c in Match.__table__.columns} == set(item_rows.MATCH_COLUMNS) | {"run_id"}
    kept_out = {f.name for f in fields(FileRecord)} - set(item_rows.RECORD_COLUMNS)
    # stored in their own tables
    assert kept_out == {"thumbnail", "thumbnail_size", "video_frames"}


def test_a_record_comes_back_as_it_was_stored(store: CaseStore) -> None:
    record = FileRecord(
        b"DCIM/\xff odd.jpg", "file", STATUS_HASHED, size=10, mtime_ns=123, nlink=2,
        md5="1" * 32, sha1="2" * 40, sha256="3" * 64, atime_preserved=True, media_type="image",
        format="JPEG", decode_status="decoded", width=4, height=3, frames=1, phash="a" * 16,
        dhash="b" * 16, low_information=False, draft_scale=2, exif_datetime="2020:01:01",
        camera_make="Make", camera_model="Model", notes=["one", "two"],
        hash_bundle={"bundle": {"phash": "a" * 16}, "variants": []},
        thumbnail=b"\xff\xd8jpeg", thumbnail_size=(4, 3),
    )  # fmt: skip
    exhibit = store.exhibit_for_ingest("E/1", b"/nowhere")
    run = store.start_run(exhibit, workers=1, versions={"pillow": "p", "imagehash": "i"},
                          actor="E", source="/nowhere")  # fmt: skip
    assert store.add_records(exhibit, run, [record]) == 1
    [item] = store.iter_items()
    assert (item.exhibit, item.pillow_version, item.imagehash_version) == ("E/1", "p", "i")
    assert item.match is None and store.item(item.id) == item
    assert item.record == FileRecord(**{**vars_of(record), "thumbnail": None,
                                        "thumbnail_size": None})  # fmt: skip
    assert store.thumbnail(item.id) == b"\xff\xd8jpeg"


def test_a_match_comes_back_as_it_was_stored(store: CaseStore) -> None:
    [item_id] = add_items(store, 1)
    match = MatchRecord(item_id, "exact", "list", "f" * 64, 7, "A", "1", 0, "md5",
                        ["flag"], {"hits": [{"line": 3}]})  # fmt: skip
    store.record_match_run(started_at="t", hash_sets=[], thresholds={}, matches=[match],
                           actor="E")  # fmt: skip
    stored = store.item(item_id)
    assert stored is not None and stored.match == match


def vars_of(record: FileRecord) -> dict[str, object]:
    """A record's fields by name."""
    return {f.name: getattr(record, f.name) for f in fields(FileRecord)}
