"""Writes that touch several models, as small keyword-only functions (docs/contributing.md, house rule 4)."""
