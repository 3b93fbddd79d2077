"""Near-duplicate groups of videos: copies of a film group with it, other films do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEST_PASSWORD, TEST_USER
from media.video_helpers import UNRELATED, VARIANTS, write

from triage_app.case.session import CaseSession
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.review.groups import compute_groups
from triage_app.storage.case_store import CaseStore


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("films")
    for name in ("original.mp4", *VARIANTS, *UNRELATED):
        write(folder, name)
    return folder


def test_copies_of_a_film_form_one_near_group(
    films: Path, tmp_path: Path, test_password_hash: str
) -> None:
    case = tmp_path / "case"
    CaseStore.create(
        case, reference="OP-G", examiner=TEST_USER, password_hash=test_password_hash
    ).close()
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        ingest(session.store, films, "G/1", IngestOptions(workers=1), actor=session.actor)
        compute_groups(session)
        clusters = session.review.clusters()
        names = {i.id: i.record.path.decode() for i in session.store.iter_items()}
    group_of = {names[i]: c[0] for i, c in clusters.items()}
    original = group_of["original.mp4"]
    for name in VARIANTS:
        assert group_of.get(name) == original, name
    assert clusters[next(i for i, n in names.items() if n == "original.mp4")][1] == "near"
    for name in UNRELATED:
        assert group_of.get(name) != original, name
