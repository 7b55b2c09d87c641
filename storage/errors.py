"""Errors the archive raises, each with a message a user can act on."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class: anything the archive refuses or cannot do."""


class ArchiveURLError(ArchiveError):
    """The database URL is malformed, names an unsupported backend, or its driver is missing."""


class ArchiveUnreachableError(ArchiveError):
    """The database server (or SQLite file) could not be opened."""


class ArchiveSchemaError(ArchiveError):
    """The archive's schema could not be brought to this code's revision."""


class UnknownSourceError(ArchiveError):
    """A write named a source that `upsert_source` never created."""


class UnknownNoticeError(ArchiveError):
    """A write or lookup named a notice the archive does not hold."""


class ImmutableVersionError(ArchiveError):
    """Something tried to change a stored notice version; history is append-only."""


class CorruptRawPageError(ArchiveError):
    """A stored raw page no longer matches its recorded sha256."""


class RunStateError(ArchiveError):
    """A crawl run was finished twice, or finished with an unknown status or count."""
