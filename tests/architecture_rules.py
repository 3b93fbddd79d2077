"""The dependency rules of ``triage_app``, checked from the source (see docs/architecture.md).

Every way a module can reach another counts: ``import``, ``from ... import``
(at any depth, inside functions too), ``importlib.import_module`` /
``__import__`` with a literal name, and any string constant that names a
``triage_app`` module or Qt (``"triage_app.gui.x"``, ``"PySide6.QtCore"``): a
name in a string is where a dynamic import would come from. A dynamic import
whose name is not a literal cannot be checked and is itself a violation.

Rules:

1. ``domain`` imports nothing of ``triage_app`` but itself.
2. Packages sit in layers (:data:`LAYERS`); a package imports only packages of
   lower layers. Packages of one layer do not import each other.
3. Only ``gui`` imports Qt (PySide6, shiboken6) or ``triage_app.gui``; inside
   ``gui`` only the shim module :data:`QT_SHIM` imports Qt.
4. ``cli`` and ``gui`` never import ``storage`` or ``audit`` (they call services), and
   never reach a session's store (``session.store`` / ``session.review``).
5. No import cycles between modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "triage_app"

#: Lowest first. A package may import packages of lower layers only.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("domain",),
    ("audit", "files"),
    ("config",),
    ("storage",),
    ("media", "evidence", "hashsets"),
    ("matching",),
    ("case",),
    ("ingest", "library"),
    ("review",),
    ("reports",),
    ("supervision",),
    ("demo",),
    ("cli", "gui"),
)
QT_ROOTS = ("PySide6", "shiboken6")
QT_SHIM = "triage_app.gui.qt"
FRONT_ENDS = ("cli", "gui")
NOT_FOR_FRONT_ENDS = ("storage", "audit")
#: The package's face and entry point may import anything.
ROOT_MODULES = ("triage_app", "triage_app.__main__")
#: Attributes of a session that are its storage: front ends use its methods instead.
SESSION_STORAGE = ("store", "review")
#: Modules allowed a dynamic import: the names they import are string constants
#: that the string rule checks (the worker pool's "module:function" targets, the
#: schema modules Alembic needs).
DYNAMIC_IMPORT_SITES = ("triage_app.ingest.pool", "triage_app.storage.migrate")


@dataclass(frozen=True, slots=True)
class Reference:
    """One module naming another: where, how, and what."""

    source: str
    target: str
    line: int
    how: str


@dataclass(slots=True)
class Report:
    """What a check found."""

    violations: list[str] = field(default_factory=list)

    def add(self, ref: Reference, rule: str) -> None:
        """Record a broken rule at ``ref`` (once per line and rule)."""
        where = f"{ref.source}:{ref.line}: {rule}"
        if not any(v.startswith(where) for v in self.violations[-8:]):
            self.violations.append(f"{where} ({ref.how} {ref.target})")


def module_name(root: Path, path: Path) -> str:
    """``root/triage_app/a/b.py`` -> ``triage_app.a.b`` (``__init__`` is the package)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module_like(text: str) -> bool:
    parts = text.split(".")
    return parts[0] in (PACKAGE, *QT_ROOTS) and all(p.isidentifier() for p in parts)


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _resolve(module: str, level: int, name: str | None, is_package: bool) -> str:
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def references(root: Path, path: Path) -> Iterator[Reference]:
    """Every reference ``path`` makes to a ``triage_app`` module or to Qt."""
    source = module_name(root, path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Reference(source, alias.name, node.lineno, "import")
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(source, node.level, node.module, is_package)
            yield Reference(source, base, node.lineno, "from-import")
            for alias in node.names:  # ``from triage_app import gui`` names a module too
                yield Reference(source, f"{base}.{alias.name}", node.lineno, "from-import")
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and node.args:
                name = _literal(node.args[0])
                yield Reference(source, name or "<dynamic>", node.lineno, called)
        elif isinstance(node, ast.Attribute) and node.attr in SESSION_STORAGE:
            if ast.unparse(node.value).split(".")[-1].endswith("session"):
                yield Reference(source, f"<session>.{node.attr}", node.lineno, "attribute")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            for word in node.value.replace(":", " ").replace("/", " ").split():
                word = word.strip("'\"()[],;")
                if _is_module_like(word):
                    yield Reference(source, word, node.lineno, "string")


def package_of(module: str) -> str | None:
    """The top-level subpackage of ``triage_app`` a module belongs to (None for the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE else None


def _layer(package: str) -> int | None:
    for index, names in enumerate(LAYERS):
        if package in names:
            return index
    return None


def _known(target: str, modules: set[str]) -> str | None:
    """The module ``target`` names: itself, or its longest prefix that is a module."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def collect(root: Path) -> tuple[set[str], list[Reference]]:
    """Modules under ``root/triage_app`` and all their references."""
    files = [
        p
        for p in sorted((root / PACKAGE).rglob("*.py"))
        if not any(part.endswith("migrations") for part in p.relative_to(root).parts)
    ]
    modules = {module_name(root, p) for p in files}
    refs = [ref for p in files for ref in references(root, p)]
    return modules, refs


def check(root: Path) -> Report:
    """Check every rule over the tree at ``root``; the report lists what is broken."""
    modules, refs = collect(root)
    report = Report()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for ref in refs:
        _check_one(ref, modules, report, graph)
    for cycle in cycles(graph):
        report.violations.append("import cycle: " + " -> ".join([*cycle, cycle[0]]))
    return report


def _check_one(
    ref: Reference, modules: set[str], report: Report, graph: dict[str, set[str]]
) -> None:
    src_pkg = package_of(ref.source)
    if ref.target == "<dynamic>":
        if ref.source not in DYNAMIC_IMPORT_SITES:
            report.add(ref, "a dynamic import whose name is not a literal cannot be checked")
        return
    if ref.target.startswith("<session>."):
        if src_pkg in FRONT_ENDS:
            report.add(ref, f"{src_pkg} uses the session's services, never its storage")
        return
    head = ref.target.split(".")[0]
    if head in QT_ROOTS:
        if src_pkg != "gui":
            report.add(ref, "only triage_app.gui may reach Qt")
        elif ref.source != QT_SHIM and ref.how != "string":
            report.add(ref, f"inside gui only {QT_SHIM} imports Qt")
        return
    if head != PACKAGE:
        return
    target = _known(ref.target, modules)
    if target is None or target == ref.source:
        return
    if ref.how != "string" or target != PACKAGE:
        graph[ref.source].add(target)
    dst_pkg = package_of(target)
    if ref.source in ROOT_MODULES or dst_pkg is None or dst_pkg == src_pkg:
        return
    if dst_pkg == "gui" and src_pkg != "gui":
        report.add(ref, "nothing outside triage_app.gui may reach the GUI")
        return
    if src_pkg == "domain":
        report.add(ref, "domain imports nothing of triage_app")
        return
    if src_pkg in FRONT_ENDS and dst_pkg in NOT_FOR_FRONT_ENDS:
        report.add(ref, f"{src_pkg} calls services, never {dst_pkg} directly")
        return
    src_layer, dst_layer = _layer(src_pkg or ""), _layer(dst_pkg)
    if src_layer is None or dst_layer is None:
        report.add(ref, f"package {src_pkg if src_layer is None else dst_pkg} has no layer")
    elif dst_layer == src_layer:
        report.add(ref, f"{src_pkg} and {dst_pkg} share a layer and must not import each other")
    elif dst_layer > src_layer:
        report.add(ref, f"{src_pkg} (layer {src_layer}) imports {dst_pkg} (layer {dst_layer})")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each as a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_graph(root: Path) -> dict[str, set[str]]:
    """Which top-level packages import which (for the architecture document)."""
    modules, refs = collect(root)
    out: dict[str, set[str]] = {}
    for ref in refs:
        target = _known(ref.target, modules) if ref.target.startswith(PACKAGE) else None
        src, dst = package_of(ref.source), package_of(target) if target else None
        if src and dst and src != dst:
            out.setdefault(src, set()).add(dst)
    return out


def long_modules(root: Path, limit: int = 400) -> Iterable[tuple[str, int]]:
    """Modules over ``limit`` lines (migrations excepted)."""
    for path in sorted((root / PACKAGE).rglob("*.py")):
        if any(part.endswith("migrations") for part in path.parts):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            yield module_name(root, path), lines
