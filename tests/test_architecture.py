"""The core must never depend on Qt: only triage_app.gui may import PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "triage_app"


def _qt_imports(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        if any(name == "PySide6" or name.startswith("PySide6.") for name in names):
            lines.append(node.lineno)
    return lines


def test_no_pyside6_import_outside_gui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "gui" in path.relative_to(PACKAGE).parts:
            continue
        offenders += [f"{path.relative_to(PACKAGE.parent)}:{line}" for line in _qt_imports(path)]
    assert offenders == [], f"PySide6 imported outside triage_app/gui: {offenders}"


def test_checker_sees_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("import os\nfrom PySide6.QtCore import QObject\n", encoding="utf-8")
    assert _qt_imports(sample) == [2]


def test_core_modules_import_with_qt_unavailable() -> None:
    """Import every core module in a process where PySide6 cannot be imported."""
    modules = sorted(
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
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
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
