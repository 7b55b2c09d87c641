"""Exceptions regwatch's crawl components raise to stop a request."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class AlreadyRecorded(IgnoreRequest):
    """A request stopped on purpose, whose reason is already in the run's record.

    Spiders' errbacks record any other failure (a decompression bomb, a lost connection) as a
    health problem; these they leave alone.
    """


class EgressRefused(AlreadyRecorded):
    """A request the egress gate will not send."""


class BotWall(AlreadyRecorded):
    """An answer that is a bot wall, not the page."""


class RobotsDisallowed(AlreadyRecorded):
    """A request robots.txt forbids, or a run without a usable robots.txt."""


class NotDue(AlreadyRecorded):
    """A known notice page that need not be fetched this run."""


class NotModified(AlreadyRecorded):
    """The site said 304: the archived version is current."""
