"""The incremental JSON reader: every chunk boundary, and clear errors on malformed JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hashsets.helpers import key, load, vics_corpus, vics_document, write, write_json
from triage_app.hashsets import HashListError, formats_vics, json_stream, parse


@pytest.mark.parametrize("chunk", [1, 3, 17, 256, 4096])
@pytest.mark.parametrize("item_cap", [64, 256 * 1024])
@pytest.mark.parametrize("root", ["Cases", "Media"])
def test_vics_streaming_survives_every_chunk_boundary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, item_cap: int, root: str
) -> None:
    media, keys = vics_corpus(21, 15)
    media[3]["MediaSize"] = 1.5e3
    media[4]["MediaSize"] = -12345678901234567890
    media[5]["Comments"] = 'escapes \\ " \u00e9 \u4e2d \U0001f600 \n end'
    document = vics_document(media, root=root, cases=3, context_last=chunk == 17)
    document["odata.count"] = 12345.25
    path = write_json(tmp_path / "v.json", document, indent=None if chunk % 2 else 3)
    monkeypatch.setattr(json_stream, "CHUNK", chunk)
    monkeypatch.setattr(formats_vics, "ITEM_CAP", item_cap)
    entries, report = load(path)
    assert [key(e) for e in entries] == keys
    assert entries[5].note == media[5]["Comments"].strip()
    assert report.profile == "US"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t[: len(t) // 2], "not valid VICS JSON at line"),
        (lambda t: t.replace('"MD5":', '"MD5"', 1), "not valid VICS JSON"),
        (lambda t: t.replace("[", "[,", 1), "not valid VICS JSON"),
        (lambda t: t.replace('"value"', '"values"'), "without a 'value' array"),
        (lambda t: t.replace('"value": [', '"value": {"a": [') + "}", "'value' is not an array"),
    ],
)
def test_vics_malformed_json_stops_with_a_clear_error(
    tmp_path: Path, mutate: Callable[[str], str], message: str
) -> None:
    media, _ = vics_corpus(22, 30)
    text = mutate(json.dumps(vics_document(media), indent=1))
    path = write(tmp_path / "v.json", text)
    with pytest.raises(HashListError, match=message):
        list(parse(path))


@pytest.mark.parametrize(
    ("media", "message"),
    [
        ('{"MD5": "0cc175b9c0f1b6a831c399e269772661", "X": ' + "[" * 5000 + "]" * 5000 + "}",
         "nested too deeply"),
        ('{"MD5": "0cc175b9c0f1b6a831c399e269772661", "Category": ' + "9" * 6000 + "}",
         "6000 digits"),
        ('{"MD5": "0cc175b9c0f1b6a831c399e269772661", "Category": 1, "Category": 2}',
         "'Category' appears twice"),
    ],
)  # fmt: skip
def test_hostile_vics_is_refused_in_one_clear_error(
    tmp_path: Path, media: str, message: str
) -> None:
    """Deep nesting, huge numbers and repeated keys: a clear error, never a traceback."""
    path = tmp_path / "hostile.json"
    context = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media"
    path.write_text('{"odata.metadata": "' + context + '", "value": [' + media + "]}")
    with pytest.raises(HashListError, match=message):
        list(parse(path, fmt="vics"))


def test_a_repeated_top_level_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"value": [], "value": [{"MD5": "0cc175b9c0f1b6a831c399e269772661"}]}')
    with pytest.raises(HashListError, match="'value' appears twice"):
        list(parse(path, fmt="vics"))
