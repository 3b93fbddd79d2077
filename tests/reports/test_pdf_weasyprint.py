"""The PDF renderer (``triage_app.reports.pdf_weasyprint``): thumbnails only when asked,
rows never split across pages, headers and footers on every page, PDF/A-1b."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from conftest import REPO, TEST_PASSWORD, TEST_USER, run_cli
from PIL import Image
from report_helpers import pdf_text
from review_helpers import add_items

from triage_app.case.session import CaseSession
from triage_app.reports.html_blocks import CSS
from triage_app.reports.pdf_document import PrintDocument, PrintPart
from triage_app.reports.pdf_weasyprint import css_string, render_with_log
from triage_app.review import grading
from triage_app.storage.case_store import CaseStore


def test_pdf_thumbnails_only_when_asked(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.pdf"
    run = run_cli("report", case, "--format", "pdf", "--thumbnails", "--out", out)
    assert "pages" in run.stdout
    subprocess.run(["pdfimages", "-png", str(out), str(tmp_path / "img")], check=True)
    images = sorted(tmp_path.glob("img-*.png"))
    assert len(images) > 3
    for path in images:
        with Image.open(path) as img:
            assert max(img.size) <= 64
            rgb = img.convert("RGB")
            spread = max(max(px) - min(px) for px in rgb.getdata())
            assert spread <= 6, f"{path.name} is not greyscale"  # JPEG noise only


def test_a_long_listing_never_splits_a_row_across_pages(
    tmp_path: Path, test_password_hash: str
) -> None:
    case = tmp_path / "long"
    with CaseStore.create(
        case, reference="LONG-1", examiner=TEST_USER, password_hash=test_password_hash
    ) as store:
        ids = add_items(store, 50)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        grading.grade(session, ids[:20], "A")
        grading.grade(session, ids[20:], "C")
    out = tmp_path / "long.pdf"
    run_cli("report", case, "--format", "pdf", "--out", out)
    pages = pdf_text(out).split("\f")
    pages = [p for p in pages if p.strip()]
    total = len(pages)
    listing = [p for p in pages if "MD5 / SHA-1" in p]
    assert len(listing) >= 3  # the listing runs over several pages, each with its header
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {total}" in page
    seen: Counter[int] = Counter()
    for page in listing:
        hexes = set(re.findall(r"[0-9a-f]{32,40}", page))
        for i in range(1, 51):
            md5, sha1 = f"{i:032x}" in hexes, f"{i:040x}" in hexes
            assert md5 == sha1, f"item {i}'s row is cut by a page break"
            seen[i] += md5
    assert all(seen[i] == 1 for i in range(1, 51)), seen


# -- the renderer on its own ----------------------------------------------------------


def _document(**fields: object) -> PrintDocument:
    """A two-part document: a portrait page, then a landscape one."""
    defaults: dict[str, object] = {
        "title": "Renderer check",
        "author": "Tess Tester",
        "header_left": "Case R-1",
        "header_right": "Renderer check. Produced 2026-01-02 03:04:05 UTC",
        "footer_left": f"Audit trail head 7:{'ab' * 32}",
        "parts": (
            PrintPart("<h1>Portrait part</h1><p>First page.</p>"),
            PrintPart("<h2>Landscape part</h2><p>Second page.</p>", landscape=True),
        ),
        "css": CSS,
    }
    return PrintDocument(**{**defaults, **fields})  # type: ignore[arg-type]


def _write(tmp_path: Path, document: PrintDocument) -> tuple[Path, tuple[str, ...], int]:
    """Render ``document`` to a file; WeasyPrint's complaints about the document come back
    (not its advice to install libharfbuzz-subset0, which only makes it faster)."""
    rendered, messages = render_with_log(document)
    out = tmp_path / "out.pdf"
    out.write_bytes(rendered.data)
    return out, tuple(m for m in messages if "HarfBuzz-Subset" not in m), rendered.pages


def test_pdf_a_1b_with_fonts_embedded_and_the_running_header_and_footer(tmp_path: Path) -> None:
    out, messages, pages = _write(tmp_path, _document())
    assert messages == ()  # WeasyPrint had nothing to warn about
    info, meta = (
        subprocess.run(["pdfinfo", *flags, str(out)], capture_output=True, text=True,
                       check=True).stdout
        for flags in (["-f", "1", "-l", "2"], ["-meta"])
    )  # fmt: skip
    assert pages == 2 and re.search(r"^Pages:\s+2$", info, re.M)
    assert re.search(r"Page\s+1 size:\s+595\.\d+ x 841\.\d+", info)  # A4 portrait
    assert re.search(r"Page\s+2 size:\s+841\.\d+ x 595\.\d+", info)  # A4 landscape
    assert 'pdfaid:part="1" pdfaid:conformance="B"' in meta  # PDF/A-1b
    assert re.search(r"^PDF version:\s+1\.4$", info, re.M)
    assert re.search(r"^Title:\s+Renderer check$", info, re.M)
    assert re.search(r"^Author:\s+Tess Tester$", info, re.M)
    assert re.search(r"^Creator:\s+triage-workstation ", info, re.M)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]  # fmt: skip
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # embedded
    for number, page in enumerate(pdf_text(out).split("\f")[:2], 1):
        assert "Case R-1" in page and "Produced 2026-01-02 03:04:05 UTC" in page
        assert f"Audit trail head 7:{'ab' * 32}" in page
        assert f"Page {number} of 2" in page


def test_header_words_cannot_break_out_of_the_style_sheet(tmp_path: Path) -> None:
    hostile = 'Case "X"; } body { display: none } </style><p>\\ end'
    assert css_string('a"b') == '"a\\000022b"'
    assert "</style>" not in css_string(hostile) and '"' not in css_string(hostile)[1:-1]
    out, messages, _ = _write(tmp_path, _document(header_left=hostile, title=hostile))
    assert messages == ()
    text = pdf_text(out)
    # Printed as it is (wrapped in its box), and the body is still shown.
    assert "".join(hostile.split()) in "".join(text.split())
    assert "Portrait part" in text and "Landscape part" in text


def test_nothing_outside_the_document_is_fetched(tmp_path: Path) -> None:
    picture = tmp_path / "outside.png"
    Image.new("L", (8, 8), 128).save(picture)
    buffer = io.BytesIO()
    Image.new("L", (8, 8), 64).save(buffer, "JPEG")
    inline = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
    body = (f'<p><img src="{picture.as_uri()}"> <img src="http://127.0.0.1:9/x.png">'
            f' <img src="{inline}"></p>')  # fmt: skip
    out, messages, _ = _write(tmp_path, _document(parts=(PrintPart(body),)))
    listed = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]  # fmt: skip
    assert len(listed) == 1  # only the data: URI
    assert len(messages) == 2 and all("disallowed protocol" in m for m in messages), messages


_NO_PANGO = """
import sys, cffi
def refuse(self, name, *args, **kwargs):
    raise OSError(f"cannot load library {name!r}: {name}: cannot open shared object file: "
                  "No such file or directory.  Additionally, ctypes.util.find_library() did not "
                  "manage to locate a library called " + repr(name))
cffi.FFI.dlopen = refuse
from triage_app.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_missing_system_libraries_give_one_line_naming_the_packages(
    tmp_path: Path, test_password_hash: str
) -> None:
    case = tmp_path / "case"
    with CaseStore.create(
        case, reference="NOPANGO-1", examiner=TEST_USER, password_hash=test_password_hash
    ) as store:
        add_items(store, 2)
    out = tmp_path / "r.pdf"
    run = subprocess.run(
        [sys.executable, "-c", _NO_PANGO, "report", str(case), "--format", "pdf", "--out",
         str(out)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    (line,) = run.stderr.strip().splitlines()
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in line
    assert "cannot load library 'libgobject-2.0-0'" in line
    assert "--format html or csv" in line
    assert not out.exists()


def test_loading_the_renderer_leaves_truncated_images_refused() -> None:
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported; it is put back."""
    from PIL import ImageFile

    from triage_app.reports.pdf_weasyprint import load_weasyprint

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    load_weasyprint()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
