"""Normalising numbers and names, extracting figures and platforms, comparing versions and periods."""
