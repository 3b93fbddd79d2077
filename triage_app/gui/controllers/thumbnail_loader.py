"""Lazy, off-thread loading of blurred thumbnails, with an LRU cache of QImages.

The delegate asks (through the model) only for tiles it paints, so only
visible rows are loaded. Requests go on a stack: the newest (what is on
screen now) is decoded first, and when the stack grows past a cap the
oldest requests (tiles scrolled past) are dropped. A worker thread takes up
to :data:`BATCH` requests at a time, reads their stored JPEGs in one database
read (``fetch_many``; one read per tile cost more than the blur: each opens a
connection), blurs each with :func:`triage_app.media.blur.blurred_tile` and
wraps the grey pixels in a ``QImage``; one queued signal per batch hands them
to the GUI thread, which only caches them (``loaded_many``: the model repaints
the batch at once): the GUI thread never decodes anything. The stored
thumbnail for a reveal (shown when the original cannot be read) is decoded the
same way, first in line, and never cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence

from triage_app.gui.qt import QImage, QObject, Signal, Slot
from triage_app.gui.workers import start_threads
from triage_app.media.blur import RawImage, blurred_tile, reveal_image

Fetch = Callable[[int], bytes | None]
FetchMany = Callable[[Sequence[int]], Mapping[int, bytes]]

#: Blurred tiles kept in memory (each is at most 128 x 128 grey bytes).
CACHE_SIZE = 4000
#: Pending requests kept; older ones (scrolled past) are dropped.
STACK_LIMIT = 600
TILE, REVEAL = "tile", "reveal"
#: Tiles a worker takes, reads and blurs at a time (a screenful is 40-80 tiles).
BATCH = 16


def to_qimage(raw: RawImage) -> QImage:
    """A QImage owning a copy of ``raw``'s pixels (any thread; no decoding happens here)."""
    fmt = QImage.Format.Format_Grayscale8 if raw.mode == "L" else QImage.Format.Format_RGB888
    return QImage(raw.data, raw.width, raw.height, raw.bytes_per_line, fmt).copy()


def load_image(fetch: Fetch, item_id: int, *, reveal: bool, cells: int = 0) -> QImage | None:
    """Any thread: an item's blurred tile, or its sharp image for a reveal (None: none stored)."""
    data = fetch(item_id)
    if data is None:
        return None
    return to_qimage(reveal_image(data) if reveal else blurred_tile(data, cells=cells))


