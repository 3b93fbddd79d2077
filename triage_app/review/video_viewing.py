"""A video is graded only once its frame strip exists, or "graded without viewing".

The frame strip (a few sampled frames side by side, built at ingest and kept as
the video's thumbnail) is what an examiner can reveal of a video. A video
without one (not decoded: damaged, refused, or from an earlier version) can
still be graded, but only with a reason that starts ``graded without viewing``
and says why, so the record shows the grade was not based on a look.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from triage_app.case.session import CaseSession
from triage_app.review.grade_writes import GradingError

#: How the reason of a grade given to a video without a frame strip must start.
WITHOUT_VIEWING: Final = "graded without viewing"


class UnviewedVideoError(GradingError):
    """A video without a frame strip was graded without saying so."""


def check_viewable(session: CaseSession, item_ids: Sequence[int], reason: str | None) -> None:
    """Refuse to grade a video that has no frame strip unless ``reason`` says so."""
    said = reason is not None and reason.strip().lower().startswith(WITHOUT_VIEWING)
    if said and reason is not None and len(reason.strip()) <= len(WITHOUT_VIEWING) + 2:
        raise UnviewedVideoError(f'say why after "{WITHOUT_VIEWING}:" in the reason')
    if said:
        return
    videos = [i.id for i in session.store.hashed_items(item_ids) if i.media_type == "video"]
    blind = [i for i in videos if session.store.thumbnail(i) is None]
    if blind:
        raise UnviewedVideoError(
            f"item {', '.join(map(str, blind))}: a video without a frame strip (not decoded); "
            f'grade it with --reason "{WITHOUT_VIEWING}: <why>"'
        )
