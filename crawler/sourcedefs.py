"""Source definitions: what a regulator site is, read from TOML that users can write without code.

A source says where its list pages, list API or feed are, how to find each notice's fields, how
often to visit and how politely. Built-in sources live in ``crawler/sources/*.toml``; a user's
``regwatch.toml`` (or the file named by ``REGWATCH_CONFIG``) overrides their fields or adds new
ones under ``[sources.<id>]``. Anything malformed is refused with the file, the line and the
reason (:class:`ConfigError`).
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

CONFIG_ENV = "REGWATCH_CONFIG"
DEFAULT_CONFIG = "regwatch.toml"

LIST_KINDS = ("html", "json", "feed")
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


class ConfigError(ValueError):
    """A configuration or source definition that cannot be used, with where and why."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


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
    revisit_after: float = 7 * 86400.0
    timeout: float = 30.0
    max_notices: int = 500
    expect_robots: bool = True
    trusted_origins: tuple[str, ...] = ()
    rewrite_hosts: tuple[str, ...] = ()
    origin: str = "built-in"

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

    def allowed_hosts(self) -> frozenset[str]:
        """Hosts this source may fetch from: its base URL's host and any it lists."""
        base = urlsplit(self.base_url).hostname or ""
        return frozenset(h.lower() for h in (base, *self.hosts) if h)

    def with_base_url(self, base_url: str) -> Source:
        """This source pointed at a mirror; the mirror's origin is trusted (loopback included)."""
        _check_base_url(base_url, "--base-url", None)
        old_hosts = self.allowed_hosts()
        return replace(
            self,
            base_url=base_url,
            hosts=(),
            rewrite_hosts=tuple(sorted(old_hosts | set(self.rewrite_hosts))),
            trusted_origins=(origin_of(base_url),),
        )

    def schedule_description(self) -> str:
        if self.cron:
            return f"cron {self.cron}"
        return f"every {format_duration(self.interval or 0)}"


def origin_of(url: str) -> str:
    """``scheme://host:port`` with the default port made explicit, for origin comparisons."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _is_absolute(url: str) -> bool:
    return url.startswith("//") or bool(urlsplit(url).scheme)


def parse_duration(value: object) -> float:
    """Seconds in ``"30m"``, ``"1.5h"``, ``"2d"``, ``90`` or ``"90s"``; ValueError otherwise."""
    if isinstance(value, bool):
        # A configuration mistake like any other, reported as such (not a TypeError).
        raise ValueError(f"expected a duration such as '30m' or '1h', got {value!r}")  # noqa: TRY004
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and (m := DURATION.match(value)):
        seconds = float(m.group(1)) * DURATION_UNITS[m.group(2)]
    else:
        raise ValueError(f"expected a duration such as '30m' or '1h', got {value!r}")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    for unit in ("w", "d", "h", "m"):
        size = DURATION_UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


# --- reading definitions -------------------------------------------------------------------


@dataclass
class _Located:
    """A raw TOML table with the text it came from, so errors can name a line."""

    file: str
    text: str

    def line_of(self, table: str, key: str | None = None) -> int | None:
        """The line of ``key`` inside ``[table]`` (or of the table header), best effort."""
        header = re.compile(r"^\s*\[\[?\s*" + re.escape(table) + r"\s*\]\]?\s*(#.*)?$")
        dotted_prefix = table.split(".", 1)
        lines = self.text.splitlines()
        current: str | None = None
        header_line = None
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                current = stripped.strip("[] \t").split("#")[0].strip().strip("]").strip()
                if header.match(line):
                    header_line = number
                    if key is None:
                        return number
                continue
            if key is not None and current == table and re.match(
                r"^\s*" + re.escape(key) + r"\s*=", line
            ):
                return number
            # Inline form: [sources] then `cac-wxfb.list.url = ...` or `id = { ... }`.
            if (key is not None and len(dotted_prefix) == 2 and current == dotted_prefix[0]
                    and re.match(r"^\s*" + re.escape(dotted_prefix[1] + "." + key) + r"\s*=",
                                 line)):
                return number
        return header_line


_SOURCE_KEYS = {f.name for f in fields(Source)} - {
    "id",
    "list",
    "article",
    "more",
    "trusted_origins",
    "rewrite_hosts",
    "origin",
} | {"list", "article", "more", "allow_private", "disabled"}
_LIST_KEYS = {f.name for f in fields(ListSpec)}
_ARTICLE_KEYS = {f.name for f in fields(ArticleSpec)}


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path | str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else None
        message = getattr(exc, "msg", None) or re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise ConfigError(str(path), line, f"not valid TOML: {message}") from None


def builtin_tables() -> Iterator[tuple[str, _Located, dict[str, Any]]]:
    """Each built-in source table with where it came from."""
    package = resources.files("crawler") / "sources"
    for entry in sorted(package.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".toml"):
            continue
        text = entry.read_text(encoding="utf-8")
        where = _Located(f"crawler/sources/{entry.name}", text)
        document = _read_toml(where.file, text)
        for source_id, table in document.get("sources", {}).items():
            yield source_id, where, table


@dataclass(frozen=True)
class Config:
    """The whole configuration: sources plus the other sections later parts read."""

    sources: Mapping[str, Source]
    path: Path | None
    raw: Mapping[str, Any]

    def source(self, source_id: str) -> Source:
        try:
            return self.sources[source_id]
        except KeyError:
            known = ", ".join(sorted(self.sources)) or "none"
            raise KeyError(f"no source {source_id!r}; known sources: {known}") from None


def config_path(explicit: str | Path | None = None) -> Path | None:
    """The configuration file in force: explicit, then REGWATCH_CONFIG, then ./regwatch.toml."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    default = Path.cwd() / DEFAULT_CONFIG
    return default if default.exists() else None


