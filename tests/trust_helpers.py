"""A small case built the way an examiner would, with hostile file names in its evidence.

Used by the tests of the hostile review's findings (issue "Trust"): outputs aimed
at the wrong places, tampering, formula and terminal injection.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from conftest import run_cli

from triage_app.demo.synthetic import png_bytes, scene

SUPERVISOR = "Sue Visor"
SUPERVISOR_PASSWORD = "sue-password"
#: File names an attacker would plant: a formula, a right-to-left override, a terminal
#: escape, a newline, and bytes that are not UTF-8.
HOSTILE_NAMES: tuple[bytes, ...] = (
    b'=HYPERLINK("x").png',
    "invoice\u202egpj.exe.png".encode(),
    b"red\x1b[31malert.png",
    b"two\nlines.png",
    b"caf\xe9.png",
)


@dataclass(frozen=True)
class HostileCase:
    """The case folder, its evidence, its per-user home, and the environment to use."""

    case: Path
    evidence: Path
    home: Path
    env: dict[str, str]

    def cli(self, *args: str | os.PathLike[str], **kwargs: object) -> Any:
        """Run the CLI as the examiner, with this case's home."""
        kwargs.setdefault("env", self.env)
        return run_cli(*args, **kwargs)

    def as_supervisor(self) -> dict[str, str]:
        """The environment that signs in as the case's supervisor."""
        return {**self.env, "TRIAGE_USER": SUPERVISOR, "TRIAGE_PASSWORD": SUPERVISOR_PASSWORD}

    @property
    def library(self) -> Path:
        """The per-user hash library the CLI uses for this case."""
        return self.home / "hashsets.db"


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (names as bytes) with its SHA-256."""
    out: dict[str, str] = {}
    for folder, _dirs, files in os.walk(os.fsencode(root)):
        for name in files:
            path = os.path.join(folder, name)  # noqa: PTH118 (bytes)
            with open(path, "rb") as handle:
                out[os.fsdecode(os.path.relpath(path, os.fsencode(root)))] = hashlib.sha256(
                    handle.read()
                ).hexdigest()
    return out


def build_hostile_case(root: Path) -> HostileCase:
    """Create the case, ingest the evidence, grade what is there, add a supervisor."""
    evidence = root / "evidence"
    (evidence / "DCIM").mkdir(parents=True)
    for n, name in enumerate(HOSTILE_NAMES):
        with open(os.path.join(os.fsencode(evidence), name), "wb") as handle:  # noqa: PTH118
            handle.write(png_bytes(scene(np.random.default_rng(n + 1), size=(96, 72))))
    (evidence / "DCIM" / "x.png").write_bytes(png_bytes(scene(np.random.default_rng(9), (96, 72))))
    case, home = root / "case", root / "home"
    env = {
        **os.environ,
        "TRIAGE_HOME": str(home),
        "TRIAGE_SUPERVISOR_PASSWORD": SUPERVISOR_PASSWORD,
    }
    built = HostileCase(case, evidence, home, env)
    built.cli("case", "create", case, "--ref", "T/1", "--examiner", "E", "--supervisor", SUPERVISOR)
    built.cli("ingest", case, evidence, "--exhibit", "EX/1", "--no-progress")
    for item in range(1, len(HOSTILE_NAMES) + 2):  # every file, the plain one included
        built.cli("grade", case, "--item", str(item), "--category", "ABC"[item % 3])
    return built
