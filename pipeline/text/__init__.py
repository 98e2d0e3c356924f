"""Small text utilities shared by several stages (scripts, dates, bylines)."""
