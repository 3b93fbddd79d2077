"""The gallery model: roles, filters, collapsing, updates in place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from gui.helpers import gallery_row as _row
from triage_app.config.schemes import load_scheme
from triage_app.gui.models.gallery_model import GalleryModel, Role
from triage_app.gui.qt import QModelIndex, Qt
from triage_app.review import gallery_rows as gr
from triage_app.review.gallery_rows import GalleryRow
from triage_app.review.tiles import TileFacts

UK = load_scheme("uk")


def _rows() -> list[GalleryRow]:
    """Ten items: a group of three (rep 3), an exact match, an ignorable, a video, a failure."""
    rows = [_row(i) for i in range(1, 11)]
    for i in (2, 3, 4):
        rows[i - 1].cluster, rows[i - 1].cluster_size = 2, 3
        rows[i - 1].representative = i == 3
    rows[4].match_kind, rows[4].match_category = "exact", "A"
    rows[4].grade, rows[4].grade_source = "A", "hash-list exact"
    rows[5].match_kind = "ignorable"
    rows[6].media_type = "video"
    rows[7].status, rows[7].media_type, rows[7].decode_status = "failed", None, None
    rows[8].match_kind, rows[8].match_category, rows[8].match_distance = "near", "B", 3
    return rows


def _ids(model: GalleryModel) -> list[int]:
    return [model.data(model.index(r), Role.ItemIdRole) for r in range(model.rowCount())]


@pytest.fixture
def model(qtmodeltester: ModelTester) -> Iterator[GalleryModel]:
    m = GalleryModel(UK)
    m.set_rows(_rows())
    qtmodeltester.check(m)
    yield m


def test_model_passes_qt_model_tester_through_filters_and_updates(
    qtmodeltester: ModelTester,
) -> None:
    m = GalleryModel(UK)
    qtmodeltester.check(m)
    m.set_rows(_rows())
    m.set_filter(gr.review_queue, collapse=True)
    qtmodeltester.check(m)
    m.update_grades({3: ("C", "manual"), 10: ("NI", "manual")})
    m.update_grades({3: (None, None)})
    m.set_filter(gr.graded(), collapse=False)
    m.update_grades({1: ("B", "manual"), 5: (None, None)})
    qtmodeltester.check(m)


def test_roles(model: GalleryModel) -> None:
    model.set_filter(lambda r: True, collapse=False)
    index = model.index(model.row_of(9))
    assert index.data(Role.ItemIdRole) == 9
    assert index.data(Qt.ItemDataRole.DisplayRole) == "#9"
    assert index.data(Role.MatchRole) == {"kind": "near", "category": "B", "distance": 3}
    assert index.data(Role.GradeRole) is None
    assert isinstance(index.data(Role.RowRole), GalleryRow)
    assert "Item #9" in index.data(Qt.ItemDataRole.ToolTipRole)
    group = model.index(model.row_of(3))
    assert group.data(Role.GroupCountRole) == 3 and group.data(Role.GroupIdRole) == 2
    facts = model.index(model.row_of(5)).data(Role.TileRole)
    assert isinstance(facts, TileFacts) and facts.grade == "A"
    assert model.index(model.row_of(7)).data(Role.MediaTypeRole) == "video"
    assert model.index(model.row_of(7)).data(Role.ThumbnailRole) is None  # videos: never
    assert model.data(QModelIndex(), Role.ItemIdRole) is None
    assert model.flags(index) & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    names = model.roleNames()
    assert names[int(Role.ItemIdRole)].data() == b"ItemIdRole"


def test_review_queue_skips_settled_items_and_collapses_groups(model: GalleryModel) -> None:
    model.set_filter(gr.review_queue, collapse=True)
    # 5 (exact, graded) and 6 (ignorable) are settled; 8 failed (no media); 2 and 4 are
    # group members behind their representative 3.
    assert _ids(model) == [1, 3, 7, 9, 10]


def test_filters(model: GalleryModel) -> None:
    model.set_filter(gr.suggestions, collapse=True)
    assert _ids(model) == [9]
    model.set_filter(gr.exact_matches, collapse=True)
    assert _ids(model) == [5]
    model.set_filter(gr.ignorable, collapse=True)
    assert _ids(model) == [6]
    model.set_filter(gr.failed, collapse=False)
    assert _ids(model) == [8]
    model.set_filter(gr.graded("A"), collapse=True)
    assert _ids(model) == [5]
    model.set_filter(lambda r: True, collapse=False)
    assert _ids(model) == list(range(1, 11)) and model.total == 10


def test_grading_removes_tiles_from_the_queue_and_undo_brings_them_back(
    qtbot: QtBot, model: GalleryModel
) -> None:
    model.set_filter(gr.review_queue, collapse=True)
    with qtbot.waitSignal(model.rowsRemoved):
        model.update_grades({1: ("C", "manual")})
    assert _ids(model) == [3, 7, 9, 10]
    with qtbot.waitSignal(model.rowsInserted):
        model.update_grades({1: (None, None)})
    assert _ids(model) == [1, 3, 7, 9, 10]
    with qtbot.waitSignal(model.dataChanged):
        model.update_grades({12345: ("A", "manual"), 3: (None, None)})


def test_a_group_tile_moves_to_another_member_when_its_shown_member_leaves(
    model: GalleryModel,
) -> None:
    model.set_filter(lambda r: r.grade is None, collapse=True)
    assert 3 in _ids(model) and 2 not in _ids(model)
    model.update_grades({3: ("B", "manual")})
    assert 2 in _ids(model) and 3 not in _ids(model)
    assert [r.item_id for r in model.group_members(model.gallery_row(2) or _row(0))] == [2, 3, 4]
