"""The command line's output stream escapes what a terminal would act on."""

from __future__ import annotations

import io
import json

from triage_app.cli.safe_output import SafeStream, escape_for_terminal


def test_escapes_controls_and_overrides_but_keeps_lines_and_text() -> None:
    assert escape_for_terminal("plain café\tok\n") == "plain café\tok\n"
    assert escape_for_terminal("a\x1b[2Jb") == "a\\u001b[2Jb"
    assert escape_for_terminal("x\u202ey\rz") == "x\\u202ey\\u000dz"


def test_json_through_the_stream_stays_json_with_the_same_values() -> None:
    raw = io.StringIO()
    stream = SafeStream(raw)
    value = {"path": "invoice\u202egpj.exe", "n": 1}
    stream.write(json.dumps(value, ensure_ascii=False))
    assert "\u202e" not in raw.getvalue()
    assert json.loads(raw.getvalue()) == value
