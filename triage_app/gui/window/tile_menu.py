"""The context menu of a gallery tile: details, reveal, grade, group, compare, copy, notes.

Every entry does what a key or menu of the main window does (so the audit
trail records the same actions); the menu only gathers them where the
pointer is. Built fresh for each right-click from the tile's row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from triage_app.config.schemes import Scheme
from triage_app.gui.qt import QApplication, QMenu, QWidget
from triage_app.review.gallery_rows import GalleryRow

Slot = Callable[[], object]


@dataclass
class TileActions:
    """What the menu's entries call (each takes no argument: it acts on the selection)."""

    details: Slot
    reveal: Slot
    grade: Callable[[str, bool], object]
    confirm: Slot
    open_group: Slot
    compare: Slot
    extra: list[tuple[str, Slot]] = field(default_factory=list)


def tile_menu(
    parent: QWidget, row: GalleryRow, selected: int, scheme: Scheme, actions: TileActions
) -> QMenu:
    """The menu for ``row`` (``selected`` tiles in the selection)."""
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)
    menu.addAction("Show &details", actions.details)
    if row.media_type == "image" and selected <= 1:
        reveal = menu.addAction("&Reveal (Esc or time limit ends it)", actions.reveal)
        reveal.setToolTip("A deliberate, timed and logged reveal of this item")
    menu.addSeparator()
    grades = menu.addMenu("&Grade" if selected <= 1 else f"&Grade {selected} tiles")
    for cat in sorted(scheme.categories, key=lambda c: -c.severity):
        grades.addAction(
            f"{cat.code}: {cat.label}\t{cat.key}", partial(actions.grade, cat.code, False)
        )
    if row.cluster_size > 1:
        whole = menu.addMenu("Grade whole duplicate &group")
        for cat in sorted(scheme.categories, key=lambda c: -c.severity):
            whole.addAction(
                f"{cat.code}: {cat.label}\tShift+{cat.key}", partial(actions.grade, cat.code, True)
            )
    if row.match_kind == "near":
        menu.addAction("&Confirm suggestion\tEnter", actions.confirm)
    menu.addSeparator()
    if row.cluster_size > 1:
        menu.addAction(f"&Open group ({row.cluster_size} members)\tO", actions.open_group)
    if row.cluster_size > 1 or selected == 2:
        menu.addAction("Compare side by side\tX", actions.compare)
    menu.addSeparator()
    clipboard = QApplication.clipboard()
    menu.addAction("Copy &path", lambda: clipboard.setText(f"{row.exhibit}: {row.path}"))
    if row.sha256:
        sha = row.sha256
        menu.addAction("Copy &SHA-256", lambda: clipboard.setText(sha))
    if actions.extra:
        menu.addSeparator()
        for text, slot in actions.extra:
            menu.addAction(text, slot)
    return menu
