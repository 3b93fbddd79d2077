"""The hash chain: verifying a case's trail, and detecting every kind of tampering."""

from __future__ import annotations

import sqlite3

import pytest
from audit_helpers import audit_table, busy_case, case_db, drop_triggers, verify_cli

from triage_app import audit
from triage_app.storage.case_store import CaseStore


def test_verify_prints_the_head_of_an_intact_chain(store: CaseStore) -> None:
    case = busy_case(store)
    code, out = verify_cli(case)
    assert code == 0, out
    rows = audit_table(case)
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
    case = busy_case(store)
    assert verify_cli(case)[0] == 0
    with case_db(case) as con:
        drop_triggers(con)
        bad = tamper(con)
    code, out = verify_cli(case)
    assert code == 1, out
    assert f"AUDIT TRAIL BROKEN at entry {bad}:" in out, out


def test_a_cut_tail_shows_against_a_recorded_head(store: CaseStore) -> None:
    case = busy_case(store)
    last_seq, last_hash = audit_table(case)[-1][0], audit_table(case)[-1][7]
    with case_db(case) as con:
        drop_triggers(con)
        con.execute("DELETE FROM audit_log WHERE seq > ?", (int(str(last_seq)) - 3,))
    code, out = verify_cli(case, "--expect-head", f"{last_seq}:{last_hash}")
    assert code == 1
    assert "rewritten" in out or "cut" in out, out
