"""What the program reads before it opens a case: per-user settings, shipped data, schemes."""
