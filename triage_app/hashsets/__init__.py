"""Streaming parsers for the hash lists examiners receive.

Pure parsing: no database, no Qt. Supported formats, recognised from content:
the product's CSV (``csv``), Project VIC JSON 1.3/2.0 (``vics``), Interpol ICSE
CSV (``icse``), plain lists of MD5/SHA-1/SHA-256 (``plain``) and NSRL RDS v2
``NSRLFile.txt`` (``nsrl``).

Typical use::

    report = ParseReport()
    for entry in parse(path, report=report):
        store(entry)
    check_usable(report)          # refuse a list with no valid entry
    audit(report.fingerprint, report.rejected_count, report.warnings)
"""

from triage_app.hashsets.detect import detect_format
from triage_app.hashsets.model import (
    FORMATS,
    HashEntry,
    HashListError,
    ParseReport,
    Rejected,
    check_usable,
)
from triage_app.hashsets.parsers import fingerprint, parse

__all__ = [
    "FORMATS",
    "HashEntry",
    "HashListError",
    "ParseReport",
    "Rejected",
    "check_usable",
    "detect_format",
    "fingerprint",
    "parse",
]
