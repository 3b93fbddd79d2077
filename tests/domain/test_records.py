"""The item record: one type from the worker to the store, its image group, its stored form."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from triage_app.domain.records import (
    STATUS_HASHED,
    FileRecord,
    ImageFacts,
    MatchRecord,
    StoredItem,
)


def test_the_image_group_is_part_of_the_record() -> None:
    image = {f.name for f in dataclasses.fields(ImageFacts)}
    record = {f.name for f in dataclasses.fields(FileRecord)}
    assert image < record
    assert {"path", "entry_kind", "status", "md5", "sha256", "media_type"} <= record - image


def test_a_record_is_built_positionally_or_by_name_and_pickles() -> None:
    record = FileRecord(b"a/b.jpg", "file", STATUS_HASHED, size=3, phash="ab" * 8)
    assert (record.path, record.entry_kind, record.status, record.size) == (
        b"a/b.jpg", "file", STATUS_HASHED, 3,
    )  # fmt: skip
    assert pickle.loads(pickle.dumps(record)) == record
    with pytest.raises(TypeError):  # the image group is keyword-only
        ImageFacts("decoded")  # type: ignore[misc]


def test_take_image_folds_the_decoders_facts_in() -> None:
    record = FileRecord(b"x.jpg", "file", STATUS_HASHED, format="JPEG", notes=["hard link"])
    record.reason = "kept"
    facts = ImageFacts(decode_status="decoded", width=4, height=3, phash="1" * 16,
                       hash_bundle={"bundle": {}}, notes=["decoder said so"])  # fmt: skip
    record.take_image(facts)
    assert (record.decode_status, record.width, record.height) == ("decoded", 4, 3)
    assert record.phash == "1" * 16 and record.hash_bundle == {"bundle": {}}
    # An empty format or reason from the decoder leaves the file's own.
    assert record.format == "JPEG" and record.reason == "kept"
    assert record.notes == ["hard link", "decoder said so"]
    record.take_image(ImageFacts(decode_status="failed", format="MPO", reason="broken"))
    assert (record.format, record.reason, record.phash) == ("MPO", "broken", None)


def test_a_stored_item_is_frozen_and_holds_its_record() -> None:
    record = FileRecord(b"x", "file", STATUS_HASHED, md5="0" * 32, notes=["n"],
                        hash_bundle={"b": 1})  # fmt: skip
    match = MatchRecord(1, "near", "list", None, 2, "B", "B", 4, "phash", ["f"], {"d": 1})
    item = StoredItem(1, "E/1", record, "2026-01-01T00:00:00Z", "11", "4.3", match)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.id = 2  # type: ignore[misc]
    assert item.record.md5 == "0" * 32 and item.exhibit == "E/1" and item.id == 1
    assert item.record.notes == ["n"] and item.record.hash_bundle == {"b": 1}
    assert item.match is not None and item.pillow_version == "11"
    assert match.as_json()["flags"] == ["f"] and match.as_json()["details"] == {"d": 1}
