"""Fixtures for the GUI tests: a small real demo case, a signed-in window, clean teardown."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.helpers import image_items, open_window
from triage_app.case.session import CaseSession
from triage_app.demo.build import DEMO_EXAMINER, DEMO_PASSWORD, DEMO_SUPERVISOR, build_demo_case
from triage_app.domain.records import MatchRecord
from triage_app.gui.window.main_window import MainWindow
from triage_app.gui.workers import our_threads
from triage_app.review import grading
from triage_app.review.grading import apply_list_grades

#: Qt messages that the offscreen platform prints and that say nothing about our code.
BENIGN_QT_MESSAGES = ("This plugin does not support propagateSizeHints()",)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo case with real ingested (synthetic) images and thumbnails, built once."""
    case = tmp_path_factory.mktemp("demo") / "case"
    build_demo_case(case, images=16)
    return case


@pytest.fixture
def demo_case(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo case."""
    target = tmp_path / "case"
    shutil.copytree(demo_template, target, ignore=shutil.ignore_patterns(".ingest.lock"))
    return target


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """GUI tests fail on any Qt warning (pytest-qt's qt_log_level_fail), but benign ones."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*BENIGN_QT_MESSAGES))


@pytest.fixture(autouse=True)
def _no_threads_left() -> Iterator[None]:
    """Fail a test that leaves worker threads running (windows are closed before this runs)."""
    yield
    assert our_threads() == [], "worker threads left running"


@pytest.fixture
def window(qtbot: QtBot, demo_case: Path, tmp_path: Path) -> Iterator[MainWindow]:
    """The workstation signed in to a copy of the demo case."""
    w = open_window(qtbot, demo_case, tmp_path / "library.db")
    yield w
    w.close()


@pytest.fixture
def matched_case(demo_case: Path) -> tuple[Path, dict[str, int]]:
    """The demo case with an exact list match (graded from the list), a near-match
    suggestion and an ignorable item, as a match run would leave them.

    Returns the case folder and the item ids by role.
    """
    with CaseSession.sign_in(demo_case, DEMO_EXAMINER, DEMO_PASSWORD) as session:
        clusters = session.review.clusters()
        singles = [r.id for r in image_items(demo_case) if r.id not in clusters]
        chosen = {"exact": singles[0], "near": singles[1], "ignorable": singles[2]}
        session.store.record_match_run(
            started_at="2026-01-01T00:00:00Z",
            hash_sets=[{"name": "test-list", "fingerprint": "f" * 64, "role": "known"}],
            thresholds={"phash": 10},
            matches=[
                MatchRecord(chosen["exact"], "exact", "test-list", "f" * 64, 1, "A", "A", 0,
                            "md5"),
                MatchRecord(chosen["near"], "near", "test-list", "f" * 64, 2, "B", "B", 4,
                            "phash", details={"entry": {"line": 7, "name": "entry seven"}}),
                MatchRecord(chosen["ignorable"], "ignorable", "nsrl", "e" * 64, 3, None,
                            None, 0, "sha1"),
            ],
            actor=session.actor,
        )  # fmt: skip
        apply_list_grades(session)
    return demo_case, chosen


@pytest.fixture
def graded_case(demo_case: Path) -> Path:
    """The demo case with six images graded by hand by the demo examiner."""
    with CaseSession.sign_in(demo_case, DEMO_EXAMINER, DEMO_PASSWORD) as s:
        for n, row in enumerate(image_items(demo_case)[:6]):
            grading.grade(s, [row.id], "ABC"[n % 3])
    return demo_case


@pytest.fixture
def supervisor(qtbot: QtBot, graded_case: Path, tmp_path: Path) -> Iterator[MainWindow]:
    """The workstation signed in as the demo supervisor."""
    w = open_window(qtbot, graded_case, tmp_path / "library.db", login=DEMO_SUPERVISOR)
    yield w
    w.close()
