"""The per-user hash library: importing lists and the per-set lookup indexes."""
