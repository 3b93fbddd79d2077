"""The case's folders as a tree with item counts, and the filter of one folder (no Qt here).

The tree is the whole case, then each exhibit, then the folders of the items'
paths (as the ingest stores them: relative to the exhibit, ``/``-separated). A
disk image with several partitions puts each under ``p1/``, ``p2/``...; an
archive's members sit under ``outer.zip!/`` (the ``!`` marks the archive), so
both are folders here like any other. A node's counts are those of every item
in it or below it.

A folder is named by its exhibit and its prefix (``DCIM/100APPLE``; ``""`` for
the exhibit itself); :func:`folder_predicate` lets through exactly the items
the node counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from triage_app.review.gallery_rows import Filter, GalleryRow

#: What follows an archive's name in its members' paths (``outer.zip!/member``).
ARCHIVE_MARK = "!"


@dataclass(slots=True)
class FolderNode:
    """One node: the case (``exhibit`` ""), an exhibit (``prefix`` "") or a folder."""

    name: str
    exhibit: str = ""
    prefix: str = ""
    total: int = 0
    needs_look: int = 0
    children: dict[str, FolderNode] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The name to show (an archive's contents say so; an empty component shows as such)."""
        if self.name.endswith(ARCHIVE_MARK) and len(self.name) > 1:
            return f"{self.name[:-1]} (archive)"
        return self.name or "(unnamed)"

    @property
    def key(self) -> tuple[str, str]:
        """(exhibit, prefix): what :func:`folder_predicate` takes."""
        return (self.exhibit, self.prefix)

    def sorted_children(self) -> list[FolderNode]:
        """The children by name (case-insensitive)."""
        return sorted(self.children.values(), key=lambda n: (n.name.casefold(), n.name))

    def walk(self) -> Iterator[FolderNode]:
        """This node and every node below it, parents first."""
        yield self
        for child in self.children.values():
            yield from child.walk()

    def find(self, exhibit: str, prefix: str) -> FolderNode | None:
        """The node of (exhibit, prefix) below or at this case root, if there is one."""
        if not exhibit:
            return self
        node = self.children.get(exhibit)
        if node is None or not prefix:
            return node
        for part in prefix.split("/"):
            node = node.children.get(part)
            if node is None:
                return None
        return node


def _relative(path: str) -> str:
    return path.lstrip("/") if path.startswith("/") else path


def folder_of(path: str) -> str:
    """The folder of an item's path within its exhibit (``""`` at the exhibit's top)."""
    return _relative(path).rpartition("/")[0]


def build_tree(rows: Iterable[GalleryRow], case_name: str = "Whole case") -> FolderNode:
    """The tree of ``rows``' folders with their counts (items, and items needing a look)."""
    counts: Counter[tuple[str, str]] = Counter()
    looks: Counter[tuple[str, str]] = Counter()
    for row in rows:
        path = row.path
        where = (row.exhibit, (path.lstrip("/") if path[:1] == "/" else path).rpartition("/")[0])
        counts[where] += 1
        if row.needs_look:
            looks[where] += 1
    root = FolderNode(case_name)
    for (exhibit, folder), total in counts.items():
        look = looks.get((exhibit, folder), 0)
        root.total += total
        root.needs_look += look
        node = root.children.get(exhibit)
        if node is None:
            node = root.children[exhibit] = FolderNode(exhibit, exhibit)
        node.total += total
        node.needs_look += look
        if not folder:
            continue
        prefix = ""
        for depth, part in enumerate(folder.split("/")):
            prefix = f"{prefix}/{part}" if depth else part
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = FolderNode(part, exhibit, prefix)
            child.total += total
            child.needs_look += look
            node = child
    return root


def add_to_counts(
    root: FolderNode, row: GalleryRow, *, total: int = 0, needs_look: int = 0
) -> list[FolderNode]:
    """Add to the counts of every node holding ``row`` (the case's, its exhibit's, its
    folders'), e.g. ``needs_look=-1`` once it is graded; the nodes changed, root first.
    A folder the tree lacks is not made: rebuild with :func:`build_tree` to add items."""
    touched = [root]
    node = root.children.get(row.exhibit)
    folder = folder_of(row.path)
    parts = folder.split("/") if folder else []
    while node is not None:
        touched.append(node)
        node = node.children.get(parts.pop(0)) if parts else None
    for node in touched:
        node.total += total
        node.needs_look += needs_look
    return touched


def folder_predicate(exhibit: str, folder_prefix: str = "") -> Filter:
    """The items of an exhibit in folder ``folder_prefix`` or below (``""``: all its items)."""
    if not folder_prefix:
        return lambda row: row.exhibit == exhibit
    below = folder_prefix + "/"
    return lambda row: row.exhibit == exhibit and _relative(row.path).startswith(below)


def folder_filter(exhibit: str, folder_prefix: str = "") -> Filter | None:
    """:func:`folder_predicate`, or None for the whole case (``exhibit`` "")."""
    return folder_predicate(exhibit, folder_prefix) if exhibit else None
