"""A video tile: choose a frame of its blurred strip, reveal that one frame, or play it muted.

A video is never shown whole: its tile is the blurred frame strip made at
ingest. ``[`` and ``]`` choose a frame of the strip (the tile frames it in
yellow); holding Space reveals that one frame, decoded from the evidence at
its time on a worker thread, through the panel's reveal controller (timed,
logged with the frame's time). Holding P plays the video muted from that
frame, as long as P is held and within the reveal time limit
(:class:`~triage_app.gui.controllers.playback.Playback`); it is logged with
the seconds shown. No audio stream is ever decoded.
"""

from __future__ import annotations

from triage_app.case.session import CaseSession
from triage_app.gui.controllers.panel_parts import PanelParts
from triage_app.gui.controllers.playback import Playback
from triage_app.gui.controllers.reveal_controller import RevealLog
from triage_app.gui.qt import QObject
from triage_app.review.gallery_rows import GalleryRow
from triage_app.review.originals import open_playback, strip_frame_times


class VideoTiles(QObject):
    """Frame choice and frame reveals of the gallery panel's video tiles."""

    def __init__(self, panel: PanelParts, parent: QObject) -> None:
        super().__init__(parent)
        self.panel = panel
        #: The strip's frame times of each video asked about (seconds, left to right).
        self.times: dict[int, list[float]] = {}
        self._asked: set[int] = set()
        self.playback: Playback | None = None
        panel.view.command.connect(self._command)

    def attach(self, session: CaseSession, log: RevealLog, limit_seconds: float) -> None:
        """A case opened: playbacks of its videos are logged with ``log``."""
        self.forget()
        self.playback = Playback(
            self.panel.area.overlay,
            log,
            lambda item, start, seconds: open_playback(session, item, start, seconds),
            limit_seconds=limit_seconds,
            parent=self,
        )
        self.playback.failed.connect(
            lambda item, why: self.panel.say(f"Item #{item}: not played: {why}")
        )
        self.playback.stopped.connect(
            lambda item, seconds: self.panel.say(
                f"Playback of #{item} stopped after {seconds:.1f} s (logged)"
            )
        )
        reveal = self.panel.reveal
        if reveal is not None:
            reveal.revealed.connect(lambda _item: self.stop("replaced by a reveal"))

    def stop(self, reason: str) -> None:
        """End a playback, if one is on."""
        if self.playback is not None:
            self.playback.stop(reason)

    def forget(self) -> None:
        """The case closed: stop playing and drop what was read."""
        if self.playback is not None:
            self.playback.shutdown()
            self.playback.deleteLater()
            self.playback = None
        self.times.clear()
        self._asked.clear()

    def prepare(self, row: GalleryRow | None) -> None:
        """A video tile became current: read its strip's frame times (reader thread)."""
        panel = self.panel
        if row is None or row.media_type != "video" or panel.reader is None:
            return
        if row.item_id in self._asked or panel.session is None:
            return
        self._asked.add(row.item_id)
        session, item = panel.session, row.item_id
        panel.reader.submit(lambda: strip_frame_times(session, item),
                            lambda times: self._times_ready(item, times))  # fmt: skip

    def _times_ready(self, item_id: int, times: list[float]) -> None:
        self.times[item_id] = list(times)
        model = self.panel.model
        if model is not None and times and model.frame_of(item_id) is None:
            model.set_frame(item_id, 0, len(times))

    def _command(self, name: str) -> None:
        if name == "back":
            self.stop("Escape")
        if name == "play":
            self.toggle_play()
        if name not in ("frame-1", "frame+1"):
            return
        rows = self.panel.selected_rows()
        model = self.panel.model
        if len(rows) != 1 or model is None or rows[0].media_type != "video":
            return
        item = rows[0].item_id
        times = self.times.get(item)
        if not times:
            self.panel.say(f"Item #{item}: no frame strip to choose from")
            return
        current = model.frame_of(item)
        index = current[0] if current is not None else 0
        index = max(0, min(len(times) - 1, index + (1 if name == "frame+1" else -1)))
        model.set_frame(item, index, len(times))
        self.panel.say(
            f"Item #{item}: frame {index + 1} of {len(times)} at {times[index]:.1f} s; "
            "hold Space to reveal it, hold P to play it muted"
        )

    def chosen_time(self, item_id: int) -> float | None:
        """The time of the frame chosen in a video's strip (the first by default)."""
        times = self.times.get(item_id)
        if not times:
            return None
        model = self.panel.model
        chosen = model.frame_of(item_id) if model is not None else None
        return times[chosen[0] if chosen is not None else 0]

    def toggle_play(self) -> None:
        """P: play the current video muted from its chosen frame, or stop playing."""
        playback, rows = self.playback, self.panel.selected_rows()
        if playback is None:
            return
        if playback.active:
            playback.stop("P again")
            return
        if len(rows) != 1 or rows[0].media_type != "video":
            self.panel.say("P plays a video (muted): choose one video tile")
            return
        item = rows[0].item_id
        start = self.chosen_time(item)
        if start is None:
            self.prepare(rows[0])
            self.panel.say(f"Item #{item}: its frame strip is not read yet (or it has none)")
            return
        if self.panel.reveal is not None:
            self.panel.reveal.cancel("replaced by a playback")
        self.panel.area.overlay_over(None)
        playback.play(item, start)
        self.panel.say(f"Playing #{item} muted from {start:.1f} s: P or Esc stops")

    def reveal(self, row: GalleryRow, how: str) -> None:
        """Reveal the chosen frame of a video tile."""
        panel = self.panel
        seconds = self.chosen_time(row.item_id)
        if panel.reveal is None:
            return
        if seconds is None:
            self.prepare(row)
            panel.say(
                f"Item #{row.item_id}: its frame strip is not read yet (or it has none); "
                "a video is revealed one frame at a time"
            )
            return
        panel.area.overlay_over(None)
        panel.reveal.hold(row.item_id, how, frame_s=seconds)
