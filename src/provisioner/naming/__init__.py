"""Derived physical names (SPEC §2)."""
