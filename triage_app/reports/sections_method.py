"""Section 3 of the report, "Method": software, ingests, hash sets, matching, grade sources."""

from __future__ import annotations

from triage_app.reports.html_blocks import APPLICATION, Section, e, grid, kv, num, td, tr, when
from triage_app.reports.model import ReportData
from triage_app.review.grading import CONFIRMED, FROM_LIST, MANUAL

#: What each source of a grade means, in the order the table gives them.
GRADE_SOURCES = {
    FROM_LIST: "graded from the category of an exact hash-list match, without viewing",
    CONFIRMED: "a near-match suggestion, viewed and confirmed by an examiner",
    MANUAL: "graded by an examiner who viewed the item",
    "propagated": "copied from an item of the same duplicate group (identical or "
    "visually the same) that an examiner graded",
}


def method_section(data: ReportData) -> Section:
    """3. Method: how the case was read, hashed, matched and graded."""
    body = [
        "<h3>Software</h3>",
        _software(data),
        "<p>Each exhibit was read without being changed. Every file found was hashed in "
        "full (MD5, SHA-1 and SHA-256). Images of an allowed format were decoded with "
        "Pillow, with their EXIF orientation applied and transparency composited on white; "
        "their perceptual hashes (pHash and dHash, 64 bits) were computed with imagehash. "
        "Other formats were hashed and never decoded.</p>",
        "<h3>Ingests</h3>",
        _ingests(data),
        "<h3>Hash sets used</h3>",
        _hash_sets(data),
        "<h3>Matching and thresholds</h3>",
        _matching(data),
        "<p><b>Exact</b>: the file's MD5, SHA-1 or SHA-256 equals an entry of a known list. "
        "<b>Near</b>: its pHash is within the pHash threshold (bits of 64) of a list "
        "entry's and its dHash within the dHash threshold; low-information (blank, uniform) "
        "and partly decoded images never near-match. A near match is only a suggestion "
        "until an examiner confirms it. <b>Ignorable</b>: an exact hit in a known-good list "
        "(such as NSRL); it is not a grade.</p>",
        "<h3>How the items were graded</h3>",
        _grade_sources(data),
        '<p class="note">The listing (section 6) gives each item\'s source and, for a '
        "hash-list or near match, the list and the hash it matched on. A video is graded "
        "by the most severe content visible in it.</p>",
    ]
    return Section("Method", "".join(body))


def _software(data: ReportData) -> str:
    pillow = sorted({r.pillow_version for x in data.exhibits for r in x.runs})
    imagehash = sorted({r.imagehash_version for x in data.exhibits for r in x.runs})
    return kv(
        [
            ("Report produced with", f"{APPLICATION} {e(data.tool_version)}"),
            ("Pillow (image decoding)", e(", ".join(pillow) or "not used")),
            ("imagehash (pHash, dHash)", e(", ".join(imagehash) or "not used")),
            (
                "Installed now",
                f"Pillow {e(data.runtime_versions['pillow'])}, imagehash "
                f"{e(data.runtime_versions['imagehash'])}",
            ),
        ]
    )


def _ingests(data: ReportData) -> str:
    rows = []
    for ex in data.exhibits:
        for r in ex.runs:
            atime = {True: "yes", False: "no", None: "-"}[r.atime_preserved]
            values = [e(ex.reference), str(r.id), when(r.started_at), when(r.finished_at),
                      e(r.state), e(r.app_version), e(r.pillow_version),
                      e(r.imagehash_version), atime]  # fmt: skip
            rows.append(tr(td(v, right=n == 1) for n, v in enumerate(values)))
    return grid(
        ["Exhibit", "Run", "Started (UTC)", "Finished (UTC)", "State", "triage", "Pillow",
         "imagehash", "Access times kept"],
        rows,
        [11, 6, 17, 17, 9, 9, 9, 11, 11],
    )  # fmt: skip


def _hash_sets(data: ReportData) -> str:
    if not data.hash_sets:
        return "<p>No hash set was used: the case was not matched against any list.</p>"
    rows = []
    for s in data.hash_sets:
        runs = e(", ".join(map(str, s.runs))) + (" (latest)" if s.in_latest_run else "")
        rows.append(
            tr([td(f"<b>{e(s.name)}</b>"), td(e(s.role)), td(num(s.entries), right=True),
                td(when(s.imported_at)), td(runs)])
        )  # fmt: skip
        rows.append(
            tr(
                [
                    td(
                        f'fingerprint <span class="mono">{e(s.fingerprint)}</span><br>'
                        f'file SHA-256 <span class="mono">{e(s.source_sha256)}</span>',
                        span=5,
                    )
                ]
            )
        )
    return grid(
        ["Name", "Role", "Entries", "Imported (UTC)", "Used in match runs"],
        rows,
        [34, 12, 14, 22, 18],
    ) + (
        '<p class="note">The fingerprint identifies a list\'s content whatever its file '
        "encoding; the file SHA-256 identifies the exact file imported.</p>"
    )


def _matching(data: ReportData) -> str:
    if not data.match_runs:
        return "<p>The case was not matched against hash lists.</p>"
    rows = [
        tr(
            [
                td(str(r.id), right=True),
                td(when(r.finished_at or r.started_at)),
                td(e(", ".join(r.sets) or "none")),
                td(e(r.thresholds.get("phash", "")), right=True),
                td(e(r.thresholds.get("confirm", "")), right=True),
                *(td(num(r.counts.get(k, 0)), right=True) for k in ("exact", "near", "ignorable")),
            ]
        )
        for r in data.match_runs
    ]
    return grid(
        ["Run", "Matched (UTC)", "Hash sets", "pHash max", "dHash max", "Exact", "Near",
         "Ignorable"],
        rows,
        [6, 17, 35, 9, 9, 8, 8, 8],
    )  # fmt: skip


def _grade_sources(data: ReportData) -> str:
    sources = data.grade_sources()
    rows = [
        tr([td(e(k)), td(num(sources.get(k, 0)), right=True), td(e(v))])
        for k, v in GRADE_SOURCES.items()
    ]
    rows += [
        tr([td(e(k)), td(num(v), right=True), td("")])
        for k, v in sources.items()
        if k not in GRADE_SOURCES
    ]
    rows.append(tr([td("all grades"), td(num(sum(sources.values())), right=True), td("")], "total"))
    return grid(["Grade source", "Items", "Meaning"], rows, [24, 10, 66])
