"""Pydantic models of every file in a strategy repository."""
