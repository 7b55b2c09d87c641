"""Spiders built from source definitions."""
