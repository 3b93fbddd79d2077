"""The lab's own known list: the case's graded media in the product's CSV.

Columns ``md5,sha1,sha256,phash,dhash,category,name,note`` (the product CSV
that ``triage hashset import`` reads), one row per distinct graded content,
with the rules of :mod:`triage_app.reports.graded_media`. ``category`` is the
case scheme's own code; ``name`` the file name of the graded copy; ``note``
where the grade came from (case, exhibits, source, examiner, time).

A graded video's row also carries ``frame_hashes``: its sampled frames' times
and hashes (format: :mod:`triage_app.hashsets.frame_hashes`), so that the
library that imports the list finds re-encoded or edited copies of the video.

Three ``#`` comment lines at the top (skipped by the importer) say which case,
scheme and export this is. The list's scheme is not in the columns: import it
with ``--scheme`` set to the case's scheme (the command prints the line to use;
without it the importer infers the scheme from the codes, which works for UK
letters and Project VIC numbers alike).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from triage_app.domain.records import FrameHash
from triage_app.domain.text_safety import SafeCsvWriter
from triage_app.hashsets.frame_hashes import FRAME_HASHES, encode_frames
from triage_app.reports.graded_media import GradedMediaList, provenance_note
from triage_app.reports.model import ReportData

COLUMNS = ("md5", "sha1", "sha256", "phash", "dhash", "category", "name", "note", FRAME_HASHES)


def render_lab_list(
    data: ReportData,
    graded: GradedMediaList,
    frames: Mapping[str, Sequence[FrameHash]] | None = None,
) -> bytes:
    """The list's bytes (UTF-8, ``\\n`` line ends); ``frames``: a video's by SHA-256."""
    frames = frames or {}
    out = io.StringIO()
    out.write(f"# triage lab known list from case {_one_line(data.reference)}\n")
    out.write(
        f"# scheme {data.scheme.id}; {len(graded.media)} entries from {graded.files} files; "
        f"exported {data.generated_at} by {_one_line(data.generated_by)}\n"
    )
    out.write(f"# audit head {data.audit_head[0]}:{data.audit_head[1]}\n")
    writer = SafeCsvWriter(out)
    writer.writerow(COLUMNS)
    for entry in graded.media:
        writer.writerow(
            (
                entry.md5,
                entry.sha1,
                entry.sha256,
                entry.phash or "",
                entry.dhash or "",
                entry.category,
                entry.name,
                provenance_note(data, entry),
                encode_frames(frames[entry.sha256]) if frames.get(entry.sha256) else "",
            )
        )
    return out.getvalue().encode("utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.split())
