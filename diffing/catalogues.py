"""Reading the data catalogues (``diffing/data/*.toml`` and users' extensions of them)."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

__all__ = ["entry_id", "parse_catalogue", "read_builtin"]


def read_builtin(name: str) -> str:
    """The text of a built-in catalogue, ``name`` as in ``"metrics.toml"``."""
    return resources.files("diffing").joinpath(f"data/{name}").read_text("utf-8")


def parse_catalogue(source: str, what: str) -> dict[str, Any]:
    """A catalogue's TOML; ``ValueError`` naming the catalogue when it is not TOML."""
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{what} is not valid TOML: {error}") from error


def entry_id(entry: Any, what: str) -> str:
    """The id of a catalogue entry; ``ValueError`` when it has none."""
    try:
        identifier = entry["id"]
    except (TypeError, KeyError, IndexError) as error:
        raise ValueError(f"{what} entry without an id: {entry!r}") from error
    if not identifier or not str(identifier).strip():
        raise ValueError(f"{what} entry with an empty id: {entry!r}")
    return str(identifier)
