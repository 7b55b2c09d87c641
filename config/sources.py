"""The ``[sources]`` schema: what a regulator site is, as users write it in TOML without code.

A source says where its list pages, list API or feed are, how to find each notice's fields, how
often to visit and how politely. Built-in sources live in ``config/builtin/*.toml``; a user's
``regwatch.toml`` overrides their fields or adds new ones under ``[sources.<id>]``. Anything
malformed is refused with the file, the line and the reason (:class:`ConfigError`).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from config.durations import format_duration, parse_duration
from config.errors import ConfigError
from config.toml import Located, read_toml

LIST_KINDS = ("html", "json", "feed")
# How long to wait before checking an archived notice page again, as the notice ages: an
# hour after it is first seen, then six hours, a day, three days, a week, then every 30 days.
DEFAULT_REVISIT = (3600.0, 6 * 3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0, 30 * 86400.0)
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# The ranges of a source's numbers: beyond them a value is a mistake, and some (a page count
# in the billions, a day-long request timeout) would keep a crawl going for ever.
MAX_DELAY = 3600.0
MAX_TIMEOUT = 3600.0
MAX_NOTICES = 1_000_000
MAX_PAGES = 100_000


@dataclass(frozen=True)
class ListSpec:
    """How to read one kind of list: an HTML page, a JSON API (maybe carrying HTML), or a feed.

    Selector strings are CSS (with parsel's ``::text`` and ``::attr(x)``) unless they start with
    ``xpath:``. For JSON lists, ``items`` and the field names are dotted paths into the answer.
    """

    kind: str
    url: str
    method: str = "GET"
    params: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    json_body: Mapping[str, Any] = field(default_factory=dict)
    items: str = ""
    link: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    html_field: str = ""
    params_from: str = ""
    first_page: int = 1
    max_pages: int = 1


@dataclass(frozen=True)
class ArticleSpec:
    """Where a notice page keeps its fields; each field lists selectors tried in order."""

    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    continuation: str = ""


@dataclass(frozen=True)
class Source:
    """One regulator channel regwatch watches."""

    id: str
    name: str
    authority: str
    language: str
    base_url: str
    list: ListSpec
    article: ArticleSpec
    more: ListSpec | None = None
    cookie_url: str = ""
    hosts: tuple[str, ...] = ()
    timezone: str = "UTC"
    interval: float | None = 3600.0
    cron: str | None = None
    delay: float = 2.0
    encoding: str | None = None
    revisit: tuple[float, ...] = DEFAULT_REVISIT
    timeout: float = 30.0
    max_notices: int = 500
    trusted_origins: tuple[str, ...] = ()
    rewrite_hosts: tuple[str, ...] = ()
    origin: str = "built-in"
    # The regulator's own base URL when ``base_url`` is a mirror or a local copy of its site.
    regulator_base_url: str = ""

    def url(self, path: str) -> str:
        """An absolute URL for a path or URL written in the definition, on this source's base."""
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/")) if not _is_absolute(
            path
        ) else self.localise(path)

    def localise(self, url: str) -> str:
        """Rewrite a link to one of the source's original hosts onto the configured base URL.

        A mirror or a local copy keeps the real site's absolute and protocol-relative links
        (the CAC list API answers ``//www.cac.gov.cn/...``); following them as they are would
        leave the mirror.
        """
        if url.startswith("//"):
            url = urlsplit(self.base_url).scheme + ":" + url
        if not self.rewrite_hosts:
            return url
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.lower() in self.rewrite_hosts:
            base = urlsplit(self.base_url)
            prefix = base.path.rstrip("/")
            return urlunsplit(
                (base.scheme, base.netloc, prefix + parts.path, parts.query, parts.fragment)
            )
        return url

    def canonical(self, url: str) -> str:
        """The regulator's URL of a page fetched at ``url``: the inverse of `localise` for a
        source pointed at a mirror (a page of the mirror becomes the same path on the
        regulator's site); ``url`` itself otherwise."""
        if not self.regulator_base_url or self.regulator_base_url == self.base_url:
            return url
        mirror = urlsplit(self.base_url)
        parts = urlsplit(url)
        prefix = mirror.path.rstrip("/")
        if (parts.scheme, parts.netloc) != (mirror.scheme, mirror.netloc) or not (
            parts.path == prefix or parts.path.startswith(prefix + "/")
        ):
            return url
        regulator = urlsplit(self.regulator_base_url)
        return urlunsplit((regulator.scheme, regulator.netloc, parts.path[len(prefix):] or "/",
                           parts.query, parts.fragment))

    def allowed_hosts(self) -> frozenset[str]:
        """Hosts this source may fetch from: its base URL's host and any it lists."""
        base = urlsplit(self.base_url).hostname or ""
        return frozenset(h.lower() for h in (base, *self.hosts) if h)

    def with_base_url(self, base_url: str) -> Source:
        """This source pointed at a mirror; the mirror's origin is trusted (loopback included)."""
        _check_base_url(base_url)
        old_hosts = self.allowed_hosts()
        return replace(
            self,
            base_url=base_url,
            hosts=(),
            rewrite_hosts=tuple(sorted(old_hosts | set(self.rewrite_hosts))),
            trusted_origins=(origin_of(base_url),),
            regulator_base_url=self.regulator_base_url or self.base_url,
        )

    def revisit_wait(self, age: float) -> float:
        """Seconds to wait after a check made when the notice was ``age`` seconds old.

        Entry *i* of ``revisit`` is the wait after the notice's *i*-th check if it were checked
        on schedule: a check at an age of at least the sum of the first *i* entries waits entry
        *i*, and the last entry repeats. Only the notice's age counts, so a crawl that ran late
        or a ``--refetch`` does not move the schedule.
        """
        return self.revisit[min(bisect_right(_steps(self.revisit), age) - 1,
                                len(self.revisit) - 1)]

    def schedule_description(self) -> str:
        if self.cron:
            return f"cron {self.cron}"
        return f"every {format_duration(self.interval or 0)}"


