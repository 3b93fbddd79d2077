"""The program never opens a network connection.

The main commands run in subprocesses where every attempt to reach the
network raises (a ``sitecustomize`` that patches the socket module, inherited
by worker processes), and, where the kernel allows it, inside a new network
namespace with no interfaces (``unshare -n``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BLOCKER = """
import socket, sys

class NetworkBlocked(RuntimeError):
    pass

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto

def _guard(sock, what):
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sys.stderr.write("NETWORK ATTEMPT: %s\\n" % what)
        raise NetworkBlocked("network access attempted: " + what)

def connect(self, address):
    _guard(self, "connect %r" % (address,))
    return _real_connect(self, address)

def connect_ex(self, address):
    _guard(self, "connect_ex %r" % (address,))
    return _real_connect_ex(self, address)

def sendto(self, *args):
    _guard(self, "sendto")
    return _real_sendto(self, *args)

def getaddrinfo(*args, **kwargs):
    sys.stderr.write("NETWORK ATTEMPT: getaddrinfo %r\\n" % (args,))
    raise NetworkBlocked("name lookup attempted")

socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.socket.sendto = sendto
socket.getaddrinfo = getaddrinfo
def create_connection(*args, **kwargs):
    raise NetworkBlocked("create_connection attempted")

socket.create_connection = create_connection
"""


def _env(blocker_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(blocker_dir), env.get("PYTHONPATH", "")])
    return env


def _triage(
    prefix: list[str], env: dict[str, str], *args: str | Path
) -> subprocess.CompletedProcess[str]:
    cmd = [*prefix, sys.executable, "-m", "triage_app.cli.main", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)


def _unshare_works() -> bool:
    tool = shutil.which("unshare")
    if tool is None:
        return False
    probe = subprocess.run([tool, "-n", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def _main_commands(prefix: list[str], env: dict[str, str], tmp: Path) -> None:
    case, demo = tmp / "case", tmp / "demo"
    result = _triage(prefix, env, "demo", demo, "--images", "12")
    assert result.returncode == 0, result.stderr
    assert "NETWORK ATTEMPT" not in result.stderr
    steps = [
        ("case", "create", case, "--ref", "NET-1", "--examiner", "E"),
        ("ingest", case, tmp / "demo-evidence", "--exhibit", "NET/1"),
        ("items", case, "--json"),
        ("case", "info", case, "--json"),
    ]
    for step in steps:
        result = _triage(prefix, env, *step)
        assert result.returncode == 0, (step, result.stderr)
        assert "NETWORK ATTEMPT" not in result.stderr, (step, result.stderr)
    items = json.loads(_triage(prefix, env, "items", case, "--json").stdout)
    assert len(items) > 12


def test_blocker_really_blocks(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(BLOCKER)
    code = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        check=False,
    )
    assert result.returncode != 0
    assert "NetworkBlocked" in result.stderr


def test_main_commands_with_sockets_blocked(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCKER)
    _main_commands([], _env(blocker), tmp_path)


@pytest.mark.stress
@pytest.mark.skipif(not _unshare_works(), reason="no permission to create a network namespace")
def test_main_commands_in_an_empty_network_namespace(tmp_path: Path) -> None:
    tool = shutil.which("unshare")
    assert tool is not None
    _main_commands([tool, "-n"], dict(os.environ), tmp_path)
