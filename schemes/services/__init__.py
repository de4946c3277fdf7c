"""Writes that touch several models, as small keyword-only functions (STYLE §4)."""
