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
from PySide6.QtCore import QEventLoop, QSize
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QListView, QListWidget, QListWidgetItem

import triage_app.gui  # noqa: F401  (PySide6 workaround first)
from triage_app.config.schemes import load_scheme
from triage_app.demo import synthetic
from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader, to_qimage
from triage_app.gui.models.gallery_model import GalleryModel
from triage_app.gui.widgets.gallery_delegate import GalleryDelegate
from triage_app.gui.widgets.gallery_view import GalleryView
from triage_app.media.blur import blurred_tile
from triage_app.review import gallery_rows as gr
from triage_app.review.gallery_rows import GalleryRow

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


def measure(app: QApplication, view: QListView, pages: int) -> tuple[float, list[float]]:
    """First layout+paint, then per-page scroll+repaint times (seconds)."""
    start = time.perf_counter()
    view.resize(SIZE)
    view.show()
    view.doItemsLayout()
    view.viewport().repaint()
    settle(app)
    first = time.perf_counter() - start
    bar = view.verticalScrollBar()
    per_page = []
    for _ in range(pages):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()
        settle(app)
        per_page.append(time.perf_counter() - t)
    return first, per_page


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
    first, per_page = measure(app, view, pages)
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
        "refilter": refilter, "queue tiles": queue,
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
    first, per_page = measure(app, widget, pages)
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


def blur_rate(seconds: float = 3.0) -> float:
    """Stored-size thumbnails decoded + blurred + wrapped per second by the loader's threads."""
    img = synthetic.scene(np.random.default_rng(3), (256, 192))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    data = out.getvalue()
    to_qimage(blurred_tile(data))  # warm up
    loader = ThumbnailLoader(lambda _i: data, cells=8, threads=2, cache_size=10**6)
    app = QApplication.instance()
    assert app is not None
    done = 0
    loader.loaded.connect(lambda _i: None)
    start = time.perf_counter()
    next_id = 1
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            loader.request(next_id)
            next_id += 1
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        done = len(loader._cache)
    elapsed = time.perf_counter() - start
    loader.shutdown()
    return done / elapsed


def run_one(which: str, items: int, pages: int) -> dict[str, float]:
    """Run one contender in a fresh process and return its figures."""
    out = subprocess.run(
        [sys.executable, __file__, "--items", str(items), "--pages", str(pages), "--only", which],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--only", choices=("model", "naive", "blur"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only is not None:
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        if args.only == "blur":
            print(json.dumps({"rate": blur_rate()}))
            return 0
        rows = make_rows(args.items)
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
    rate = run_one("blur", args.items, args.pages)["rate"]
    print(f"blur pipeline (2 threads): {rate:.0f} thumbnails/s decoded and blurred")
    return 0


if __name__ == "__main__":
    sys.exit(main())
