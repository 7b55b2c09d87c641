"""The answer a local site gives to one request, and the validators (ETag, 304) every answer shares."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime


@dataclass
class Reply:
    """A complete HTTP answer: status, headers in order, body bytes (never re-encoded)."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        """Replace every header called `name` (case-insensitive) by one with `value`."""
        wanted = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != wanted]
        self.headers.append((name, value))


def etag_for(body: bytes) -> str:
    """A strong ETag derived from the bytes alone, so an edited copy gets a new one."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


def json_reply(
    document: object,
    status: int = 200,
    content_type: str = "application/json;charset=UTF-8",
    extra_headers: list[tuple[str, str]] | None = None,
) -> Reply:
    """A JSON answer in UTF-8 (non-ASCII kept as is, as the Chinese sites send it), with an ETag."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = [("Content-Type", content_type), ("ETag", etag_for(body))]
    headers.extend(extra_headers or [])
    return Reply(status, headers, body)


def html_reply(
    page: str | bytes,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    extra_headers: list[tuple[str, str]] | None = None,
) -> Reply:
    body = page.encode("utf-8") if isinstance(page, str) else page
    headers = [("Content-Type", content_type)]
    headers.extend(extra_headers or [])
    return Reply(status, headers, body)


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 asks for If-None-Match: W/"x" matches "x".
    bare = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        if candidate.strip().removeprefix("W/") == bare:
            return True
    return False


def is_not_modified(
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str | None,
    last_modified: float | None,
) -> bool:
    """Whether a conditional GET may be answered 304.

    If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2); an
    unparsable date never yields 304.
    """
    if if_none_match is not None:
        return etag is not None and _etag_matches(if_none_match, etag)
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    # HTTP dates have whole seconds: compare the file's mtime at that precision.
    return int(last_modified) <= since
