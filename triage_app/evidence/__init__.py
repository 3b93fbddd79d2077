"""Sources of seized media, read-only: today a folder tree.

A new kind of source (disk images, archives, phone extractions) goes here: it
yields entries and opens them for reading without ever writing to the source.
"""
