"""The viewer's settings: tile size, blur strength, reveal time and size, break reminder.

They live in the per-user settings file under ``"viewer"``. Values out of
range are clamped, so a hand-edited file cannot switch the blur off or make
a reveal last for ever; the defaults are the safe choice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from triage_app.config.settings import load_settings, save_settings
from triage_app.domain.options import DEFAULT_BLUR_CELLS

SETTINGS_KEY = "viewer"
#: Blur strengths offered, as cells on a tile's longest side (fewer is stronger).
BLUR_LEVELS: dict[str, int] = {"maximum": 4, "strong": DEFAULT_BLUR_CELLS, "moderate": 12}
DEFAULT_BLUR = "strong"
TILE_RANGE = (64, 320)
REVEAL_SECONDS_RANGE = (1.0, 60.0)
REVEAL_SIZE_RANGE = (128, 512)
BREAK_MINUTES_RANGE = (0, 240)


def _clamp(value: Any, low: float, high: float, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    if number != number:  # NaN
        return default
    return max(low, min(number, high))


@dataclass(frozen=True, slots=True)
class ViewerSettings:
    """How the gallery shows items and how reveals behave."""

    tile_size: int = 128
    blur: str = DEFAULT_BLUR
    reveal_seconds: float = 10.0
    reveal_size: int = 256
    #: Minutes of reviewing before a break reminder; 0 turns the reminder off.
    break_minutes: int = 0
    collapse_groups: bool = True

    @property
    def blur_cells(self) -> int:
        """Cells on a blurred tile's longest side."""
        return BLUR_LEVELS.get(self.blur, BLUR_LEVELS[DEFAULT_BLUR])

    def validated(self) -> ViewerSettings:
        """A copy with every value in its allowed range."""
        d = ViewerSettings()
        return replace(
            self,
            tile_size=int(_clamp(self.tile_size, *TILE_RANGE, d.tile_size)),
            blur=self.blur if self.blur in BLUR_LEVELS else DEFAULT_BLUR,
            reveal_seconds=_clamp(self.reveal_seconds, *REVEAL_SECONDS_RANGE, d.reveal_seconds),
            reveal_size=int(_clamp(self.reveal_size, *REVEAL_SIZE_RANGE, d.reveal_size)),
            break_minutes=int(_clamp(self.break_minutes, *BREAK_MINUTES_RANGE, d.break_minutes)),
            collapse_groups=bool(self.collapse_groups),
        )

    @classmethod
    def from_json(cls, data: Any) -> ViewerSettings:
        """Settings from the stored dict; unknown keys are ignored, bad values clamped."""
        if not isinstance(data, dict):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**known).validated()
        except TypeError:
            return cls()

    def as_json(self) -> dict[str, Any]:
        """The dict stored in the settings file."""
        return asdict(self)


def load_viewer_settings() -> ViewerSettings:
    """The user's viewer settings (defaults when unset or unreadable)."""
    try:
        stored = load_settings()
    except OSError:
        return ViewerSettings()
    return ViewerSettings.from_json(stored.get(SETTINGS_KEY))


def save_viewer_settings(settings: ViewerSettings) -> ViewerSettings:
    """Store the viewer settings (validated) beside the user's other settings."""
    valid = settings.validated()
    try:
        stored = load_settings()
    except OSError:
        stored = {}
    stored[SETTINGS_KEY] = valid.as_json()
    save_settings(stored)
    return valid
