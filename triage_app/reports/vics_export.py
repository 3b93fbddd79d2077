"""VICS JSON 2.0 export of the case's graded media (Project VIC data model).

One Case object whose ``Media`` holds one record per distinct graded content
(see :mod:`triage_app.reports.graded_media` for what is included), each with:
``MD5``, ``SHA1``, ``Category``, ``MediaSize``, ``MimeType``,
``IsPrecategorized``/``PrecategorizationSource`` (true when the grade came
from a hash list), ``Comments`` (where the grade came from, then the examiners'
tags, notes and marked video frames on its copies), ``Tags`` (the examiners' tags,
comma-separated; only when there are some), ``DateUpdated``
(when it was graded), ``MediaFiles`` (every file in the case holding that
content: ``FileName``, ``FilePath`` and ``MD5``) and ``AlternativeHashes``
(``SHA256``, and ``pHash``/``dHash`` as 16 hex digits, as imagehash prints them;
for a video also ``frame_hashes``, its sampled frames: see
:mod:`triage_app.hashsets.frame_hashes`). A video's ``MimeType`` is its
``video/...`` type (``video/mp4`` when the container is not known).

Profile and category codes follow the case's scheme:

- ``projectvic`` -> the US profile with the public numeric codes 0-5 (numbers);
- ``uk`` -> the UK profile. CAID's numeric category codes are not public, so
  the export carries the case scheme's own codes as strings (``"A"``, ``"B"``,
  ``"C"``, ``"PNP"``, ``"XP"``, ``"NI"``); importing it back (``triage hashset
  import``) reads them through the UK scheme, unchanged. A recipient who needs
  CAID's numbers must map them.

``FilePath`` is ``EXHIBIT:path``: the exhibit reference, a colon and the
file's path inside the exhibit (as recorded; undecodable bytes as ``\\xNN``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from triage_app import __version__
from triage_app.domain.records import FrameHash
from triage_app.hashsets.frame_hashes import FRAME_HASHES, encode_frames
from triage_app.reports.graded_media import (
    GradedMediaList,
    annotation_note,
    entry_tags,
    provenance_note,
)
from triage_app.reports.model import ReportData

APPLICATION_NAME = "triage-workstation"
CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{profile}/$metadata#Cases"
PROFILES = {"uk": "UK", "projectvic": "US"}
_MIME = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
    "HEIF": "image/heif",
    "AVIF": "image/avif",
    "MP4": "video/mp4",
    "AVI": "video/x-msvideo",
    "MATROSKA": "video/x-matroska",
    "ASF": "video/x-ms-asf",
    "FLV": "video/x-flv",
    "MPEG": "video/mpeg",
    "MPEG-PS": "video/mpeg",
    "MPEG-TS": "video/mp2t",
}


def profile_for(scheme_id: str) -> str:
    """The VICS profile for a case scheme."""
    return PROFILES[scheme_id]


def _category(scheme_id: str, code: str) -> Any:
    return int(code) if scheme_id == "projectvic" else code


def _mime(fmt: str | None, media_type: str | None) -> str | None:
    found = _MIME.get(fmt or "")
    if found is None and media_type == "video":
        return "video/mp4"
    return found


def build_vics(
    data: ReportData,
    graded: GradedMediaList,
    frames: Mapping[str, Sequence[FrameHash]] | None = None,
) -> dict[str, Any]:
    """The export as a JSON-ready dict (``frames``: a video's sampled frames by SHA-256)."""
    frames = frames or {}
    scheme_id = data.scheme.id
    media: list[dict[str, Any]] = []
    for number, entry in enumerate(graded.media, 1):
        alternatives: list[dict[str, Any]] = [
            {"MD5": entry.md5.upper(), "HashName": "SHA256", "HashValue": entry.sha256.upper()}
        ]
        if entry.phash and entry.dhash:
            alternatives += [
                {"MD5": entry.md5.upper(), "HashName": "pHash", "HashValue": entry.phash},
                {"MD5": entry.md5.upper(), "HashName": "dHash", "HashValue": entry.dhash},
            ]
        if frames.get(entry.sha256):
            alternatives.append(
                {"MD5": entry.md5.upper(), "HashName": FRAME_HASHES,
                 "HashValue": encode_frames(frames[entry.sha256])}
            )  # fmt: skip
        record: dict[str, Any] = {
            "MediaID": number,
            "Category": _category(scheme_id, entry.category),
            "MD5": entry.md5.upper(),
            "SHA1": entry.sha1.upper(),
            "MediaSize": entry.size,
            "MimeType": _mime(entry.format, entry.media_type),
            "IsPrecategorized": entry.precategorised,
            "PrecategorizationSource": entry.grade.match_set if entry.precategorised else None,
            "Comments": "; ".join(
                filter(None, [provenance_note(data, entry), annotation_note(entry)])
            ),
            "DateUpdated": entry.grade.graded_at,
            "MediaFiles": [
                {
                    "MD5": entry.md5.upper(),
                    "FileName": copy.path.rsplit("/", 1)[-1],
                    "FilePath": f"{copy.exhibit}:{copy.path}",
                    "Written": copy.modified_utc,
                }
                for copy in entry.copies
            ],
            "AlternativeHashes": alternatives,
        }
        tags = entry_tags(entry)
        if tags:
            record["Tags"] = ", ".join(tags)
        media.append(record)
    case_id = uuid.uuid5(uuid.NAMESPACE_URL, f"triage-case:{data.reference}:{data.case_created_at}")
    return {
        "@odata.context": CONTEXT.format(profile=profile_for(scheme_id)),
        "value": [
            {
                "CaseID": str(case_id),
                "CaseNumber": data.reference,
                "ContactName": data.generated_by,
                "SourceApplicationName": APPLICATION_NAME,
                "SourceApplicationVersion": __version__,
                "TotalMediaFiles": graded.files,
                "TotalPrecategorized": sum(m.precategorised for m in graded.media),
                "Media": media,
            }
        ],
    }


def render_vics(
    data: ReportData,
    graded: GradedMediaList,
    frames: Mapping[str, Sequence[FrameHash]] | None = None,
) -> bytes:
    """The export's bytes: UTF-8 JSON, one media record per line block."""
    return (
        json.dumps(build_vics(data, graded, frames), indent=1, ensure_ascii=False) + "\n"
    ).encode("utf-8")
