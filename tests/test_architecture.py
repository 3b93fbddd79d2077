"""The dependency rules hold, and the checker that enforces them can fail.

The rules are in :mod:`architecture_rules` (and ``docs/architecture.md``): layers,
Qt only in the GUI (through one shim), front ends never at storage or the audit
chain, no import cycles; every import form counts, strings naming modules too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import architecture_rules as rules
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "triage_app"


def test_the_package_keeps_every_rule() -> None:
    report = rules.check(REPO)
    assert report.violations == []


def test_no_module_is_over_400_lines() -> None:
    assert list(rules.long_modules(REPO)) == []


def test_the_package_root_holds_only_its_face_and_entry_point() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose in (["__init__.py"], ["__init__.py", "__main__.py"])


PLANTS = {
    "domain imports storage": (
        "domain/clock.py",
        "from triage_app.storage import engine\n",
        "domain imports nothing of triage_app",
    ),
    "the core reaches the GUI by importlib": (
        "reports/export.py",
        "import importlib\n_R = importlib.import_module('triage_app.gui.app')\n",
        "nothing outside triage_app.gui may reach the GUI",
    ),
    "the core names the GUI in a string": (
        "reports/export.py",
        "_WHERE = 'triage_app.gui.app:main'\n",
        "nothing outside triage_app.gui may reach the GUI",
    ),
    "the core imports Qt": (
        "review/grading.py",
        "def _f() -> None:\n    from PySide6.QtCore import QObject  # noqa\n",
        "only triage_app.gui may reach Qt",
    ),
    "the core imports Qt with __import__": (
        "media/blur.py",
        "_QT = __import__('PySide6.QtGui')\n",
        "only triage_app.gui may reach Qt",
    ),
    "a GUI module bypasses the shim": (
        "gui/workers.py",
        "import PySide6.QtCore\n",
        "inside gui only triage_app.gui.qt imports Qt",
    ),
    "the CLI reaches storage": (
        "cli/case_commands.py",
        "from triage_app.storage import case_store\n",
        "cli calls services, never storage directly",
    ),
    "the CLI writes the audit chain": (
        "cli/review_commands.py",
        "from triage_app.audit import chain\n",
        "cli calls services, never audit directly",
    ),
    "the CLI reaches a session's store": (
        "cli/case_commands.py",
        "def _peek(session: object) -> object:\n    return session.store\n",
        "cli uses the session's services, never its storage",
    ),
    "a lower layer imports a higher one": (
        "storage/engine.py",
        "from triage_app.review import grading\n",
        "storage (layer 3) imports review",
    ),
    "siblings of one layer": (
        "media/sniff.py",
        "from triage_app.hashsets import model\n",
        "share a layer and must not import each other",
    ),
    "a dynamic import nobody can check": (
        "review/refresh.py",
        "import importlib\n\n\ndef _load(name: str) -> object:\n"
        "    return importlib.import_module(name)\n",
        "a dynamic import whose name is not a literal",
    ),
    "an import cycle": (
        "domain/errors.py",
        "def _late() -> None:\n    from triage_app.domain import options  # noqa\n",
        "import cycle",
    ),
}


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(PACKAGE, root / "triage_app", ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.mark.parametrize("name", sorted(PLANTS))
def test_a_planted_violation_is_caught(name: str, package_copy: Path, tmp_path: Path) -> None:
    where, code, expected = PLANTS[name]
    if name == "an import cycle":  # options must import errors for a cycle
        extra = ("domain/options.py", "from triage_app.domain import errors  # noqa\n")
    else:
        extra = None
    tree = tmp_path / "tree"
    shutil.copytree(package_copy, tree)
    before = set(rules.check(tree).violations)
    with open(tree / "triage_app" / where, "a", encoding="utf-8") as handle:
        handle.write("\n" + code)
    if extra is not None:
        with open(tree / "triage_app" / extra[0], "a", encoding="utf-8") as handle:
            handle.write("\n" + extra[1])
    new = set(rules.check(tree).violations) - before
    assert any(expected in v for v in new), sorted(new)


def test_core_modules_import_with_qt_unavailable() -> None:
    """Import every core module in a process where PySide6 cannot be imported."""
    modules = sorted(
        ".".join(p.relative_to(REPO).with_suffix("").parts)
        for p in PACKAGE.rglob("*.py")
        if "gui" not in p.relative_to(PACKAGE).parts
        and not any(part.endswith("migrations") for part in p.parts)
    )
    code = (
        "import sys, importlib\n"
        "sys.modules['PySide6'] = None\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name.removesuffix('.__init__'))\n"
        "assert not any(m.startswith('PySide6.') for m in sys.modules)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
