"""Fixtures shared by the test modules: local site copies served on loopback."""

from __future__ import annotations

pytest_plugins = ("tests.sites",)
