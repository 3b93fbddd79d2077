"""What the command line prints is safe for a terminal, whatever the evidence holds.

File names and hash-list contents reach the output: a name may carry a
newline, an escape sequence that rewrites the terminal, or a right-to-left
override that makes ``gpj.exe`` read as ``exe.jpg``. Every write to stdout
and stderr goes through :class:`SafeStream`, which writes each such character
as ``\\uXXXX`` (valid inside JSON strings too, so JSON output stays JSON).
Tabs and newlines pass; a carriage return does not (the progress bar draws
on the raw stream).
"""

from __future__ import annotations

import sys
import unicodedata
from typing import Any, TextIO

from triage_app.domain.text_safety import BIDI_CONTROLS

_ALLOWED = frozenset("\n\t")


def _dangerous(ch: str) -> bool:
    if ch in _ALLOWED:
        return False
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")


def escape_for_terminal(text: str) -> str:
    """``text`` with every control, bidi or undecodable character as ``\\uXXXX``."""
    if text.isprintable() and not BIDI_CONTROLS.intersection(text):
        return text
    return "".join(f"\\u{ord(ch):04x}" if _dangerous(ch) else ch for ch in text)


class SafeStream:
    """A text stream that escapes what a terminal would act on (see the module doc)."""

    def __init__(self, raw: TextIO) -> None:
        #: The stream itself, for output that must reach it unchanged (the progress bar).
        self.raw = raw

    def write(self, text: str) -> int:
        """Write ``text``, escaped; return how many characters were given."""
        self.raw.write(escape_for_terminal(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def install() -> None:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`SafeStream` (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, SafeStream):
            setattr(sys, name, SafeStream(stream))