@lru_cache(maxsize=256)
def _steps(revisit: tuple[float, ...]) -> tuple[float, ...]:
    """The ages at which each entry of ``revisit`` starts: 0, then the running sums."""
    steps = [0.0]
    for wait in revisit[:-1]:
        steps.append(steps[-1] + wait)
    return tuple(steps)


def origin_of(url: str) -> str:
    """``scheme://host:port`` with the default port made explicit, for origin comparisons."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _is_absolute(url: str) -> bool:
    return url.startswith("//") or bool(urlsplit(url).scheme)


# --- reading definitions -------------------------------------------------------------------


_SOURCE_KEYS = {f.name for f in fields(Source)} - {
    "id",
    "list",
    "article",
    "more",
    "trusted_origins",
    "rewrite_hosts",
    "origin",
} | {"list", "article", "more", "allow_private", "disabled", "revisit_after"}
_LIST_KEYS = {f.name for f in fields(ListSpec)}
_ARTICLE_KEYS = {f.name for f in fields(ArticleSpec)}


def builtin_tables() -> Iterator[tuple[str, Located, dict[str, Any]]]:
    """Each built-in source table with where it came from."""
    package = resources.files("config") / "builtin"
    for entry in sorted(package.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".toml"):
            continue
        text = entry.read_text(encoding="utf-8")
        where = Located(f"config/builtin/{entry.name}", text)
        document = read_toml(where.file, text)
        for source_id, table in document.get("sources", {}).items():
            yield source_id, where, table


def build_source(source_id: str, table: Mapping[str, Any], where: Located, origin: str) -> Source:
    """A validated :class:`Source` from one TOML table."""
    name = f"sources.{source_id}"

    def fail(message: str, key: str | None = None, sub: str | None = None) -> ConfigError:
        # A sub-table may be inline (`list = { ... }`): then its key's line is the line.
        line = (where.line_of(f"{name}.{sub}" if sub else name, key)
                or (where.line_of(name, sub) if sub else None) or where.line_of(name))
        return ConfigError(where.file, line, f"{name}: {message}")

    if not SOURCE_ID.match(source_id):
        raise fail("a source id is lower-case letters, digits, '-' and '_', at most 64 long")
    unknown = set(table) - _SOURCE_KEYS
    if unknown:
        key = min(unknown)
        raise fail(f"unknown key {key!r}; expected one of {', '.join(sorted(_SOURCE_KEYS))}", key)

    def text(key: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise fail(f"{key!r} must be a non-empty string", key)
        return value

    for required in ("name", "base_url", "list"):
        if required not in table:
            raise fail(f"missing {required!r}")
    base_url = text("base_url")
    try:
        _check_base_url(base_url)
    except ValueError as exc:
        raise fail(str(exc), "base_url") from None

    def duration(key: str, default: float | None) -> float | None:
        if key not in table:
            return default
        try:
            return parse_duration(table[key])
        except ValueError as exc:
            raise fail(f"{key}: {exc}", key) from None

    cron = table.get("cron")
    if cron is not None and "interval" in table:
        raise fail("set either 'cron' or 'interval', not both", "interval")
    if cron is not None:
        if not isinstance(cron, str):
            raise fail("'cron' must be a string such as '0 9 * * *'", "cron")
        try:
            CronTrigger.from_crontab(cron)
        except ValueError as exc:
            raise fail(f"cron {cron!r} is not a valid crontab expression: {exc}", "cron") from None
    interval = duration("interval", None if cron else 3600.0)
    if interval is not None and interval < 60 and "interval" in table:
        raise fail("interval must be at least 1 minute, to stay polite", "interval")

    delay = duration("delay", 2.0)
    if delay is not None and delay > MAX_DELAY:
        raise fail(f"delay must be at most {format_duration(MAX_DELAY)} between requests", "delay")
    encoding = table.get("encoding")
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(str(encoding))
        except LookupError:
            raise fail(f"unknown encoding {encoding!r}", "encoding") from None

    hosts = table.get("hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise fail("'hosts' must be a list of host names", "hosts")

    list_spec = build_list(table["list"], lambda m, k=None: fail(m, k, "list"))
    more = None
    if "more" in table:
        more = build_list(table["more"], lambda m, k=None: fail(m, k, "more"))
    article = build_article(table.get("article", {}), lambda m, k=None: fail(m, k, "article"))

    trusted: tuple[str, ...] = ()
    if table.get("allow_private", False) is True or origin == "config":
        # A base URL the user wrote is trusted, loopback and private ranges included.
        trusted = (origin_of(base_url),)

    timezone = text("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"unknown time zone {timezone!r}", "timezone") from None

    numbers: dict[str, Any] = {}
    for key, minimum, maximum in (("max_notices", 1, MAX_NOTICES), ("timeout", 1, MAX_TIMEOUT)):
        if key in table:
            value = table[key]
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not minimum <= value <= maximum):
                raise fail(f"{key!r} must be a number from {minimum} to {maximum:g}", key)
            numbers[key] = value

    return Source(
        id=source_id,
        name=text("name"),
        authority=text("authority", ""),
        language=text("language", "en"),
        base_url=base_url,
        list=list_spec,
        more=more,
        article=article,
        cookie_url=text("cookie_url", ""),
        hosts=tuple(h.lower() for h in hosts),
        timezone=timezone,
        interval=None if cron else interval,
        cron=cron,
        delay=delay if delay is not None else 2.0,
        encoding=encoding,
        revisit=revisit_schedule(table, fail),
        timeout=float(numbers.get("timeout", 30.0)),
        max_notices=int(numbers.get("max_notices", 500)),
        trusted_origins=trusted,
        origin=origin,
    )


def revisit_schedule(table: Mapping[str, Any], fail: Any) -> tuple[float, ...]:
    """``revisit`` (a list of durations, each finite and positive) or the older
    ``revisit_after`` (one duration, 0 meaning every run) as a schedule; the default if neither."""
    if "revisit" in table and "revisit_after" in table:
        raise fail("give 'revisit' or 'revisit_after', not both", "revisit_after")
    if "revisit_after" in table:
        try:
            wait = parse_duration(table["revisit_after"])
        except ValueError as exc:
            raise fail(f"revisit_after: {exc}", "revisit_after") from None
        if not math.isfinite(wait):
            raise fail("revisit_after must be a finite duration", "revisit_after")
        return (wait,)
    if "revisit" not in table:
        return DEFAULT_REVISIT
    entries = table["revisit"]
    if not isinstance(entries, list) or not entries:
        raise fail("'revisit' must be a non-empty list of durations such as "
                   '["1h", "1d", "30d"]', "revisit")
    schedule = []
    for entry in entries:
        try:
            wait = parse_duration(entry)
        except ValueError as exc:
            raise fail(f"revisit: {exc}", "revisit") from None
        if not math.isfinite(wait) or wait <= 0:
            raise fail(f"revisit: every wait must be finite and positive, not {entry!r}",
                       "revisit")
        schedule.append(wait)
    return tuple(schedule)


def apply_builtin_hosts(source: Source, builtin: Source | None) -> Source:
    """When a user moves a built-in source to a mirror, links to the real hosts follow it."""
    if builtin is None or builtin.base_url == source.base_url:
        return source
    return replace(
        source,
        rewrite_hosts=tuple(sorted(builtin.allowed_hosts())),
        trusted_origins=(origin_of(source.base_url),),
        regulator_base_url=builtin.base_url,
    )


def build_list(table: object, fail: Any) -> ListSpec:
    if not isinstance(table, Mapping):
        raise fail("must be a table")
    unknown = set(table) - _LIST_KEYS
    if unknown:
        key = min(unknown)
        raise fail(f"unknown key {key!r}; expected one of {', '.join(sorted(_LIST_KEYS))}", key)
    kind = table.get("kind", "html")
    if kind not in LIST_KINDS:
        raise fail(f"kind must be one of {', '.join(LIST_KINDS)}, not {kind!r}", "kind")
    url = table.get("url")
    if not isinstance(url, str) or not url.strip():
        raise fail("'url' must be a non-empty string", "url")
    method = str(table.get("method", "GET")).upper()
    if method not in ("GET", "POST"):
        raise fail(f"method must be GET or POST, not {method!r}", "method")
    items = table.get("items", "")
    if kind in ("html", "json") and not items:
        raise fail("'items' is required: the selector (or JSON path) of each list entry", "items")
    # JSON lists name fields by dotted paths, unless the JSON carries HTML to select in.
    markup = kind == "html" or (kind == "json" and bool(table.get("html_field")))
    if markup:
        _check_selector(str(items), "items", fail)
    if kind != "feed" and not table.get("link"):
        raise fail("'link' is required: where each entry's notice URL is", "link")
    for key in ("params", "form", "json_body"):
        if key in table and not isinstance(table[key], Mapping):
            raise fail(f"{key!r} must be a table", key)
    for key in ("first_page", "max_pages"):
        value = table.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGES:
            raise fail(f"{key!r} must be a whole number from 1 to {MAX_PAGES:,}", key)
    return ListSpec(
        kind=kind,
        url=url,
        method=method,
        params={str(k): str(v) for k, v in table.get("params", {}).items()},
        form={str(k): str(v) for k, v in table.get("form", {}).items()},
        json_body=dict(table.get("json_body", {})),
        items=str(items),
        link=_selectors(table.get("link"), "link", fail, check=markup),
        title=_selectors(table.get("title"), "title", fail, check=markup),
        date=_selectors(table.get("date"), "date", fail, check=markup),
        html_field=str(table.get("html_field", "")),
        params_from=str(table.get("params_from", "")),
        first_page=int(table.get("first_page", 1)),
        max_pages=int(table.get("max_pages", 1)),
    )


def build_article(table: object, fail: Any) -> ArticleSpec:
    if not isinstance(table, Mapping):
        raise fail("must be a table")
    unknown = set(table) - _ARTICLE_KEYS
    if unknown:
        key = min(unknown)
        raise fail(f"unknown key {key!r}; expected one of {', '.join(sorted(_ARTICLE_KEYS))}", key)
    continuation = table.get("continuation", "")
    if not isinstance(continuation, str):
        raise fail("'continuation' must be a regular expression string", "continuation")
    if continuation:
        try:
            re.compile(continuation)
        except re.error as exc:
            raise fail(f"continuation is not a valid regular expression: {exc}", "continuation")
    return ArticleSpec(
        title=_selectors(table.get("title"), "title", fail),
        date=_selectors(table.get("date"), "date", fail),
        body=_selectors(table.get("body"), "body", fail),
        attachments=_selectors(table.get("attachments"), "attachments", fail),
        continuation=continuation,
    )


def _selectors(value: object, key: str, fail: Any, check: bool = True) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"{key!r} must be a selector string or a list of them", key)
    for selector in value if check else ():
        _check_selector(selector, key, fail)
    return tuple(value)


def _check_selector(selector: str, key: str, fail: Any) -> None:
    problem = _selector_problem(selector)
    if problem is not None:
        raise fail(f"{key}: selector {selector!r} is not valid: {problem}", key)


@lru_cache(maxsize=4096)
def _selector_problem(selector: str) -> str | None:
    """Why the selector cannot be compiled, or None. Cached: every crawl loads the
    configuration (three times: runner, spider, alert rules), and compiling is most of that."""
    from parsel import Selector

    probe = Selector(text="<html><body></body></html>")
    try:
        if selector.startswith("xpath:"):
            probe.xpath(selector.removeprefix("xpath:"))
        elif not selector.startswith("json:"):
            probe.css(selector)
    except Exception as exc:  # noqa: BLE001 - parsel raises several kinds for a bad expression
        return str(exc)
    return None


def _check_base_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base URL {url!r} must be an http(s) URL with a host")
    try:
        _ = parts.port  # urllib checks the port only when asked for it
    except ValueError:
        raise ValueError(f"base URL {url!r} has an invalid port") from None
