"""The HTML report (``triage_app.reports.html_report``): self-contained, thumbnails blurred."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

from conftest import TEST_PASSWORD, TEST_USER
from PIL import Image
from report_helpers import REFERENCE

from triage_app.case.session import CaseSession
from triage_app.reports import export_report


def _sharpness(img: Image.Image) -> float:
    px = list(img.getdata())
    w = img.width
    diffs = [abs(px[i + 1] - px[i]) for i in range(len(px) - 1) if (i + 1) % w]
    return sum(diffs) / len(diffs)


def test_html_is_self_contained_and_thumbnails_are_blurred(case: Path, tmp_path: Path) -> None:
    plain, with_thumbs = tmp_path / "r.html", tmp_path / "t.html"
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        export_report(session, "html", plain)
        result = export_report(session, "html", with_thumbs, thumbnails=True)
        listed = [i for i in session.store.iter_items() if i.id in session.review.grades()]
        stored = {i.id: session.store.thumbnail(i.id) for i in listed}
    text = plain.read_text(encoding="utf-8")
    assert "<img" not in text
    assert REFERENCE in text and result.audit_head[1] in with_thumbs.read_text()
    html = with_thumbs.read_text(encoding="utf-8")
    for bad in ("<script", 'src="http', 'href="http', "<link", "@import", "url("):
        assert bad not in html.lower()
    uris = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', html)
    assert len(uris) == sum(1 for t in stored.values() if t) == result.counts["thumbnails"] > 3
    originals = [Image.open(io.BytesIO(t)).convert("L") for t in stored.values() if t]
    for uri, original in zip(uris, originals, strict=False):
        shown = Image.open(io.BytesIO(base64.b64decode(uri)))
        assert shown.mode == "L" and max(shown.size) <= 64
        reference = original.resize(shown.size)
        assert _sharpness(shown) < 0.5 * _sharpness(reference)
