"""The gallery panel's filters: a short review queue, one tile per group."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.helpers import open_window
from triage_app.demo.build import DEMO_EXHIBIT
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.window.main_window import MainWindow
from triage_app.review.filters import visible_rows
from triage_app.review.gallery_rows import load_rows, review_queue


def _shown(window: MainWindow) -> list[int]:
    model = window.panel.model
    assert model is not None
    return [model.index(r).data(Role.ItemIdRole) for r in range(model.rowCount())]


def test_review_queue_leaves_out_settled_items_and_shows_one_tile_per_group(
    qtbot: QtBot, matched_case: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    case, items = matched_case
    window = open_window(qtbot, case, tmp_path / "lib.db")
    assert window.panel.filter_key == "review"
    queue = _shown(window)
    assert items["exact"] not in queue and items["ignorable"] not in queue
    assert items["near"] in queue, "a suggestion still needs a look"
    assert window.session is not None
    rows = load_rows(window.session)
    assert queue == [r.item_id for r in visible_rows(rows, review_queue, collapse=True)]
    groups = {r.cluster for r in rows if r.item_id in queue and r.cluster is not None}
    assert len(groups) == sum(1 for r in rows if r.item_id in queue and r.cluster is not None)
    media = [r for r in rows if r.media_type == "image"]
    assert len(queue) < len(media), "the queue is shorter than the pile"

    window.set_filter("suggestions")
    assert _shown(window) == [items["near"]]
    window.set_filter("exact")
    assert _shown(window) == [items["exact"]]
    window.set_filter("ignorable")
    assert _shown(window) == [items["ignorable"]]
    window.set_filter("graded:A")
    assert _shown(window) == [items["exact"]], "graded from the list"
    window.set_filter("graded:B")
    assert _shown(window) == []
    window.set_filter("failed")
    failed = _shown(window)
    assert failed and all(
        r.decode_status == "partial" or r.status == "failed" for r in rows if r.item_id in failed
    )
    window.set_filter(f"exhibit:{DEMO_EXHIBIT}")
    assert len(_shown(window)) > len(queue)
    window.set_filter("all")
    everything = _shown(window)
    assert len(everything) < len(rows), "groups are collapsed"
    window.act_collapse.trigger()
    assert len(_shown(window)) == len(rows), "and expanded again"
    assert not window.settings.collapse_groups
    window.close()
