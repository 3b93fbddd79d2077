"""Reveals: logging each deliberate look at an image, and the exposure meter.

The GUI calls :func:`record_reveal` when a blurred image is shown in the
clear and hidden again; the duration goes to the audit log. The meter adds
up an account's reveals and seconds of unblurred viewing from the log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession

#: Reveals longer than this are recorded as this long (the GUI re-blurs well before).
MAX_REVEAL_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class RevealView:
    """What a reveal showed: the original or the stored thumbnail, at what size on screen."""

    source: str  # ORIGINAL or THUMBNAIL
    shown_width: int
    shown_height: int
    original_width: int | None = None
    original_height: int | None = None
    max_zoom: float = 1.0
    greyscale: bool = False
    blurred: bool = False
    #: Why the original was not shown (the thumbnail was), if it was not.
    note: str | None = None
    #: A video's frame shown (seconds from its start), when one frame was revealed.
    frame_s: float | None = None
    #: A muted playback: the video's seconds shown, from and to, and how many frames.
    played: tuple[float, float, int] | None = None

    @property
    def size_px(self) -> int:
        """Longest side on screen (fitted)."""
        return max(self.shown_width, self.shown_height)

    def as_json(self) -> dict[str, object]:
        """The audit payload's fields for this view."""
        values: dict[str, object] = {
            "source": self.source,
            "shown": f"{self.shown_width}x{self.shown_height}",
            "size_px": self.size_px,
        }
        if self.original_width is not None and self.original_height is not None:
            values["original"] = f"{self.original_width}x{self.original_height}"
        if self.max_zoom != 1.0:
            values["max_zoom"] = self.max_zoom
        if self.greyscale:
            values["greyscale"] = True
        if self.blurred:
            values["blurred"] = True
        if self.note:
            values["note"] = self.note
        if self.frame_s is not None:
            values["frame_s"] = round(self.frame_s, 3)
        if self.played is not None:
            start, end, frames = self.played
            values.update(played_from_s=round(start, 3), played_to_s=round(end, 3),
                          frames_shown=frames, sound="none")  # fmt: skip
        return values


ORIGINAL, THUMBNAIL, FRAME, PLAYBACK = "original", "thumbnail", "video frame", "muted playback"


@dataclass(frozen=True, slots=True)
class Exposure:
    """Reveals and seconds of unblurred viewing."""

    reveals: int
    seconds: float


def record_reveal(
    session: CaseSession,
    item_id: int,
    seconds: float,
    *,
    how: str = "hold",
    size: int | None = None,
    view: RevealView | None = None,
) -> int:
    """Log a reveal of ``item_id`` that lasted ``seconds`` (and what it showed, at what
    size); return its audit sequence number."""
    seconds = max(0.0, min(float(seconds), MAX_REVEAL_SECONDS))
    payload: dict[str, object] = {"item": item_id, "seconds": round(seconds, 3), "how": how}
    if size is not None:
        payload["size_px"] = size
    if view is not None:
        payload.update(view.as_json())
    seq, _ = session.record([AuditNote(audit.REVEAL, f"item {item_id}", payload)])
    return seq


def exposure(
    session: CaseSession, *, user: str | None = None, since: str | None = None
) -> Exposure:
    """Reveals logged for ``user`` (default: the signed-in account) at or after ``since`` (UTC)."""
    who = user or session.actor
    count, total = 0, 0.0
    for row in session.review.audit_rows():
        if row.action != audit.REVEAL or row.user != who:
            continue
        if since is not None and row.time_utc < since:
            continue
        count += 1
        total += float(json.loads(row.payload).get("seconds", 0.0))
    return Exposure(count, total)


def start_of_today_utc() -> str:
    """Midnight UTC today, in the log's time format."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT00:00:00.000000Z")
