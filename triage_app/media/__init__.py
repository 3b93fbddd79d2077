"""Media types: recognising content, decoding safely, perceptual hashes, blurring.

A new media type (video, documents) goes here: its sniffing, its decoder
(run by the ingest's worker pool) and what it contributes to an item record.
"""
