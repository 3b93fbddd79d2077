"""The viewer's settings: safe defaults, round trip beside other settings, bad values clamped."""

from __future__ import annotations

import json
from dataclasses import replace

from triage_app.config.settings import load_settings, save_settings, settings_path
from triage_app.config.viewer_settings import (
    ViewerSettings,
    load_viewer_settings,
    save_viewer_settings,
)


def test_settings_default_to_the_safe_choice() -> None:
    s = load_viewer_settings()
    assert s == ViewerSettings()
    assert s.blur == "strong" and s.blur_cells == 8
    assert s.reveal_seconds == 10.0 and s.collapse_groups


def test_settings_round_trip_beside_other_settings() -> None:
    save_settings({"category_maps": {"uk": {"1": "A"}}})
    saved = save_viewer_settings(ViewerSettings(tile_size=200, blur="maximum", break_minutes=30))
    assert load_viewer_settings() == saved
    stored = load_settings()
    assert stored["category_maps"] == {"uk": {"1": "A"}}
    assert stored["viewer"]["tile_size"] == 200


def test_bad_settings_are_clamped_not_trusted() -> None:
    settings_path().write_text(
        json.dumps(
            {
                "viewer": {
                    "tile_size": 5000,
                    "blur": "none",
                    "reveal_seconds": 1e9,
                    "reveal_size": "big",
                    "break_minutes": -3,
                    "unknown": 1,
                }
            }
        ),
        encoding="utf-8",
    )
    s = load_viewer_settings()
    assert s.tile_size == 320 and s.blur == "strong"
    assert s.reveal_seconds == 60.0 and s.reveal_size == 256 and s.break_minutes == 0
    assert ViewerSettings.from_json("nonsense") == ViewerSettings()
    assert replace(s, reveal_seconds=float("nan")).validated().reveal_seconds == 10.0


def test_unreadable_settings_file_means_defaults() -> None:
    settings_path().write_text("{not json", encoding="utf-8")
    assert load_viewer_settings() == ViewerSettings()
