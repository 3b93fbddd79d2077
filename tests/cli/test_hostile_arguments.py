"""Every command, given hostile arguments, refuses in one line: never a traceback.

Absurd numbers (too big for any integer column, negative, not finite), ids
that do not exist, unparsable dates and malformed values, for each command.
Nothing may be created or changed by a refused command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trust_helpers import HostileCase, build_hostile_case, tree_digest

HUGE = "9" * 30
HOSTILE: dict[str, list[str]] = {
    "ingest --workers huge": ["ingest", "{case}", "{evidence}", "--exhibit", "X",
                              "--workers", HUGE],
    "ingest --workers 0": ["ingest", "{case}", "{evidence}", "--exhibit", "X", "--workers", "0"],
    "ingest --decode-timeout nan": ["ingest", "{case}", "{evidence}", "--exhibit", "X",
                                    "--decode-timeout", "nan"],
    "ingest --decode-timeout -1": ["ingest", "{case}", "{evidence}", "--exhibit", "X",
                                   "--decode-timeout", "-1"],
    "ingest --decode-timeout 0": ["ingest", "{case}", "{evidence}", "--exhibit", "X",
                                  "--decode-timeout", "0"],
    "ingest no such source": ["ingest", "{case}", "{tmp}/nothing", "--exhibit", "X"],
    "grade --item huge": ["grade", "{case}", "--item", HUGE, "--category", "A"],
    "grade --item -1": ["grade", "{case}", "--item", "-1", "--category", "A"],
    "grade --item missing": ["grade", "{case}", "--item", "999999", "--category", "A"],
    "grade --part -5": ["grade", "{case}", "--item", "1", "--category", "A", "--part", "-5"],
    "grade --part huge": ["grade", "{case}", "--item", "1", "--category", "A", "--part", HUGE],
    "grade bad category": ["grade", "{case}", "--item", "1", "--category", "ZZZ"],
    "confirm --item huge": ["confirm", "{case}", "--item", HUGE],
    "undo --item huge": ["undo", "{case}", "--item", HUGE],
    "history --item abc": ["history", "{case}", "--item", "abc"],
    "match --threshold 99": ["match", "{case}", "--threshold", "99"],
    "match --threshold -1": ["match", "{case}", "--threshold", "-1"],
    "demo --images 1e20": ["demo", "{tmp}/demo", "--images", "1e20"],
    "demo --images huge": ["demo", "{tmp}/demo", "--images", HUGE],
    "demo --seed -3": ["demo", "{tmp}/demo", "--seed", "-3"],
    "qa sample --seed huge": ["qa", "sample", "{case}", "--examiner", "E", "--second-grader",
                              "E", "--percent", "10", "--seed", HUGE],
    "qa sample --percent nan": ["qa", "sample", "{case}", "--examiner", "E", "--second-grader",
                                "E", "--percent", "nan"],
    "qa sample --count A=huge": ["qa", "sample", "{case}", "--examiner", "E", "--second-grader",
                                 "E", "--count", f"A={HUGE}"],
    "qa grade --round huge": ["qa", "grade", "{case}", "--round", HUGE],
    "qa report --round 0": ["qa", "report", "{case}", "--round", "0"],
    "audit list --since bad": ["audit", "list", "{case}", "--since", "not-a-date"],
    "audit list --item huge": ["audit", "list", "{case}", "--item", HUGE],
    "audit verify --expect-head bad": ["audit", "verify", "{case}", "--expect-head", "x:y"],
    "stats --until bad": ["stats", "{case}", "--until", "31/31/2026"],
    "signoff missing exhibit": ["signoff", "{case}", "--exhibit", "NOPE"],
    "report bad format": ["report", "{case}", "--format", "docx", "--out", "{tmp}/r"],
    "hashset import missing file": ["hashset", "import", "{tmp}/none.csv"],
    "case create --database-url bad": ["case", "create", "{tmp}/lab", "--ref", "R",
                                       "--examiner", "E", "--database-url", "::::"],
    "case info not a case": ["case", "info", "{tmp}"],
    "items of a missing case": ["items", "{tmp}/missing", "--json"],
}  # fmt: skip


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileCase:
    return build_hostile_case(tmp_path_factory.mktemp("hostile-args"))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_arguments_are_refused_in_one_line(
    hostile: HostileCase, tmp_path: Path, name: str
) -> None:
    evidence = tree_digest(hostile.evidence)
    args = [
        a.format(case=hostile.case, evidence=hostile.evidence, tmp=tmp_path) for a in HOSTILE[name]
    ]
    env = hostile.as_supervisor() if args[0] in ("qa", "audit", "stats", "signoff") else None
    result = hostile.cli(*args, check=False, **({"env": env} if env else {}))
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0], lines[0]
    assert tree_digest(hostile.evidence) == evidence
    assert not (tmp_path / "demo").exists() and not (tmp_path / "lab").exists()
