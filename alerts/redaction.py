"""Keeping Apprise URLs out of logs: every part of a configured URL is blanked in log records.

Apprise URLs carry passwords and tokens, sometimes as the host or the path (``tgram://TOKEN``).
regwatch itself names channels by a hash; this filter covers what Apprise and urllib3 log.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit


class _Redactor(logging.Filter):
    """Blanks every part of the configured Apprise URLs in Apprise's log records."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._guard = threading.Lock()

    def learn(self, urls: Iterable[str]) -> None:
        with self._guard:
            for url in urls:
                self._secrets.update(url_parts(url))
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def blank(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub("***", text) if pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is not None:
            record.msg = self.blank(record.getMessage())
            record.args = None
        return True


def url_parts(url: str) -> set[str]:
    """The parts of a URL that may be secret: everything but the scheme (3+ characters)."""
    parts = urlsplit(url)
    found = {url, url.split("://", 1)[-1]}
    for piece in (parts.username, parts.password, parts.hostname, parts.netloc):
        if piece:
            found.update({piece, unquote(piece)})
    for segment in parts.path.split("/"):
        if segment:
            found.update({segment, unquote(segment)})
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if value:
            found.update({value, unquote(value)})
    return {piece for piece in found if len(piece) >= 3}


redactor = _Redactor()


# Loggers that may write a channel's URL: Apprise's, and urllib3's under its HTTP plugins (a
# logger's filters see only the records made by that very logger, not by its children).
REDACTED_LOGGERS = ("apprise", "urllib3.connectionpool", "urllib3.util.retry", "urllib3")


def install_redaction(urls: Iterable[str]) -> None:
    """Make the loggers Apprise sends through blank these URLs' parts (idempotent)."""
    redactor.learn(urls)
    for name in REDACTED_LOGGERS:
        target = logging.getLogger(name)
        if redactor not in target.filters:
            target.addFilter(redactor)
