"""Non-visual GUI logic on Qt objects: grading, reveals, thumbnail loading, break reminders."""
