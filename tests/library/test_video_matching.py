"""Videos through an own list: graded originals exported, imported into a fresh library,
then re-encoded, scaled, greyscale, logo-laid, trimmed and longer copies in a new case are
suggested as near matches; unrelated films are not; an exact copy stays exact."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_PASSWORD, TEST_USER
from media.video_helpers import UNRELATED, VARIANTS, write

from triage_app.case.session import CaseSession
from triage_app.hashsets.frame_hashes import FRAME_HASHES, parse_frames
from triage_app.ingest.pipeline import IngestOptions, ingest
from triage_app.library.importer import import_hash_list
from triage_app.library.video_matcher import VIDEO_FRAME, VIDEO_FRAMES
from triage_app.reports import export_hash_list
from triage_app.review import grading
from triage_app.review.refresh import refresh
from triage_app.storage.case_store import CaseStore
from triage_app.storage.library_store import LibraryStore


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("films")
    for name in ("original.mp4", *VARIANTS, *UNRELATED):
        write(folder, name)
    return folder


def _new_case(folder: Path, ref: str, password_hash: str) -> Path:
    CaseStore.create(folder, reference=ref, examiner=TEST_USER, password_hash=password_hash).close()
    return folder


def _graded_first_case(
    films: Path, tmp_path: Path, password_hash: str
) -> tuple[Path, Path, dict[str, Any]]:
    seized = tmp_path / "seized1"
    seized.mkdir()
    shutil.copy(films / "original.mp4", seized / "clip.mp4")
    shutil.copy(films / UNRELATED[1], seized / "holiday.avi")
    case = _new_case(tmp_path / "case1", "OP-VID-1", password_hash)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        ingest(session.store, seized, "V/1", IngestOptions(workers=1), actor=session.actor)
        by_name = {i.record.path.decode(): i for i in session.store.iter_items()}
        grading.grade(session, [by_name["clip.mp4"].id], "A")
        grading.grade(session, [by_name["holiday.avi"].id], "NI")
        csv_out, vics_out = tmp_path / "lab.csv", tmp_path / "lab.json"
        export_hash_list(session, csv_out)
        export_hash_list(session, vics_out, fmt="vics")
    return csv_out, vics_out, {n: i.record for n, i in by_name.items()}


def test_exported_list_carries_the_frame_hashes(
    films: Path, tmp_path: Path, test_password_hash: str
) -> None:
    csv_out, vics_out, records = _graded_first_case(films, tmp_path, test_password_hash)
    rows = list(
        csv.DictReader(line for line in csv_out.read_text().splitlines() if line[:1] != "#")
    )
    clip = next(r for r in rows if r["name"] == "clip.mp4")
    frames = parse_frames(clip[FRAME_HASHES])
    assert len(frames) == records["clip.mp4"].frames_sampled >= 3
    assert frames[0].phash == records["clip.mp4"].phash
    assert all(f.pdq for f in frames)
    media = json.loads(vics_out.read_text())["value"][0]["Media"]
    clip_media = next(m for m in media if m["MD5"] == clip["md5"].upper())
    assert clip_media["MimeType"] == "video/mp4"
    names = {a["HashName"] for a in clip_media["AlternativeHashes"]}
    assert FRAME_HASHES in names


def test_variants_are_suggested_through_the_reimported_list(
    films: Path, tmp_path: Path, test_password_hash: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_out, _vics, _records = _graded_first_case(films, tmp_path, test_password_hash)
    fresh = tmp_path / "fresh-library.db"
    with LibraryStore.open(fresh) as library:
        result = import_hash_list(library, csv_out, name="lab", scheme="uk")
        assert not [w for w in result.report.warnings if FRAME_HASHES in w]
    seized = tmp_path / "seized2"
    seized.mkdir()
    for name in ("original.mp4", *VARIANTS, UNRELATED[0]):
        shutil.copy(films / name, seized / name)
    case = _new_case(tmp_path / "case2", "OP-VID-2", test_password_hash)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        ingest(session.store, seized, "W/1", IngestOptions(workers=1), actor=session.actor)
        refresh(session, fresh)
        items = {i.record.path.decode(): i for i in session.store.iter_items()}
        grades = session.review.grades()
    exact = items["original.mp4"]
    assert exact.match is not None and exact.match.kind == "exact"
    assert grades[exact.id].category == "A"
    for name in VARIANTS:
        match = items[name].match
        assert match is not None and match.kind == "near", name
        assert match.category == "A", name
        assert items[name].id not in grades or grades[items[name].id].source != "list", name
        assert match.matched_on == VIDEO_FRAMES, name
        assert "frames matched" in match.details["variant"], name
    assert items[UNRELATED[0]].match is None


def test_a_frame_showing_a_known_image_is_suggested_with_its_time(
    films: Path, tmp_path: Path, test_password_hash: str
) -> None:
    from media.video_helpers import ORIGINAL
    from PIL import Image

    from triage_app.media.perceptual import compute_bundle

    still = Image.fromarray(ORIGINAL.frame(2.0))  # a still of the film's second scene
    bundle = compute_bundle(still)
    listed = tmp_path / "stills.csv"
    listed.write_text(f"phash,dhash,category,name\n{bundle['phash']},{bundle['dhash']},B,still\n")
    library_file = tmp_path / "lib.db"
    with LibraryStore.open(library_file) as library:
        import_hash_list(library, listed, name="stills", scheme="uk")
    seized = tmp_path / "seized3"
    seized.mkdir()
    shutil.copy(films / "original.mp4", seized / "film.mp4")
    shutil.copy(films / UNRELATED[0], seized / "other.mp4")
    case = _new_case(tmp_path / "case3", "OP-VID-3", test_password_hash)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        ingest(session.store, seized, "S/1", IngestOptions(workers=1), actor=session.actor)
        refresh(session, library_file)
        items = {i.record.path.decode(): i for i in session.store.iter_items()}
    match = items["film.mp4"].match
    assert match is not None and (match.kind, match.matched_on) == ("near", VIDEO_FRAME)
    assert match.details["variant"] == "frame at 2.000 s"
    assert items["other.mp4"].match is None


def test_an_animated_gif_cut_from_a_known_video_is_suggested(
    films: Path, tmp_path: Path, test_password_hash: str
) -> None:
    """Animated images go the video's way: a GIF of the known film's frames (scaled, 256
    colours) is a near suggestion through the re-imported list; a GIF of another film is not."""
    import io

    from media.video_helpers import ORIGINAL, OTHER
    from PIL import Image

    def gif(scene: Any) -> bytes:
        frames = [Image.fromarray(scene.frame(t / 2)).resize((320, 240)) for t in range(8)]
        out = io.BytesIO()
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=500)
        return out.getvalue()

    csv_out, _vics, _records = _graded_first_case(films, tmp_path, test_password_hash)
    fresh = tmp_path / "fresh-library.db"
    with LibraryStore.open(fresh) as library:
        import_hash_list(library, csv_out, name="lab", scheme="uk")
    seized = tmp_path / "seized4"
    seized.mkdir()
    (seized / "cut.gif").write_bytes(gif(ORIGINAL))
    (seized / "other.gif").write_bytes(gif(OTHER))
    case = _new_case(tmp_path / "case4", "OP-VID-4", test_password_hash)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        ingest(session.store, seized, "G/1", IngestOptions(workers=1), actor=session.actor)
        refresh(session, fresh)
        items = {i.record.path.decode(): i for i in session.store.iter_items()}
    cut = items["cut.gif"]
    assert cut.record.media_type == "image" and (cut.record.frames_sampled or 0) > 1
    assert cut.match is not None and (cut.match.kind, cut.match.matched_on) == (
        "near",
        VIDEO_FRAMES,
    )
    assert cut.match.category == "A"
    assert items["other.gif"].match is None
