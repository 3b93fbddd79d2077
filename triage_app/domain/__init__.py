"""Value types and rules with no I/O: records, accounts' roles, errors, the clock.

Nothing here imports any other part of ``triage_app``; everything else may
import it.
"""
