"""Gallery at 100,000 items: the workstation's model/view against a naive QListWidget, one run.

    QT_QPA_PLATFORM=offscreen python benchmarks/gallery.py [--items 100000] [--pages 40]

Both grids are 1200 x 800 icon-mode views with 128 px tiles.

  model    ``GalleryModel`` (QAbstractListModel, custom roles, filter and
           duplicate-group collapsing in Python) in ``GalleryView`` with the
           painting delegate; thumbnails are served from a warm cache so that
           painting, not decoding, is measured.
  naive    ``QListWidget`` in icon mode with one ``QListWidgetItem`` (text,
           tooltip, a shared 128 px icon) per item.

Each runs in a fresh process. Prints, for each: time to populate, to lay out
and paint the first screen ("ready" is the sum), and per page scrolled (the viewport repainted
after each step), plus the growth of the process's resident memory, then the
ratios naive / model. It also times switching the filter to the review queue
over all rows, and the blur pipeline's throughput (thumbnails decoded and
blurred per second on worker threads). Shared machines are noisy: compare
the ratios.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PySide6.QtCore import QEventLoop, QPoint, QSize
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QListView, QListWidget, QListWidgetItem

import triage_app.gui  # noqa: F401  (PySide6 workaround first)
from triage_app.config.schemes import load_scheme
from triage_app.demo import synthetic
from triage_app.domain.accounts import hash_password
from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader, to_qimage
from triage_app.gui.models.gallery_model import GalleryModel, Role
from triage_app.gui.widgets.gallery_delegate import GalleryDelegate
from triage_app.gui.widgets.gallery_view import GalleryView
from triage_app.media.blur import blurred_tile
from triage_app.review import gallery_rows as gr
from triage_app.review.gallery_rows import GalleryRow
from triage_app.storage.case_store import CaseStore
from triage_app.storage.models.case import Exhibit, IngestRun, Item, Thumbnail

SIZE = QSize(1200, 800)
TILE = 128


def rss_mib() -> float:
    """Resident memory of this process in MiB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_rows(n: int) -> list[GalleryRow]:
    """``n`` gallery rows: one in five in a duplicate group, some matched, some graded."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(1, n + 1):
        group = (i // 5) if i % 5 < 2 else None
        kind = ("exact", "near", "ignorable", None, None, None, None, None)[int(rng.integers(8))]
        rows.append(
            GalleryRow(
                item_id=i, exhibit=f"EX/{1 + i % 3}", path=f"DCIM/{i // 1000}/IMG_{i:06d}.jpg",
                status="hashed", media_type="image" if i % 97 else "video", format="JPEG",
                decode_status="decoded", width=640, height=480, low_information=False,
                match_kind=kind, match_category="B" if kind else None,
                match_distance=3 if kind == "near" else None,
                grade="B" if kind == "exact" else None,
                grade_source="hash-list exact" if kind == "exact" else None,
                cluster=group, cluster_size=2 if group is not None else 1,
                representative=group is None or i % 5 == 0,
            )
        )  # fmt: skip
    return rows


class WarmLoader(ThumbnailLoader):
    """A loader whose cache already holds every tile (so only painting is timed)."""

    def __init__(self, image: QImage) -> None:
        super().__init__(lambda _i: None, cells=8, threads=1)
        self._image = image

    def cached(self, item_id: int) -> QImage | None:
        return self._image


def settle(app: QApplication) -> None:
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def finish_layout(app: QApplication, view: QListView) -> float:
    """Run the event loop until the batched layout is done (the scroll range stops
    growing); return the longest single event-loop step meanwhile (seconds)."""
    bar = view.verticalScrollBar()
    longest, stable, last = 0.0, 0, -1
    while stable < 20:
        t = time.perf_counter()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        longest = max(longest, time.perf_counter() - t)
        stable = stable + 1 if bar.maximum() == last else 0
        last = bar.maximum()
    return longest


def measure(app: QApplication, view: QListView, pages: int) -> tuple[float, list[float], float]:
    """First layout+paint, then per-page scroll+repaint times once laid out (seconds),
    and the longest event-loop step while the rest of the layout ran."""
    start = time.perf_counter()
    view.resize(SIZE)
    view.show()
    view.doItemsLayout()
    view.viewport().repaint()
    settle(app)
    first = time.perf_counter() - start
    layout_step = finish_layout(app, view)
    bar = view.verticalScrollBar()
    per_page = []
    for _ in range(pages):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()  # the page is painted when this returns
        per_page.append(time.perf_counter() - t)
        settle(app)
    return first, per_page, layout_step


def bench_model(app: QApplication, rows: list[GalleryRow], pages: int) -> dict[str, float]:
    tile = QImage(TILE, 96, QImage.Format.Format_Grayscale8)
    tile.fill(128)
    loader = WarmLoader(tile)
    before = rss_mib()
    start = time.perf_counter()
    model = GalleryModel(load_scheme("uk"), loader)
    model.set_rows(rows)
    model.set_filter(lambda _r: True, collapse=False)
    delegate = GalleryDelegate(TILE)
    view = GalleryView(delegate)
    view.setModel(model)
    populate = time.perf_counter() - start
    first, per_page, layout_step = measure(app, view, pages)
    assert model.rowCount() == len(rows)
    t = time.perf_counter()
    model.set_filter(gr.review_queue, collapse=True)
    view.viewport().repaint()
    settle(app)
    refilter = time.perf_counter() - t
    queue = model.rowCount()
    t = time.perf_counter()
    view.scrollToBottom()
    view.viewport().repaint()
    settle(app)
    to_end = time.perf_counter() - t
    memory = rss_mib() - before
    view.close()
    loader.shutdown()
    return {
        "populate": populate, "first paint": first, "page": statistics.median(per_page),
        "worst page": max(per_page), "jump to end": to_end, "memory MiB": memory,
        "refilter": refilter, "queue tiles": queue, "layout step": layout_step,
    }  # fmt: skip


def bench_naive(app: QApplication, rows: list[GalleryRow], pages: int) -> dict[str, float]:
    pixmap = QPixmap(TILE, 96)
    pixmap.fill()
    icon = QIcon(pixmap)
    before = rss_mib()
    start = time.perf_counter()
    widget = QListWidget()
    widget.setViewMode(QListView.ViewMode.IconMode)
    widget.setIconSize(QSize(TILE, TILE))
    widget.setGridSize(QSize(TILE + 12, TILE + 30))
    widget.setUniformItemSizes(True)
    widget.setResizeMode(QListView.ResizeMode.Adjust)
    widget.setMovement(QListView.Movement.Static)
    for r in rows:
        item = QListWidgetItem(icon, f"#{r.item_id}")
        item.setToolTip(r.path)
        widget.addItem(item)
    populate = time.perf_counter() - start
    first, per_page, _ = measure(app, widget, pages)
    t = time.perf_counter()
    widget.scrollToBottom()
    widget.viewport().repaint()
    settle(app)
    to_end = time.perf_counter() - t
    memory = rss_mib() - before
    widget.close()
    return {
        "populate": populate, "first paint": first, "page": statistics.median(per_page),
        "worst page": max(per_page), "jump to end": to_end, "memory MiB": memory,
    }  # fmt: skip


def _stored_jpeg(seed: int) -> bytes:
    img = synthetic.scene(np.random.default_rng(seed), (256, 192))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def blur_rates(count: int = 3000) -> dict[str, float]:
    """Blur throughput two ways, in one run: ``blurred_tile`` timed directly on one thread,
    and the loader's whole pipeline (read, blur, wrap, hand to the GUI thread, cache) on
    its 2 threads, from the first request to the last tile cached."""
    data = [_stored_jpeg(seed) for seed in range(20)]
    to_qimage(blurred_tile(data[0]))  # warm up
    start = time.perf_counter()
    for n in range(count):
        blurred_tile(data[n % len(data)])
    direct = count / (time.perf_counter() - start)
    app = QApplication.instance()
    assert app is not None
    loader = ThumbnailLoader(lambda i: data[i % len(data)], cells=8, threads=2,
                             cache_size=10**6,
                             fetch_many=lambda ids: {i: data[i % len(data)] for i in ids},
                             )  # fmt: skip
    start = time.perf_counter()
    for item_id in range(1, count + 1):  # in screenfuls, as the gallery asks for them
        loader.request(item_id)
        if item_id % 300 == 0:
            while not loader.idle:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    while not loader.idle:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    pipeline = len(loader._cache) / (time.perf_counter() - start)
    loader.shutdown()
    return {"direct": direct, "pipeline": pipeline, "count": count}


def make_store(folder: Path, stored: int) -> CaseStore:
    """A real case database holding ``stored`` items with stored thumbnails."""
    store = CaseStore.create(folder / "case", reference="BENCH", examiner="Bench",
                             password_hash=hash_password("bench", n=2**4))  # fmt: skip
    jpegs = [_stored_jpeg(seed) for seed in range(50)]
    when = "2026-01-01T00:00:00Z"
    with store.write_session() as session:
        session.add(Exhibit(id=1, reference="EX/1", source_root=b"/nowhere", added_at=when))
        session.add(
            IngestRun(
                id=1,
                exhibit_id=1,
                started_at=when,
                state="finished",
                workers=1,
                app_version="bench",
                pillow_version="-",
                imagehash_version="-",
            )
        )
        session.flush()
        for i in range(1, stored + 1):
            session.add(
                Item(
                    id=i,
                    exhibit_id=1,
                    run_id=1,
                    path=b"IMG_%06d.jpg" % i,
                    entry_kind="file",
                    status="hashed",
                    media_type="image",
                    processed_at=when,
                )
            )
        session.flush()
        for i in range(1, stored + 1):
            session.add(Thumbnail(item_id=i, width=256, height=192, mime="image/jpeg",
                                  data=jpegs[i % len(jpegs)]))  # fmt: skip
    return store


def visible_rows(view: QListView) -> list[int]:
    """Model rows whose tiles are (partly) on screen."""
    model = view.model()
    area = view.viewport().rect()
    first = view.indexAt(QPoint(4, 4)).row()
    if first < 0:
        return []
    rows = []
    for row in range(first, min(model.rowCount(), first + 400)):
        if view.visualRect(model.index(row, 0)).intersects(area):
            rows.append(row)
        elif rows:
            break
    return rows


def bench_cold(app: QApplication, rows: list[GalleryRow], jumps: int, batched: bool) -> dict:
    """Jump to random places with nothing cached: time until every tile on screen is
    painted with its blurred thumbnail (read from a real case database, 2 threads)."""
    import tempfile

    stored = 2000
    with tempfile.TemporaryDirectory() as tmp, make_store(Path(tmp), stored) as store:

        def mapped(i: int) -> int:  # the 100,000 rows share the stored thumbnails
            return (i - 1) % stored + 1

        def fetch_many(ids: list[int]) -> dict[int, bytes]:
            found = store.thumbnails(sorted({mapped(i) for i in ids}))
            return {i: found[mapped(i)] for i in ids if mapped(i) in found}

        loader = ThumbnailLoader(lambda i: store.thumbnail(mapped(i)), cells=8,
                                 fetch_many=fetch_many if batched else None)  # fmt: skip
        model = GalleryModel(load_scheme("uk"), loader)
        model.set_rows(rows)
        model.set_filter(lambda _r: True, collapse=False)
        view = GalleryView(GalleryDelegate(TILE))
        view.setModel(model)
        view.resize(SIZE)
        view.show()
        deadline = time.perf_counter() + 3  # let the batched layout finish first
        while time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        rng = np.random.default_rng(11)
        times, paints = [], []
        for _ in range(jumps):
            target = int(rng.integers(0, len(rows) - 100))
            start = time.perf_counter()
            view.scrollTo(model.index(target), QListView.ScrollHint.PositionAtTop)
            view.viewport().repaint()
            paints.append(time.perf_counter() - start)
            wanted = [model.index(r).data(Role.ItemIdRole) for r in visible_rows(view)]
            while any(loader.cached(i) is None for i in wanted):
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 2)
            view.viewport().repaint()
            times.append(time.perf_counter() - start)
        view.close()
        loader.shutdown()
        model.deleteLater()
    return {"median": statistics.median(times), "worst": max(times),
            "tiles": len(wanted), "paint": max(paints)}  # fmt: skip


def run_one(which: str, items: int, pages: int, jumps: int = 20) -> dict[str, float]:
    """Run one contender in a fresh process and return its figures."""
    out = subprocess.run(
        [sys.executable, __file__, "--items", str(items), "--pages", str(pages),
         "--jumps", str(jumps), "--only", which],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--jumps", type=int, default=20)
    parser.add_argument("--only", choices=("model", "naive", "blur", "cold", "cold1"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.only is not None:
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        if args.only == "blur":
            print(json.dumps(blur_rates()))
            return 0
        rows = make_rows(args.items)
        if args.only in ("cold", "cold1"):
            print(json.dumps(bench_cold(app, rows, args.jumps, args.only == "cold")))
            return 0
        bench = bench_model if args.only == "model" else bench_naive
        print(json.dumps(bench(app, rows, args.pages)))
        return 0
    platform = os.environ["QT_QPA_PLATFORM"]
    print(
        f"{args.items:,} items, {args.pages} pages scrolled, viewport "
        f"{SIZE.width()}x{SIZE.height()}, {TILE} px tiles, Qt platform {platform}"
    )
    model = run_one("model", args.items, args.pages)
    naive = run_one("naive", args.items, args.pages)
    for figures in (model, naive):
        figures["ready"] = figures["populate"] + figures["first paint"]
    print(f"{'':14}{'model/view':>12}{'QListWidget':>13}{'naive/model':>13}")
    keys = ("populate", "first paint", "ready", "page", "worst page", "jump to end", "memory MiB")
    for key in keys:
        unit = "" if key == "memory MiB" else " s"
        ratio = naive[key] / model[key] if model[key] > 0 else float("nan")
        print(f"{key:<14}{model[key]:>10.3f}{unit:2}{naive[key]:>11.3f}{unit:2}{ratio:>12.1f}x")
    print(f"review queue over {args.items:,} rows: {model['queue tiles']:,.0f} tiles, "
          f"filtered and repainted in {model['refilter']:.3f} s")  # fmt: skip
    print(f"longest event-loop step while the rest of the grid was laid out: "
          f"{model['layout step'] * 1000:.1f} ms")  # fmt: skip
    blur = run_one("blur", args.items, args.pages)
    print(f"blur, blurred_tile timed directly (1 thread): {blur['direct']:.0f} thumbnails/s "
          f"({1000 / blur['direct']:.2f} ms each)")  # fmt: skip
    print(f"blur pipeline (loader, 2 threads, {blur['count']:.0f} tiles read, blurred, "
          f"cached on the GUI thread): {blur['pipeline']:.0f} thumbnails/s")  # fmt: skip
    for which, label in (("cold", "batched reads (the loader as the gallery uses it)"),
                         ("cold1", "one read per tile (as before)")):  # fmt: skip
        cold = run_one(which, args.items, args.pages, args.jumps)
        print(f"jump, nothing cached, {label}: every tile on screen ({cold['tiles']:.0f}) "
              f"painted blurred in median {cold['median'] * 1000:.0f} ms, worst "
              f"{cold['worst'] * 1000:.0f} ms over {args.jumps} jumps")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
