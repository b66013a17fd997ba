"""Readers of controlled files: bytes in, metadata mapping, body text and lines out."""
