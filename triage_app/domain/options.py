"""The choices the program offers: formats, roles, schemes, limits.

Kept in one light module so that the command line can list them (``--help``,
argument checks) without loading the code that uses them; that code imports
them from here, so each choice is written once.
"""

#: Category schemes shipped in ``resources/schemes``.
SCHEME_IDS = ("uk", "projectvic")
#: Hash-list formats the parsers read.
HASH_LIST_FORMATS = ("csv", "vics", "icse", "plain", "nsrl")
#: What a hash set in the library is for.
HASH_SET_ROLES = ("known", "ignorable")
#: The largest pHash near-match threshold a case may set (bits of 64).
MAX_NEAR_THRESHOLD = 16
#: The case setting that holds the case's pHash near-match threshold.
SETTING_NEAR_THRESHOLD = "near_threshold"
#: Case reports and the lab's own hash list.
REPORT_FORMATS = ("pdf", "html", "csv", "vics")
LIST_FORMATS = ("csv", "vics")
#: The audit trail as stored, and the supervisor's filtered review of it.
TRAIL_FORMATS = ("csv", "json")
REVIEW_FORMATS = ("csv", "json", "pdf")
#: Periods the grading rate is counted in.
RATE_BUCKETS = ("day", "hour")
#: How far a gallery tile is blurred by default: averaged down to this many cells a side.
DEFAULT_BLUR_CELLS = 8
