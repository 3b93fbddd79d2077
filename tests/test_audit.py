"""The audit trail: what is logged, the append-only triggers, and tamper detection."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import TEST_PASSWORD, TEST_USER, run_cli
from review_helpers import add_items

from triage_app import audit
from triage_app.audit.chain import verify_rows
from triage_app.case.session import CaseSession
from triage_app.review import grading
from triage_app.storage.case_store import CaseStore


def _busy_case(store: CaseStore) -> Path:
    ids = add_items(store, 4)
    with CaseSession.sign_in(store.case_dir, TEST_USER, TEST_PASSWORD) as s:
        grading.grade(s, ids[:2], "C")
        grading.grade(s, [ids[0]], "A", reason="closer look")
    store.close()
    return store.case_dir


def _db(case: Path) -> sqlite3.Connection:
    return sqlite3.connect(case / "case.db", isolation_level=None)


def _drop_triggers(con: sqlite3.Connection) -> None:
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("DROP TRIGGER audit_log_no_delete")


def _rows(case: Path) -> list[tuple[object, ...]]:
    with _db(case) as con:
        return list(con.execute("SELECT * FROM audit_log ORDER BY seq"))


def _verify_cli(case: Path, *extra: str) -> tuple[int, str]:
    result = run_cli("audit", "verify", case, *extra, check=False)
    return result.returncode, result.stdout + result.stderr


def test_actions_are_logged_with_who_what_before_after(store: CaseStore) -> None:
    case = _busy_case(store)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as s:
        rows = list(s.review.audit_rows())
    actions = [r.action for r in rows]
    assert actions[0] == audit.CASE_CREATED
    expected_actions = (
        audit.INGEST_STARTED,
        audit.INGEST_FINISHED,
        audit.SIGN_IN,
        audit.CASE_OPENED,
        audit.GRADE,
        audit.GRADE_AMENDED,
        audit.CASE_CLOSED,
    )
    for expected in expected_actions:
        assert expected in actions, expected
    amended = next(r for r in rows if r.action == audit.GRADE_AMENDED)
    payload = json.loads(amended.payload)
    assert payload["before"]["category"] == "C"
    assert payload["after"] == {"category": "A", "source": "manual"}
    assert payload["reason"] == "closer look"
    assert amended.user == TEST_USER
    assert verify_rows(rows).ok


def test_refused_sign_in_is_logged(store: CaseStore) -> None:
    store.close()
    result = run_cli("items", store.case_dir, "--json", env_password="wrong")
    assert result.returncode == 4
    assert "sign-in refused" in result.stderr
    rows = _rows(store.case_dir)
    assert rows[-1][3] == audit.SIGN_IN_REFUSED
    assert json.loads(str(rows[-1][5]))["reason"] == "wrong password"


def test_triggers_reject_update_and_delete(store: CaseStore) -> None:
    case = _busy_case(store)
    with _db(case) as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE audit_log SET user = 'someone else' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM audit_log WHERE seq = 2")


def test_verify_prints_the_head_of_an_intact_chain(store: CaseStore) -> None:
    case = _busy_case(store)
    code, out = _verify_cli(case)
    assert code == 0, out
    rows = _rows(case)
    head_line = next(line for line in out.splitlines() if line.startswith("head "))
    seq, digest = head_line.split()[1:]
    # The head is the last entry verified; only the command's own "case closed" follows it.
    assert rows[int(seq) - 1][7] == digest
    assert int(seq) == len(rows) - 1 and rows[-1][3] == audit.CASE_CLOSED


def _tamper_edit(con: sqlite3.Connection) -> int:
    con.execute("UPDATE audit_log SET payload = replace(payload, 'closer look', 'nothing') "
                "WHERE action = 'grade amended'")  # fmt: skip
    return int(con.execute("SELECT seq FROM audit_log WHERE action='grade amended'").fetchone()[0])


def _tamper_delete(con: sqlite3.Connection) -> int:
    con.execute("DELETE FROM audit_log WHERE seq = 5")
    return 5


def _tamper_delete_and_renumber(con: sqlite3.Connection) -> int:
    con.execute("DELETE FROM audit_log WHERE seq = 5")
    con.execute("UPDATE audit_log SET seq = seq - 1 WHERE seq > 5")
    return 5


def _tamper_insert(con: sqlite3.Connection) -> int:
    con.execute("UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 4")
    con.execute("UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1004")
    prev = con.execute("SELECT hash FROM audit_log WHERE seq = 3").fetchone()[0]
    payload = '{"reason":"forged"}'
    digest = audit.entry_hash(
        4, "2026-01-01T00:00:00Z", "intruder", "grade", "item 1", payload, prev
    )
    con.execute("INSERT INTO audit_log VALUES (4, '2026-01-01T00:00:00Z', 'intruder', 'grade', "
                "'item 1', ?, ?, ?)", (payload, prev, digest))  # fmt: skip
    return 5


def _tamper_reorder(con: sqlite3.Connection) -> int:
    row4 = con.execute("SELECT * FROM audit_log WHERE seq = 4").fetchone()
    row5 = con.execute("SELECT * FROM audit_log WHERE seq = 5").fetchone()
    con.execute("DELETE FROM audit_log WHERE seq IN (4, 5)")
    con.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?)", (4, *row5[1:]))
    con.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?)", (5, *row4[1:]))
    return 4


@pytest.mark.parametrize(
    "tamper",
    [_tamper_edit, _tamper_delete, _tamper_delete_and_renumber, _tamper_insert, _tamper_reorder],
    ids=["edited", "deleted", "deleted-renumbered", "inserted", "reordered"],
)
def test_verify_names_the_first_bad_entry(store: CaseStore, tamper) -> None:  # type: ignore[no-untyped-def]
    case = _busy_case(store)
    assert _verify_cli(case)[0] == 0
    with _db(case) as con:
        _drop_triggers(con)
        bad = tamper(con)
    code, out = _verify_cli(case)
    assert code == 1, out
    assert f"AUDIT TRAIL BROKEN at entry {bad}:" in out, out


def test_a_cut_tail_shows_against_a_recorded_head(store: CaseStore) -> None:
    case = _busy_case(store)
    last_seq, last_hash = _rows(case)[-1][0], _rows(case)[-1][7]
    with _db(case) as con:
        _drop_triggers(con)
        con.execute("DELETE FROM audit_log WHERE seq > ?", (int(str(last_seq)) - 3,))
    code, out = _verify_cli(case, "--expect-head", f"{last_seq}:{last_hash}")
    assert code == 1
    assert "rewritten" in out or "cut" in out, out


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_is_atomic_hashed_and_logged(store: CaseStore, tmp_path: Path, fmt: str) -> None:
    case = _busy_case(store)
    out_file = tmp_path / f"audit.{fmt}"
    result = run_cli("audit", "export", case, "--out", out_file, "--format", fmt)
    digest = hashlib.sha256(out_file.read_bytes()).hexdigest()
    assert f"sha256 {digest}" in result.stdout
    if fmt == "json":
        rows = json.loads(out_file.read_text())
    else:
        rows = list(csv.DictReader(out_file.read_text().splitlines()))
    assert int(rows[0]["seq"]) == 1 and rows[0]["action"] == audit.CASE_CREATED
    logged = [r for r in _rows(case) if r[3] == audit.EXPORT]
    assert json.loads(str(logged[-1][5]))["sha256"] == digest
    assert not list(tmp_path.glob("*.part"))
