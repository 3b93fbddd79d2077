"""Lab database URLs: normalised, checked in one line, never holding a password."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from triage_app.domain.errors import CaseError
from triage_app.storage.lab_url import backup_command, lab_url, upgrade_refusal


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://lab@db.example/case1", "postgresql+psycopg://lab@db.example/case1"),
        ("postgresql://lab@db.example:6543/case1", "postgresql+psycopg://lab@db.example:6543/case1"),
        ("postgresql+psycopg://lab@/case1?host=/run/pg", "postgresql+psycopg://lab@/case1?host=%2Frun%2Fpg"),
        ("postgresql:///?service=op_alder", "postgresql+psycopg:///?service=op_alder"),
    ],
)  # fmt: skip
def test_accepted_urls_are_normalised_to_psycopg(given: str, expected: str) -> None:
    assert lab_url(given) == expected


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("not a url", "is not a database URL"),
        ("postgres:/x", "is not a database URL"),
        ("::::", "is not a database URL"),
        ("postgresql://h:notaport/db", "port that is not a number"),
        ("postgresql://h:70000/db", "outside 1-65535"),
        ("mysql://db/x", "must name a PostgreSQL lab database"),
        ("sqlite:///case.db", "must name a PostgreSQL lab database"),
        ("postgresql+psycopg2://h/db", "names the driver 'psycopg2'"),
        ("postgresql+asyncpg://h/db", "names the driver 'asyncpg'"),
        ("postgresql://lab:hunter22@h/db", "must not hold a password"),
        ("postgresql://lab@h/db?password=hunter22", "must not hold a password"),
        ("postgresql://lab@h", "names no database"),
    ],
)
def test_unusable_urls_are_one_line_errors(given: str, said: str) -> None:
    with pytest.raises(CaseError, match=said) as caught:
        lab_url(given)
    assert "\n" not in str(caught.value) and "hunter22" not in str(caught.value)


def test_the_backup_instructions_name_pg_dump_and_the_database() -> None:
    command = backup_command("postgresql+psycopg://owner@db.lab:5433/case7", "0004")
    assert command == "pg_dump --format=custom --file=case7-before-0004.dump " \
        "'host=db.lab port=5433 user=owner dbname=case7'"  # fmt: skip
    said = upgrade_refusal("postgresql+psycopg://owner@db.lab/case7", "0004", "0005")
    assert "nothing was changed" in said and "triage lab upgrade" in said


@pytest.mark.parametrize(
    "url",
    ["postgres:/x", "postgresql://h:99999/db", "mysql://db/x", "postgresql://u:secret@h/db",
     "postgresql+psycopg2://h/db"],
)  # fmt: skip
def test_case_create_with_a_bad_url_says_one_line_and_leaves_nothing(
    tmp_path: Path, url: str
) -> None:
    case = tmp_path / "lab"
    result = run_cli("case", "create", case, "--ref", "R", "--examiner", "E",
                     "--database-url", url, check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "secret" not in result.stderr
    assert not case.exists()


def test_a_missing_driver_is_one_line_and_leaves_no_folder(tmp_path: Path) -> None:
    case = tmp_path / "lab"
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from triage_app.cli.main import main\n"
        f"sys.exit(main(['case', 'create', {str(case)!r}, '--ref', 'R', '--examiner', 'E',"
        " '--database-url', 'postgresql://lab@db.example/case1']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "triage: error: lab databases need the PostgreSQL driver, which is not installed: "
        "pip install 'triage-workstation[lab]'"
    )
    assert not case.exists()


def test_an_unreachable_server_is_one_line_and_leaves_no_folder(tmp_path: Path) -> None:
    case = tmp_path / "lab"
    socket_dir = tmp_path / "no-server"
    socket_dir.mkdir()
    result = run_cli("case", "create", case, "--ref", "R", "--examiner", "E", "--database-url",
                     f"postgresql://lab@/case1?host={socket_dir}", check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "database error" in result.stderr
    assert not case.exists()
