"""Where an output may go: the checks made before anything is written."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from triage_app.domain.errors import ExportError
from triage_app.files.output_target import Protected, ProtectedNames, check_output_target


def _protected(tmp_path: Path) -> Protected:
    case = tmp_path / "case"
    case.mkdir()
    (case / "case.json").write_text("{}")
    evidence = tmp_path / "evidence"
    (evidence / "sub").mkdir(parents=True)
    return Protected(
        ((evidence, "the source folder of exhibit X/1"),),
        (ProtectedNames(case, ("case.json",), ("case.db",), "the case's own files"),),
    )


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("evidence/sub/new.csv", "inside the source folder of exhibit X/1"),
        ("evidence", "inside the source folder"),
        ("case/case.db-wal", "the case's own files"),
        ("case/case.json", "the case's own files"),
        ("nowhere/at/all.csv", "does not exist"),
        ("some.db", "is a database"),
        ("pipe", "not a regular file"),
        ("link.csv", "symbolic link"),
        (".", "is a folder"),
    ],
)
def test_wrong_targets_are_refused(tmp_path: Path, where: str, says: str) -> None:
    protected = _protected(tmp_path)
    sqlite3.connect(tmp_path / "some.db").execute("CREATE TABLE t (x)").connection.close()
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link.csv").symlink_to(tmp_path / "evidence" / "sub")
    with pytest.raises(ExportError, match=says):
        check_output_target(tmp_path / where, protected)


def test_a_device_is_refused() -> None:
    with pytest.raises(ExportError, match="not a regular file"):
        check_output_target(Path("/dev/null"), Protected())


def test_a_new_name_or_an_ordinary_file_is_fine(tmp_path: Path) -> None:
    protected = _protected(tmp_path)
    (tmp_path / "old.csv").write_text("old")
    assert check_output_target(tmp_path / "new.csv", protected) == tmp_path.resolve() / "new.csv"
    assert check_output_target(tmp_path / "old.csv", protected).name == "old.csv"
