"""Category schemes are data; codes that are not public come from settings."""

from __future__ import annotations

import json

import pytest

from triage_app.config.schemes import load_scheme, map_list_code
from triage_app.config.settings import save_settings
from triage_app.domain.options import SCHEME_IDS


@pytest.mark.parametrize("scheme_id", SCHEME_IDS)
def test_schemes_load_with_unique_keys_and_codes(scheme_id: str) -> None:
    scheme = load_scheme(scheme_id)
    keys = [c.key for c in scheme.categories]
    assert len(keys) == len(set(keys))
    for cat in scheme.categories:
        assert cat.colour.startswith("#") and len(cat.colour) == 7
        assert scheme.by_key(cat.key) == cat


def test_uk_scheme_order_and_categories() -> None:
    uk = load_scheme("uk")
    assert uk.codes()[:3] == ["A", "B", "C"]
    assert {c.code for c in uk.categories} == {"A", "B", "C", "PNP", "XP", "NI", "U"}
    assert uk.most_severe(["C", "A", "B"]) == "A"
    assert uk.most_severe(["NI", "C"]) == "C"
    assert uk.normalise("cat a") == "A"


def test_projectvic_codes() -> None:
    vic = load_scheme("projectvic")
    assert [c.code for c in sorted(vic.categories, key=lambda c: c.code)] == list("012345")
    assert vic.most_severe(["5", "2", "0"]) == "2"


def test_non_public_codes_are_not_guessed_but_can_be_configured() -> None:
    assert map_list_code("1", "uk", "uk") is None
    save_settings({"category_maps": {"uk": {"1": "A", "2": "B", "9": None}}})
    assert map_list_code("1", "uk", "uk") == "A"
    assert map_list_code("9", "uk", "uk") is None
    assert map_list_code("B", "uk", "uk") == "B"


def test_cross_scheme_mapping_only_through_configuration() -> None:
    assert map_list_code("1", "projectvic", "uk") is None
    save_settings({"category_maps": {"projectvic->uk": {"1": "A"}}})
    assert map_list_code("1", "projectvic", "uk") == "A"
    assert map_list_code("2", "projectvic", "uk") is None


def test_a_broken_scheme_file_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "schemes"
    folder.mkdir()
    bad = {
        "id": "uk",
        "name": "broken",
        "categories": [
            {"code": "A", "label": "A", "key": "1", "colour": "#000000", "severity": 1},
            {"code": "B", "label": "B", "key": "1", "colour": "#000000", "severity": 2},
        ],
    }
    (folder / "uk.json").write_text(json.dumps(bad))
    monkeypatch.setenv("TRIAGE_RESOURCES", str(tmp_path))
    load_scheme.cache_clear()
    try:
        with pytest.raises(ValueError, match="share a key"):
            load_scheme("uk")
    finally:
        load_scheme.cache_clear()
