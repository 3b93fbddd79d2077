"""The PDF renderer: WeasyPrint lays a :class:`PrintDocument` out as PDF/A-1b (no Qt).

WeasyPrint (BSD licence) paginates HTML and CSS itself. :data:`PAGE_CSS` gives
A4 pages whose margin boxes carry the running header (case, title and date)
and footer (audit head, "Page N of M" from ``counter(page)`` and
``counter(pages)``); landscape parts go on a named landscape page; table rows
are never split, table headers repeat on every page, a ``keep`` table moves
to the next page whole and a heading stays with what follows it.

WeasyPrint needs the system's Pango libraries (Debian: ``libpango-1.0-0`` and
``libpangoft2-1.0-0``; ``libharfbuzz-subset0`` makes it faster), loaded when the
first PDF is rendered; without them the renderer raises
:class:`PdfUnavailableError` naming the packages. Nothing
outside the document is fetched: the only URLs it may load are ``data:`` URIs.
"""

from __future__ import annotations

import contextlib
import html
import io
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from triage_app import __version__
from triage_app.reports.pdf_document import (
    PdfUnavailableError,
    PrintDocument,
    RenderedPdf,
)

#: The Debian packages holding the libraries WeasyPrint needs.
DEBIAN_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")
#: And the one it is faster with (font subsetting; without it WeasyPrint warns, in its log).
DEBIAN_RECOMMENDED = ("libharfbuzz-subset0",)
PDF_VARIANT = "pdf/a-1b"
CREATOR = f"triage-workstation {__version__}"
HEADER_FONT = "'DejaVu Sans', sans-serif"
FOOTER_FONT = "'DejaVu Sans Mono', monospace"

#: The page layout; ``{header_left}`` and the like are CSS strings (see :func:`css_string`).
PAGE_CSS = """
@page {{
  size: A4 portrait;
  margin: 24mm 18mm 24mm 18mm;
  @top-left {{
    content: {header_left}; width: 40%; vertical-align: bottom; text-align: left;
    font: bold 8.5pt {header_font}; border-bottom: 0.2mm solid #555555;
    padding-bottom: 1mm; margin-bottom: 3mm;
  }}
  @top-right {{
    content: {header_right}; width: 60%; vertical-align: bottom; text-align: right;
    font: 7.5pt {header_font}; border-bottom: 0.2mm solid #555555;
    padding-bottom: 1mm; margin-bottom: 3mm;
  }}
  @bottom-left {{
    content: {footer_left}; width: 82%; vertical-align: top; text-align: left;
    font: 6.5pt {footer_font}; border-top: 0.2mm solid #555555;
    padding-top: 1mm; margin-top: 3mm;
  }}
  @bottom-right {{
    content: "Page " counter(page) " of " counter(pages); width: 18%; vertical-align: top;
    text-align: right; font: bold 8.5pt {header_font}; border-top: 0.2mm solid #555555;
    padding-top: 1mm; margin-top: 3mm;
  }}
}}
@page landscape {{ size: A4 landscape; }}
html, body {{ margin: 0; padding: 0; font-variant-ligatures: none; }}
div.part.landscape {{ page: landscape; }}
div.part + div.part {{ break-before: page; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
table.keep {{ break-inside: avoid; }}
table.grid, table.kv {{ table-layout: fixed; }}
h1, h2, h3 {{ break-after: avoid; }}
"""

#: Characters left as they are in a CSS string; any other is written as an escape.
_CSS_PLAIN = frozenset(" .,:;-_()/+#@!?%'")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that nothing in it can end early."""
    chars = (ch if ch.isalnum() or ch in _CSS_PLAIN else f"\\{ord(ch):06x}" for ch in text)
    return '"' + "".join(chars) + '"'


def document_html(document: PrintDocument) -> str:
    """The whole document as one HTML file, with the page layout in its style sheet."""
    page_css = PAGE_CSS.format(
        header_left=css_string(document.header_left),
        header_right=css_string(document.header_right),
        footer_left=css_string(document.footer_left),
        header_font=HEADER_FONT,
        footer_font=FOOTER_FONT,
    )
    parts = "".join(
        f'<div class="part {"landscape" if part.landscape else "portrait"}">{part.html}</div>'
        for part in document.parts
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(document.title)}</title>"
        f'<meta name="author" content="{html.escape(document.author)}">'
        f'<meta name="generator" content="{html.escape(CREATOR)}">'
        f"<style>{document.css}{page_css}</style></head><body>{parts}</body></html>"
    )


def load_weasyprint() -> Any:
    """The ``weasyprint`` module, or :class:`PdfUnavailableError` saying what to install."""
    from PIL import ImageFile

    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when it is
    # imported; truncated evidence must never decode silently, so it is put back.
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        # On a failed load WeasyPrint prints a help text of its own: keep it off the output.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError as exc:  # cffi could not load a shared library
        reason = " ".join(str(exc).split(".  ")[0].split())
        raise PdfUnavailableError(
            f"PDF reports need the Pango text libraries, which cannot be loaded here "
            f"({reason}); install them (Debian/Ubuntu: apt-get install "
            f"{' '.join(DEBIAN_PACKAGES)}) or choose --format html or csv"
        ) from None
    except ImportError as exc:
        raise PdfUnavailableError(
            f"PDF reports need WeasyPrint, which is not installed ({exc}); "
            "choose --format html or csv"
        ) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return weasyprint


@contextlib.contextmanager
def _log_kept(name: str) -> Iterator[list[str]]:
    """The warnings and errors logger ``name`` gives meanwhile."""
    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(f"{record.levelname}: {record.getMessage()}")

    logger = logging.getLogger(name)
    handler = Keep(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield kept
    finally:
        logger.removeHandler(handler)


def render_with_log(document: PrintDocument) -> tuple[RenderedPdf, tuple[str, ...]]:
    """Render ``document``; also return what WeasyPrint warned about (a test wants none)."""
    weasyprint = load_weasyprint()
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=("data",))
    with _log_kept("weasyprint") as messages, warnings.catch_warnings():
        # WeasyPrint reads its sRGB profile (PDF/A's output intent) from a file it never
        # closes; the warning about that is WeasyPrint's, not ours.
        warnings.simplefilter("ignore", ResourceWarning)
        laid_out = weasyprint.HTML(string=document_html(document), url_fetcher=fetcher).render()
        data = laid_out.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedPdf(bytes(data), len(laid_out.pages)), tuple(messages)


@dataclass(frozen=True, slots=True)
class WeasyPrintRenderer:
    """The :class:`~triage_app.reports.pdf_document.PdfRenderer` the CLI and the GUI use."""

    def render(self, document: PrintDocument) -> RenderedPdf:
        """The PDF/A-1b bytes of ``document`` and its page count."""
        return render_with_log(document)[0]
