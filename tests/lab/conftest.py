"""A throwaway PostgreSQL cluster for the lab-mode tests.

``initdb`` in a temporary folder (as an unprivileged user when run as root:
initdb refuses root), started with ``pg_ctl`` on a Unix socket only (no TCP),
stopped and removed at the end of the session. Passwords are SCRAM and reach
libpq through a ``PGPASSFILE``, as in a lab: never on a command line.

Without server binaries the tests are skipped, unless ``TRIAGE_REQUIRE_POSTGRES=1``
(CI), where that is a failure.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import run_cli

REQUIRE_ENV = "TRIAGE_REQUIRE_POSTGRES"
SUPERUSER = "pgadmin"
OWNER = "triage_owner"
APP = "triage_app"
#: An application role a DBA makes from `triage lab init --print-sql`.
DBA_APP = "dba_app"
PASSWORDS = {
    SUPERUSER: "super-secret-1",
    OWNER: "owner-secret-2",
    APP: "app-secret-3",
    DBA_APP: "dba-app-secret-4",
}


def server_bin() -> Path | None:
    """The newest installed PostgreSQL server's ``bin`` folder, if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    """A running throwaway cluster and how to reach it."""

    bin: Path
    root: Path
    socket: Path
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, database: str, role: str = APP) -> str:
        """A lab URL without a password (libpq finds it in the PGPASSFILE)."""
        return f"postgresql://{role}@/{database}?host={self.socket}"

    def psql(
        self, sql: str, database: str = "postgres", role: str = SUPERUSER, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``sql`` with ``psql`` as ``role`` (stops at the first error)."""
        cmd = [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-h", str(self.socket), "-U", role, "-d", database, "-c", sql]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"psql {sql!r} failed: {result.stderr}")
        return result

    def psql_file(self, script: Path, database: str, role: str) -> subprocess.CompletedProcess[str]:
        """Run an SQL script with ``psql -f`` as ``role`` (stops at the first error)."""
        cmd = [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
               str(self.socket), "-U", role, "-d", database, "-f", str(script)]  # fmt: skip
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def new_database(self) -> str:
        """A fresh, empty database owned by the owner role."""
        name = f"case_{next(self.counter)}"
        self.psql(f"CREATE DATABASE {name} OWNER {OWNER}")
        return name

    def lab_database(self, *, library: bool = False) -> str:
        """A fresh database made ready by ``triage lab init`` as the owner role (for a
        case, or with ``library`` for a lab hash library)."""
        name = self.new_database()
        env = {**os.environ, "TRIAGE_LAB_APP_PASSWORD": PASSWORDS[APP]}
        more = ["--library"] if library else []
        run_cli("lab", "init", self.url(name, OWNER), *more, env=env)
        return name


def _as_user(user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--"] if user else []


@contextlib.contextmanager
def _cluster(bin_dir: Path) -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="triage-pg-"))
    user = None
    if os.geteuid() == 0:
        user = "postgres" if _has_user("postgres") else "nobody"
        os.chown(root, pwd.getpwnam(user).pw_uid, -1)
    root.chmod(0o755)
    data, socket = root / "data", root / "sock"
    pwfile = root / "pw"
    pwfile.write_text(PASSWORDS[SUPERUSER] + "\n")
    if user:
        os.chown(pwfile, pwd.getpwnam(user).pw_uid, -1)
    socket.mkdir()
    if user:
        os.chown(socket, pwd.getpwnam(user).pw_uid, -1)
    run = _as_user(user)
    subprocess.run(
        [*run, str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={pwfile}",
         "--auth-local=scram-sha-256", "--auth-host=reject", "-E", "UTF8", "--no-instructions"],
        check=True, capture_output=True, timeout=120, cwd=root,
    )  # fmt: skip
    pwfile.unlink()
    (root / "log").touch()
    if user:
        os.chown(root / "log", pwd.getpwnam(user).pw_uid, -1)
    subprocess.run(
        [*run, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t",
         "60", "-o", f"-k {socket} -c listen_addresses='' -c fsync=off", "start"],
        check=True, capture_output=True, timeout=120, cwd=root,
    )  # fmt: skip
    try:
        yield Cluster(bin_dir, root, socket)
    finally:
        subprocess.run(
            [*run, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True, timeout=120, check=False, cwd=root,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """The session's PostgreSQL cluster, with an owner role and a PGPASSFILE."""
    bin_dir = server_bin()
    missing = None
    if bin_dir is None:
        missing = "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)"
    elif importlib.util.find_spec("psycopg") is None:
        missing = "no PostgreSQL driver (pip install -e '.[lab]')"
    if missing is not None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {missing}")
        pytest.skip(missing)
    assert bin_dir is not None
    passfile = tmp_path_factory.mktemp("pgpass") / "pgpass"
    passfile.write_text("".join(f"*:*:*:{role}:{pw}\n" for role, pw in PASSWORDS.items()))
    passfile.chmod(0o600)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("PGPASSWORD", "PGSERVICE", "PGHOST", "PGUSER", "PGDATABASE", "PGPORT"):
            patch.delenv(name, raising=False)
        patch.setenv("PGPASSFILE", str(passfile))
        with _cluster(bin_dir) as cluster:
            cluster.psql(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{PASSWORDS[OWNER]}'")
            yield cluster
