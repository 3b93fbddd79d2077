"""No output can land in evidence, over a case, a library, a pipe or a device.

Every command that writes a file (``audit export``, ``report``, ``hashset export``)
is aimed at each wrong place; each is refused in one line, nothing is written,
the evidence and the library stay byte-identical, and the case still verifies.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from trust_helpers import HostileCase, build_hostile_case, tree_digest

COMMANDS: dict[str, Callable[[Path, Path], list[str | os.PathLike[str]]]] = {
    "audit export": lambda case, out: ["audit", "export", case, "--out", out],
    "report": lambda case, out: ["report", case, "--format", "csv", "--out", out],
    "hashset export": lambda case, out: ["hashset", "export", case, "--out", out],
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileCase:
    root = tmp_path_factory.mktemp("outputs")
    built = build_hostile_case(root)
    # A hash library exists (so it can be aimed at), and another case beside this one.
    listing = root / "list.txt"
    listing.write_text("0cc175b9c0f1b6a831c399e269772661\n", encoding="utf-8")
    built.cli("hashset", "import", listing, "--name", "lab")
    built.cli("case", "create", root / "other", "--ref", "T/2", "--examiner", "E")
    fifo = root / "pipe"
    os.mkfifo(fifo)
    (root / "link.csv").symlink_to(built.evidence / "DCIM" / "x.png")
    return built


def _targets(h: HostileCase) -> dict[str, Path]:
    root = h.case.parent
    return {
        "an existing evidence file": h.evidence / "DCIM" / "x.png",
        "a new name inside the evidence": h.evidence / "DCIM" / "new.csv",
        "the case database": h.case / "case.db",
        "the case marker": h.case / "case.json",
        "the hash library": h.library,
        "another case's database": root / "other" / "case.db",
        "a FIFO": root / "pipe",
        "a device": Path("/dev/null"),
        "a link into the evidence": root / "link.csv",
        "a folder": root,
    }


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_wrong_target_is_refused_and_nothing_changes(
    hostile: HostileCase, command: str
) -> None:
    evidence = tree_digest(hostile.evidence)
    library = hostile.library.read_bytes()
    case_db = (hostile.case / "case.db").stat().st_ino
    for what, target in _targets(hostile).items():
        result = hostile.cli(*COMMANDS[command](hostile.case, target), check=False)
        assert result.returncode != 0, (what, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (what, result.stderr)
        assert "wrote" not in result.stdout, what
    assert tree_digest(hostile.evidence) == evidence
    assert hostile.library.read_bytes() == library
    assert (hostile.case / "case.db").stat().st_ino == case_db
    assert not (hostile.evidence / "DCIM" / "new.csv").exists()
    assert hostile.cli("audit", "verify", hostile.case).returncode == 0


def test_a_new_file_in_a_writable_folder_is_written(hostile: HostileCase, tmp_path: Path) -> None:
    for command, build in COMMANDS.items():
        out = tmp_path / f"{command.replace(' ', '-')}.csv"
        hostile.cli(*build(hostile.case, out))
        assert out.is_file() and out.stat().st_size > 0, command
