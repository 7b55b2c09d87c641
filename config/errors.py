"""The one error a configuration problem raises: which file, which line, and why."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration or source definition that cannot be used, with where and why."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