def load_config(path: str | Path | None = None) -> Config:
    """Built-in sources merged with the user's configuration file.

    Raises :class:`ConfigError` naming the file and line of the first problem; a path named
    explicitly or by REGWATCH_CONFIG that does not exist is an error too.
    """
    tables: dict[str, tuple[_Located, dict[str, Any]]] = {}
    origins: dict[str, str] = {}
    builtins: dict[str, Source] = {}
    for source_id, where, table in builtin_tables():
        tables[source_id] = (where, table)
        origins[source_id] = "built-in"
        builtins[source_id] = build_source(source_id, table, where, "built-in")

    resolved = config_path(path)
    raw: dict[str, Any] = {}
    if resolved is not None:
        try:
            text = resolved.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(str(resolved), None, "configuration file not found") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(str(resolved), None, f"not UTF-8 text: {exc}") from None
        where = _Located(str(resolved), text)
        raw = _read_toml(resolved, text)
        user_sources = raw.get("sources", {})
        if not isinstance(user_sources, dict):
            raise ConfigError(str(resolved), where.line_of("sources"), "[sources] must be a table")
        for source_id, table in user_sources.items():
            if not isinstance(table, dict):
                raise ConfigError(
                    str(resolved),
                    where.line_of("sources", source_id),
                    f"sources.{source_id} must be a table such as [sources.{source_id}]",
                )
            if source_id in tables:
                tables[source_id] = (where, _merge(tables[source_id][1], table))
                origins[source_id] = "overridden"
            else:
                tables[source_id] = (where, table)
                origins[source_id] = "config"

    sources: dict[str, Source] = {}
    for source_id, (where, table) in tables.items():
        source = build_source(source_id, table, where, origins[source_id])
        if source_id in builtins:
            source = apply_builtin_hosts(source, builtins[source_id])
        if not table.get("disabled", False):
            sources[source_id] = source
    return Config(sources=sources, path=resolved, raw=raw)


def build_source(source_id: str, table: Mapping[str, Any], where: _Located, origin: str) -> Source:
    """A validated :class:`Source` from one TOML table."""
    name = f"sources.{source_id}"

    def fail(message: str, key: str | None = None, sub: str | None = None) -> ConfigError:
        return ConfigError(where.file, where.line_of(f"{name}.{sub}" if sub else name, key) or
                           where.line_of(name), f"{name}: {message}")

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
        _check_base_url(base_url, name, None)
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
    for key, minimum in (("max_notices", 1), ("timeout", 1)):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
                raise fail(f"{key!r} must be a number ≥ {minimum}", key)
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
        revisit_after=duration("revisit_after", 7 * 86400.0) or 0.0,
        timeout=float(numbers.get("timeout", 30.0)),
        max_notices=int(numbers.get("max_notices", 500)),
        trusted_origins=trusted,
        origin=origin,
    )


def apply_builtin_hosts(source: Source, builtin: Source | None) -> Source:
    """When a user moves a built-in source to a mirror, links to the real hosts follow it."""
    if builtin is None or builtin.base_url == source.base_url:
        return source
    return replace(
        source,
        rewrite_hosts=tuple(sorted(builtin.allowed_hosts())),
        trusted_origins=(origin_of(source.base_url),),
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
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail(f"{key!r} must be a whole number ≥ 1", key)
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


def _check_base_url(url: str, name: str, line: int | None) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base URL {url!r} must be an http(s) URL with a host")
    try:
        _ = parts.port  # urllib checks the port only when asked for it
    except ValueError:
        raise ValueError(f"base URL {url!r} has an invalid port") from None


def is_public_address(address: str) -> bool:
    """True for a global unicast address; loopback, private, link-local and the like are not."""
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast
