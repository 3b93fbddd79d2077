"""``audit verify`` holds the tables against the trail: a direct edit is named.

Each test edits one table of a real case with sqlite3, as someone with the
file could, and checks that ``triage audit verify`` fails naming the table and
row, and that reports refuse the case.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from trust_helpers import HostileCase, build_hostile_case

from triage_app.demo.synthetic import png_bytes, scene


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> HostileCase:
    """The hostile case with a QA round second-graded and a sign-off by the supervisor."""
    built = build_hostile_case(tmp_path_factory.mktemp("state"))
    sup = built.as_supervisor()
    built.cli("user", "add", built.case, "--name", "Bob", "--role", "examiner",
              env={**sup, "TRIAGE_NEW_PASSWORD": "bob-pass"})  # fmt: skip
    drawn = built.cli("qa", "sample", built.case, "--examiner", "E", "--second-grader", "Bob",
                      "--count", "A=1", "--seed", "3", "--json", env=sup)  # fmt: skip
    item = drawn.stdout.split('"items": [')[1].split("]")[0].strip().split(",")[0]
    bob = {**built.env, "TRIAGE_USER": "Bob", "TRIAGE_PASSWORD": "bob-pass"}
    built.cli("qa", "grade", built.case, "--round", "1", "--item", item, "--category", "B", env=bob)
    built.cli("signoff", built.case, "--exhibit", "EX/1", env=sup)
    built.cli("note", built.case, "1", "seen on the desktop")  # item_notes row 1
    built.cli("tag", built.case, "2", "chat", "desktop")  # rows 2 and 3
    built.cli("remove-note", built.case, "3", "--reason", "wrong tag")
    more = built.evidence.parent / "more"  # a second exhibit whose one item stays ungraded
    more.mkdir()
    (more / "y.png").write_bytes(png_bytes(scene(np.random.default_rng(11), (96, 72))))
    built.cli("ingest", built.case, more, "--exhibit", "EX/2", "--no-progress")
    assert built.cli("audit", "verify", built.case).returncode == 0
    return built


EDITS = {
    "grades": ("UPDATE grades SET category = 'C' WHERE item_id = 1", "grades: item 1: is C"),
    "grade_history": (
        "UPDATE grade_history SET new_category = 'A' WHERE item_id = 2",
        "grade_history: change",
    ),
    "users.role": (
        "UPDATE users SET role = 'supervisor' WHERE name = 'Bob'",
        "users: Bob: has role 'supervisor'; the trail says 'examiner'",
    ),
    "qa_second_grades": ("UPDATE qa_second_grades SET category = 'C'", "qa_second_grades: round 1"),
    "sign_offs": ("UPDATE sign_offs SET note = 'all fine'", "sign_offs: exhibit EX/1"),
    "a grade inserted": (
        "INSERT INTO grades (item_id, category, source, user_id, time_utc) "
        "VALUES (7, 'A', 'manual', 1, '2026-01-01T00:00:00.000000Z')",
        "grades: item 7: is graded A in the database but the trail leaves it ungraded",
    ),
    "item_notes": (
        "UPDATE item_notes SET text = 'nothing to see' WHERE id = 1",
        "item_notes: note 1 of item 1: is note 'nothing to see' on item 1 by E; the trail "
        "says note 'seen on the desktop' on item 1 by E",
    ),
    "item_notes.removed": (
        "UPDATE item_notes SET removed_at = NULL, removed_by = NULL WHERE id = 3",
        "item_notes: tag 3 of item 2: is not marked removed; the trail says it was removed",
    ),
    "a tag inserted": (
        "INSERT INTO item_notes (item_id, kind, text, user_id, time_utc, audit_seq) "
        "VALUES (4, 'tag', 'planted', 1, '2026-01-01T00:00:00.000000Z', 5)",
        "item_notes: tag 4 of item 4: no entry of the trail records it",
    ),
    "a note deleted": (
        "DROP TRIGGER item_notes_no_delete; DELETE FROM item_notes WHERE id = 1",
        "item_notes: note 1 of item 1: is missing (deleted?)",
    ),
    "an item edited": (
        "UPDATE items SET md5 = '00000000000000000000000000000000' WHERE id = 3",
        "items: exhibit EX/1",
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_direct_edit_fails_verification_naming_the_row(
    prepared: HostileCase, tmp_path: Path, edit: str
) -> None:
    sql, named = EDITS[edit]
    if edit in ("qa_second_grades", "sign_offs"):  # their rows are append-only: lift it
        table = edit
        sql = f"DROP TRIGGER IF EXISTS {table}_no_update; {sql}"
    case = tmp_path / "case"
    shutil.copytree(prepared.case, case)
    with sqlite3.connect(case / "case.db") as con:
        con.executescript(sql)
    result = prepared.cli("audit", "verify", case, check=False)
    assert result.returncode == 1, result.stdout
    assert "THE CASE DIFFERS FROM ITS AUDIT TRAIL" in result.stdout
    assert named in result.stdout, result.stdout
    report = prepared.cli("report", case, "--format", "csv", "--out", tmp_path / "r.csv",
                          check=False)  # fmt: skip
    assert report.returncode != 0 and "differs from its audit trail" in report.stderr
    assert not (tmp_path / "r.csv").exists()
