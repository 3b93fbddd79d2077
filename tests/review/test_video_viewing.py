"""A video is graded once its frame strip exists, or with "graded without viewing"."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEST_PASSWORD, TEST_USER
from media.video_helpers import write

from triage_app.case.session import CaseSession
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.review import grading
from triage_app.review.video_viewing import UnviewedVideoError
from triage_app.storage.case_store import CaseStore


def test_only_a_video_with_a_strip_is_graded_without_a_reason(
    tmp_path: Path, test_password_hash: str
) -> None:
    seized = tmp_path / "seized"
    seized.mkdir()
    write(seized, "original.mp4")
    (seized / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x11" * 5000)
    case = tmp_path / "case"
    CaseStore.create(
        case, reference="OP-S", examiner=TEST_USER, password_hash=test_password_hash
    ).close()
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        ingest(session.store, seized, "S/1", IngestOptions(workers=1), actor=session.actor)
        ids = {i.record.path.decode(): i.id for i in session.store.iter_items()}
        assert session.store.thumbnail(ids["original.mp4"]) is not None  # the frame strip
        grading.grade(session, [ids["original.mp4"]], "B")
        with pytest.raises(UnviewedVideoError, match="graded without viewing"):
            grading.grade(session, [ids["broken.mp4"]], "B")
        with pytest.raises(UnviewedVideoError, match="say why"):
            grading.grade(session, [ids["broken.mp4"]], "B", reason="graded without viewing")
        grading.grade(
            session, [ids["broken.mp4"]], "B", reason="graded without viewing: file name only"
        )
        grades = session.review.grades()
    assert grades[ids["original.mp4"]].category == "B"
    assert grades[ids["broken.mp4"]].reason == "graded without viewing: file name only"