class ThumbnailLoader(QObject):
    """Loads blurred tiles for the gallery and sharp images for reveals.

    Signals:
        loaded(int): the blurred tile of this item is now in the cache (or it has none).
        loaded_many(list): the same for a batch of items (emitted after their ``loaded``).
        reveal_ready(int, object): the sharp QImage of this item (None: nothing to show).
    """

    loaded = Signal(int)
    loaded_many = Signal(list)
    reveal_ready = Signal(int, object)
    _done = Signal(str, int, int, object)
    _done_many = Signal(int, list)

    def __init__(
        self,
        fetch: Fetch,
        *,
        cells: int,
        threads: int = 2,
        cache_size: int = CACHE_SIZE,
        fetch_many: FetchMany | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._fetch_many = fetch_many
        self._cells = cells
        self._generation = 0
        self._cache: OrderedDict[int, QImage] = OrderedDict()
        self._cache_size = cache_size
        self._missing: set[int] = set()
        self._lock = threading.Condition()
        self._stack: deque[int] = deque()
        self._queued: set[int] = set()
        self._busy: set[int] = set()
        self._reveals: deque[int] = deque()
        self._outstanding = 0
        self._stopping = False
        self._done.connect(self._collect)
        self._done_many.connect(self._collect_many)
        self._threads = start_threads(self._work, "thumbnails", threads)

    # -- GUI thread -------------------------------------------------------------------

    def cached(self, item_id: int) -> QImage | None:
        """The blurred tile if it is loaded (marks it recently used)."""
        image = self._cache.get(item_id)
        if image is not None:
            self._cache.move_to_end(item_id)
        return image

    def has_no_thumbnail(self, item_id: int) -> bool:
        """True when the item was found to have no stored thumbnail."""
        return item_id in self._missing

    @property
    def idle(self) -> bool:
        """True when nothing is queued, being decoded, or waiting to be collected."""
        with self._lock:
            return self._outstanding == 0

    def request(self, item_id: int) -> None:
        """Ask for an item's blurred tile (no-op when cached or already asked for)."""
        if item_id in self._cache or item_id in self._missing:
            return
        with self._lock:
            if item_id in self._queued or item_id in self._busy or self._stopping:
                return
            self._stack.append(item_id)
            self._queued.add(item_id)
            self._outstanding += 1
            while len(self._stack) > STACK_LIMIT:
                self._queued.discard(self._stack.popleft())
                self._outstanding -= 1
            self._lock.notify()

    def request_reveal(self, item_id: int) -> None:
        """Ask for an item's sharp image; ``reveal_ready`` brings it (never cached)."""
        with self._lock:
            if self._stopping:
                return
            self._reveals.append(item_id)
            self._outstanding += 1
            self._lock.notify()

    def set_cells(self, cells: int) -> None:
        """Change the blur strength: drop every cached tile and pending request."""
        if cells == self._cells:
            return
        with self._lock:
            self._cells = cells
            self._generation += 1
            self._outstanding -= len(self._stack)
            self._stack.clear()
            self._queued.clear()
        self._cache.clear()
        self._missing.clear()

    def forget_pending(self) -> None:
        """Drop requests not started yet (the gallery shows something else now)."""
        with self._lock:
            self._outstanding -= len(self._stack)
            self._stack.clear()
            self._queued.clear()

    def shutdown(self) -> None:
        """Stop the worker threads and wait for them."""
        with self._lock:
            self._stopping = True
            self._stack.clear()
            self._queued.clear()
            self._reveals.clear()
            self._lock.notify_all()
        for thread in self._threads:
            thread.join()

    @Slot(str, int, int, object)
    def _collect(self, kind: str, item_id: int, generation: int, image: QImage | None) -> None:
        """Cache a finished tile, or pass on a reveal image (GUI thread, queued)."""
        with self._lock:
            self._outstanding -= 1
            self._busy.discard(item_id)
            current = generation == self._generation and not self._stopping
        if kind == REVEAL:
            self.reveal_ready.emit(item_id, image)
            return
        if not current:
            return
        if image is None:
            self._missing.add(item_id)
        else:
            self._cache[item_id] = image
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        self.loaded.emit(item_id)
        self.loaded_many.emit([item_id])

    @Slot(int, list)
    def _collect_many(self, generation: int, done: list[tuple[int, QImage | None]]) -> None:
        """Cache a finished batch of tiles (GUI thread, queued)."""
        with self._lock:
            self._outstanding -= len(done)
            self._busy.difference_update(item_id for item_id, _ in done)
            current = generation == self._generation and not self._stopping
        if not current:
            return
        for item_id, image in done:
            if image is None:
                self._missing.add(item_id)
            else:
                self._cache[item_id] = image
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        ids = [item_id for item_id, _ in done]
        for item_id in ids:
            self.loaded.emit(item_id)
        self.loaded_many.emit(ids)

    # -- worker threads -----------------------------------------------------------------

    def _next(self) -> tuple[str, list[int], int, int] | None:
        with self._lock:
            while not self._stopping and not self._stack and not self._reveals:
                self._lock.wait()
            if self._stopping:
                return None
            if self._reveals:
                return (REVEAL, [self._reveals.popleft()], self._generation, self._cells)
            take = BATCH if self._fetch_many is not None else 1
            ids = [self._stack.pop() for _ in range(min(take, len(self._stack)))]
            self._queued.difference_update(ids)
            self._busy.update(ids)
            return (TILE, ids, self._generation, self._cells)

    def _work(self) -> None:
        while (job := self._next()) is not None:
            kind, ids, generation, cells = job
            if kind == TILE and self._fetch_many is not None:
                self._done_many.emit(generation, self._tiles(self._fetch_many, ids, cells))
                continue
            try:
                image = load_image(self._fetch, ids[0], reveal=kind == REVEAL, cells=cells)
            except Exception:  # an unreadable thumbnail is shown as "no preview"
                image = None
            self._done.emit(kind, ids[0], generation, image)

    @staticmethod
    def _tiles(
        fetch_many: FetchMany, ids: list[int], cells: int
    ) -> list[tuple[int, QImage | None]]:
        """Worker thread: the blurred tiles of ``ids``, read in one go (None: no tile)."""
        try:
            stored = fetch_many(ids)
        except Exception:  # the database is unreadable now: these show "no preview"
            stored = {}
        done: list[tuple[int, QImage | None]] = []
        for item_id in ids:
            data = stored.get(item_id)
            try:
                image = to_qimage(blurred_tile(data, cells=cells)) if data else None
            except Exception:  # an unreadable thumbnail is shown as "no preview"
                image = None
            done.append((item_id, image))
        return done
