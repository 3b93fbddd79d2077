"""Qt item models: the gallery's tiles and the audit trail's entries."""
