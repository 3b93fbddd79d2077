"""Lab mode against a real PostgreSQL server: roles, tampering, locks, upgrades, parity."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli

from lab.conftest import DBA_APP, OWNER, PASSWORDS, Cluster
from lab.helpers import EXAMINERS, SUPERVISOR, as_user, make_case, write_images


def _grade(case: Path, item: int, category: str, who: str = SUPERVISOR) -> None:
    run_cli("grade", case, "--item", str(item), "--category", category, env=as_user(who))


def _verify(case: Path) -> tuple[int, str]:
    result = run_cli("audit", "verify", case, env=as_user(SUPERVISOR), check=False)
    return result.returncode, result.stdout + result.stderr


def test_case_json_holds_no_password_and_a_password_in_the_url_is_refused(
    pg: Cluster, tmp_path: Path
) -> None:
    db = pg.lab_database()
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E", "--database-url", pg.url(db))
    marker = json.loads((case / "case.json").read_text())
    assert marker["database_url"].startswith("postgresql+psycopg://triage_app@/")
    assert PASSWORDS["triage_app"] not in (case / "case.json").read_text()
    with_password = pg.url(db).replace("triage_app@", f"triage_app:{PASSWORDS['triage_app']}@")
    refused = run_cli("case", "create", tmp_path / "c2", "--ref", "R", "--examiner", "E",
                      "--database-url", with_password, check=False)  # fmt: skip
    assert refused.returncode == 2 and "pgpass" in refused.stderr
    assert PASSWORDS["triage_app"] not in refused.stderr
    assert not (tmp_path / "c2").exists()


def test_the_application_role_cannot_touch_the_audit_log(pg: Cluster, tmp_path: Path) -> None:
    db = pg.lab_database()
    case = tmp_path / "case"
    make_case(case, pg.url(db), _evidence(tmp_path, 2))
    for sql in (
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_no_update ON audit_log",
        "UPDATE audit_log SET action = 'x' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
        "TRUNCATE audit_log",
        "SET session_replication_role = replica",
        "UPDATE sign_offs SET note = 'x'",
        "ALTER TABLE grades OWNER TO triage_app",
    ):
        refused = pg.psql(sql, db, "triage_app", check=False)
        assert refused.returncode != 0, sql
        assert "permission denied" in refused.stderr or "must be owner" in refused.stderr, sql
    assert _verify(case)[0] == 0
    again = run_cli("lab", "init", pg.url(db, OWNER), "--no-app-password")
    assert "application role triage_app granted its rights" in again.stdout
    # What the application role cannot do, a superuser can: and the trail names the row.
    pg.psql(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; "
        "UPDATE audit_log SET \"user\" = 'Someone Else' WHERE seq = 3; "
        "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update",
        db,
    )
    code, said = _verify(case)
    assert code == 1 and "AUDIT TRAIL BROKEN at entry 3" in said


def test_a_grade_edited_in_psql_is_named_by_audit_verify(pg: Cluster, tmp_path: Path) -> None:
    db = pg.lab_database()
    case = tmp_path / "case"
    items = make_case(case, pg.url(db), _evidence(tmp_path, 3), EXAMINERS[:1])
    _grade(case, items[1], "C", EXAMINERS[0])
    assert _verify(case)[0] == 0
    # The application role may change grades (that is its job), but not behind the trail.
    pg.psql(f"UPDATE grades SET category = 'A' WHERE item_id = {items[1]}", db, "triage_app")
    code, said = _verify(case)
    assert code == 1 and "THE CASE DIFFERS FROM ITS AUDIT TRAIL" in said
    assert f"item {items[1]}" in said, said


def test_ingest_is_locked_in_the_database(pg: Cluster, tmp_path: Path) -> None:
    from triage_app.storage.case_store import CaseStore

    db = pg.lab_database()
    case = tmp_path / "case"
    make_case(case, pg.url(db), _evidence(tmp_path, 2))
    with CaseStore.open(case) as store, store.ingest_lock():
        second = _evidence(tmp_path / "more", 2, seed=9)
        busy = run_cli("ingest", case, second, "--exhibit", "EX/2", env=as_user(SUPERVISOR),
                       check=False)  # fmt: skip
    assert busy.returncode == 3 and "another ingest is running" in busy.stderr
    assert not (case / ".ingest.lock").exists()
    run_cli("ingest", case, second, "--exhibit", "EX/2", env=as_user(SUPERVISOR))


def test_an_older_schema_is_upgraded_only_after_a_backup(pg: Cluster, tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from triage_app.storage import migrate

    db = pg.lab_database()
    case = tmp_path / "case"
    # No ingest: going down a revision drops columns an ingest would have filled.
    run_cli("case", "create", case, "--ref", "R", "--examiner", SUPERVISOR, "--database-url",
            pg.url(db), env=as_user(SUPERVISOR))  # fmt: skip
    owner_url = pg.url(db, OWNER)
    engine = create_engine(owner_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        command.downgrade(migrate.CASE.config(conn), "-1")
    engine.dispose()
    older = pg.psql("SELECT version_num FROM alembic_version", db).stdout.strip()
    assert older != migrate.CASE.head

    refused = run_cli("status", case, env=as_user(SUPERVISOR), check=False)
    assert refused.returncode == 2 and "pg_dump --format=custom" in refused.stderr
    assert "triage lab upgrade" in refused.stderr
    no_backup = run_cli("lab", "upgrade", owner_url, check=False)
    assert (
        no_backup.returncode == 2
        and "pg_dump" in no_backup.stderr
        and "--backed-up" in no_backup.stderr
    )
    assert pg.psql("SELECT version_num FROM alembic_version", db).stdout.strip() == older
    done = run_cli("lab", "upgrade", owner_url, "--backed-up")
    assert f"from schema {older} to {migrate.CASE.head}" in done.stdout
    run_cli("status", case, env=as_user(SUPERVISOR))
    code, said = _verify(case)
    assert code == 0, said


def test_a_dba_runs_the_printed_sql(pg: Cluster, tmp_path: Path) -> None:
    db = pg.new_database()
    printed = run_cli("lab", "init", f"postgresql://{OWNER}@nowhere.invalid/{db}",
                      "--app-role", DBA_APP, "--print-sql").stdout  # fmt: skip
    assert "CREATE TABLE audit_log" in printed and "REVOKE UPDATE, DELETE ON audit_log" in printed
    script = tmp_path / "setup.sql"
    script.write_text(printed)
    pg.psql(f"CREATE ROLE {DBA_APP} LOGIN PASSWORD '{PASSWORDS[DBA_APP]}'")
    body = printed.replace(f'CREATE ROLE "{DBA_APP}"', f'-- CREATE ROLE "{DBA_APP}"')
    script.write_text(body)
    result = pg.psql_file(script, db, OWNER)
    assert result.returncode == 0, result.stderr
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E",
            "--database-url", pg.url(db, DBA_APP))  # fmt: skip
    assert "audit trail intact" in run_cli("audit", "verify", case).stdout
    denied = pg.psql("UPDATE audit_log SET action = 'x'", db, DBA_APP, check=False)
    assert denied.returncode != 0 and "permission denied" in denied.stderr


def test_a_missing_password_is_asked_for(
    pg: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage_app.domain.errors import CaseError
    from triage_app.storage import lab_url
    from triage_app.storage.case_store import CaseStore

    db = pg.lab_database()
    case = tmp_path / "case"
    make_case(case, pg.url(db), _evidence(tmp_path, 1))
    empty = tmp_path / "empty-pgpass"
    empty.write_text("")
    empty.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(empty))
    monkeypatch.setattr(lab_url, "_asked", {})
    monkeypatch.setattr(lab_url, "password_prompt", lambda _who: None)
    with pytest.raises(CaseError, match="asks for a password"):
        CaseStore.open(case).close()
    asked: list[str] = []
    monkeypatch.setattr(
        lab_url, "password_prompt", lambda who: asked.append(who) or PASSWORDS["triage_app"]
    )
    with CaseStore.open(case) as store:
        assert store.summary().reference == "LAB-1"
    assert asked == ["triage_app"]


def test_the_main_flow_counts_the_same_on_sqlite_and_postgresql(
    pg: Cluster, tmp_path: Path
) -> None:
    source = _evidence(tmp_path, 8)
    (source / "notes.txt").write_text("not an image\n")
    outcomes = {}
    for kind, url in (("sqlite", None), ("postgresql", pg.url(pg.lab_database()))):
        case = tmp_path / kind
        items = make_case(case, url, source, EXAMINERS[:1])
        for item, category in zip(items[:4], "ABCA", strict=True):
            _grade(case, item, category, EXAMINERS[0])
        status = json.loads(run_cli("status", case, "--json", env=as_user(SUPERVISOR)).stdout)
        report = tmp_path / f"{kind}.csv"
        run_cli("report", case, "--format", "csv", "--out", report, env=as_user(SUPERVISOR))
        rows = _report_rows(report.read_text(encoding="utf-8-sig"))
        code, said = _verify(case)
        assert code == 0, said
        outcomes[kind] = (status, rows)
    assert outcomes["sqlite"][0] == outcomes["postgresql"][0]
    assert outcomes["sqlite"][1] == outcomes["postgresql"][1]
    status, rows = outcomes["sqlite"]
    assert status["items"] == 9 and status["graded"] == 4
    graded = [r for r in rows if r.get("section") == "item" and r.get("category")]
    assert len(graded) == 4
    print(f"\nsame on both: {json.dumps(status)}; report rows {len(rows)}")


#: Report cells that differ between two runs (clock and hash of the clock).
_WHEN = {"generated_at", "graded_at", "changed_at", "imported_at", "modified_utc"}


def _report_rows(text: str) -> list[dict[str, str]]:
    """The CSV report's sections as rows keyed by their section's header, times left out."""
    rows: list[dict[str, str]] = []
    header: list[str] = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if row[0] == "section":
            header = row
            continue
        if row[0] == "report" and row[1] in (*_WHEN, "audit_head_hash"):
            continue
        rows.append({k: v for k, v in zip(header, row, strict=False) if k not in _WHEN})
    return rows


def _evidence(tmp_path: Path, count: int, seed: int = 3) -> Path:
    folder = tmp_path / "evidence"
    write_images(folder, count, seed)
    return folder


def test_a_libpq_service_names_the_database(
    pg: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = pg.lab_database()
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[op_alder]\nhost={pg.socket}\ndbname={db}\nuser=triage_app\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E",
            "--database-url", "postgresql:///?service=op_alder")  # fmt: skip
    marker = json.loads((case / "case.json").read_text())
    assert marker["database_url"] == "postgresql+psycopg:///?service=op_alder"
    assert "audit trail intact" in run_cli("audit", "verify", case).stdout
    assert pg.psql("SELECT reference FROM case_info", db).stdout.strip() == "R"


def test_a_command_that_waits_too_long_fails_and_changes_nothing(
    pg: Cluster, tmp_path: Path
) -> None:
    import psycopg

    from triage_app.storage.lab_locks import NAMESPACE, WRITES

    db = pg.lab_database()
    case = tmp_path / "case"
    items = make_case(case, pg.url(db), _evidence(tmp_path, 1), EXAMINERS[:1])
    before = pg.psql("SELECT count(*) FROM audit_log", db).stdout.strip()
    with psycopg.connect(host=str(pg.socket), dbname=db, user="triage_app") as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", (NAMESPACE, WRITES))
        other.commit()
        busy = run_cli("grade", case, "--item", str(items[0]), "--category", "A",
                       env=as_user(EXAMINERS[0]), check=False)  # fmt: skip
    assert busy.returncode == 3 and "the case is busy" in busy.stderr, busy.stderr
    assert len(busy.stderr.strip().splitlines()) == 1
    assert pg.psql("SELECT count(*) FROM grades", db).stdout.strip() == "0"
    assert pg.psql("SELECT count(*) FROM audit_log", db).stdout.strip() == before
    _grade(case, items[0], "A", EXAMINERS[0])
    assert pg.psql("SELECT category FROM grades", db).stdout.strip() == "A"
