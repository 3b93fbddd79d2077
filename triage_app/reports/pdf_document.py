"""What a PDF renderer is given and what it gives back, and the interface every renderer has.

A :class:`PrintDocument` is HTML split into parts (each part portrait or
landscape, starting on a new page) with the words of the running header and
footer and the style sheet of its content. A :class:`PdfRenderer` turns it
into a PDF/A-1b file (fonts embedded) in which:

- every page has the running header (``header_left``, ``header_right``) and
  footer (``footer_left``, "Page N of M");
- a table row is never split across pages, a table's ``thead`` is repeated on
  every page it runs over, and a grid table of class ``keep`` moves to the next
  page whole (with the heading before it) rather than being split;
- nothing is fetched from outside the document (images are ``data:`` URIs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from triage_app.domain.errors import TriageError


@dataclass(frozen=True, slots=True)
class PrintPart:
    """A run of pages in one orientation: the HTML of its content (no ``<html>``/``<body>``)."""

    html: str
    landscape: bool = False


@dataclass(frozen=True, slots=True)
class PrintDocument:
    """What the PDF renderer needs."""

    title: str
    author: str
    header_left: str
    header_right: str
    footer_left: str
    parts: tuple[PrintPart, ...]
    #: The style sheet of the parts' content (the renderer adds the page layout).
    css: str = ""


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    """A rendered PDF and its page count."""

    data: bytes
    pages: int


class PdfRenderer(Protocol):
    """Anything that lays a :class:`PrintDocument` out as a PDF."""

    def render(self, document: PrintDocument) -> RenderedPdf:
        """The PDF's bytes and page count."""
        ...


class PdfUnavailableError(TriageError):
    """The PDF renderer cannot run here (a library is missing); the message says which."""
