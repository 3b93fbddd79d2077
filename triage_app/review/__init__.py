"""The examiner's work on a case: grading, duplicate groups, reveals, the gallery's rows.

Qt-free: the GUI is a thin layer over these modules, and the CLI uses the same.
"""
