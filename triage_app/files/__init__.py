"""File helpers every layer uses: atomic writes, file digests, safe output targets."""
