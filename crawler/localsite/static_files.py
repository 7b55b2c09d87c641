"""Map request paths to files of a site copy and answer them as raw bytes with ETag and Last-Modified.

Conventions of a site copy (documented for fixture writers in tests/sites/README.md):

- `/a/b.htm` is `SITE_DIR/a/b.htm`; a path naming a directory (with or without the trailing
  slash) is answered by its `index.html` (or `.htm`, `.xml`, `.json`), as Drupal and the
  press corner serve extensionless URLs.
- A query string selects a variant file when one exists: `/x/index.html?page=1` (or `/x?page=1`)
  is `SITE_DIR/x/index@page=1.html`; with no such file the query is ignored, as most servers
  ignore unknown parameters.
- `<file>.headers` beside a file holds `Name: value` lines that replace the computed headers,
  so a fixture can declare its own Content-Type (including a lying charset) or no charset.
- `SITE_DIR/_site.toml` names the site kind (`site = "cac"`) and the charset appended to text
  types that have no sidecar (`charset = "utf-8"`).
- Names starting with `_` or `.`, and `*.headers` files, are never served: they are the copy's
  own machinery (API rows behind dynamic endpoints live under ordinary paths instead).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from crawler.localsite.replies import Reply, etag_for, http_date

SITE_KINDS = ("cac", "miit", "samr", "ftc", "ec", "ico", "generic")

CONTENT_TYPES = {
    ".htm": "text/html",
    ".html": "text/html",
    ".shtml": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".json": "application/json",
    ".txt": "text/plain",
    ".css": "text/css",
    ".js": "application/javascript",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}
_CHARSET_TYPES = ("text/", "application/xml", "application/rss+xml", "application/json",
                  "application/javascript")
_INDEX_NAMES = ("index.html", "index.htm", "index.xml", "index.json")


@dataclass(frozen=True)
class SiteConfig:
    """What `_site.toml` says about a copy; absent keys fall back to a generic site."""

    site: str = "generic"
    charset: str | None = None


def load_site_config(site_dir: Path) -> SiteConfig:
    config_file = site_dir / "_site.toml"
    if not config_file.is_file():
        return SiteConfig()
    with config_file.open("rb") as handle:
        table = tomllib.load(handle)
    site = str(table.get("site", "generic"))
    if site not in SITE_KINDS:
        raise ValueError(f"{config_file}: unknown site kind {site!r}")
    charset = table.get("charset")
    return SiteConfig(site=site, charset=str(charset) if charset else None)


def _is_hidden(segment: str) -> bool:
    return segment.startswith(("_", ".")) or segment.endswith(".headers")


def _variant(base: Path, query: str) -> Path:
    return base.with_name(f"{base.stem}@{query}{base.suffix}")


def resolve(site_dir: Path, path: str, query: str = "") -> Path | None:
    """The file that answers `path` (already split from its query), or None for a 404.

    Refuses anything that would leave `site_dir` or reach the copy's hidden machinery.
    """
    decoded = unquote(path)
    if "\x00" in decoded or "\\" in decoded:
        return None
    segments = [s for s in decoded.split("/") if s]
    if any(s in (".", "..") or _is_hidden(s) for s in segments):
        return None
    target = site_dir.joinpath(*segments) if segments else site_dir
    if target.is_dir():
        bases = [target / name for name in _INDEX_NAMES]
    elif decoded.endswith("/"):
        return None
    else:
        bases = [target]
    # A query with a slash cannot name a file; such requests get the base file.
    candidates: list[Path] = []
    if query and "/" not in query and len(query) < 200:
        candidates.extend(_variant(base, query) for base in bases)
    candidates.extend(bases)
    for candidate in candidates:
        if candidate.is_file():
            return candidate if _is_inside(site_dir, candidate) else None
    return None


def _is_inside(site_dir: Path, file: Path) -> bool:
    # A symlink in a copy must not lead out of it.
    try:
        file.resolve().relative_to(site_dir.resolve())
    except ValueError:
        return False
    return True


def read_sidecar_headers(file: Path) -> list[tuple[str, str]]:
    """Headers declared in `<file>.headers` (blank lines and `#` comments skipped)."""
    sidecar = file.with_name(file.name + ".headers")
    if not sidecar.is_file():
        return []
    headers: list[tuple[str, str]] = []
    for line in sidecar.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, value = line.split(":", 1)
        headers.append((name.strip(), value.strip()))
    return headers


def content_type_for(file: Path, config: SiteConfig) -> str:
    # A variant file `index@page=1.html` keeps its base file's extension.
    media_type = CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")
    if config.charset and media_type.startswith(_CHARSET_TYPES):
        return f"{media_type}; charset={config.charset}"
    return media_type


def file_reply(file: Path, config: SiteConfig) -> Reply:
    """The file's bytes as read now (copies are edited between crawls), with validators.

    Sidecar headers replace computed ones of the same name, ETag and Last-Modified included.
    """
    body = file.read_bytes()
    mtime = file.stat().st_mtime
    reply = Reply(
        200,
        [
            ("Content-Type", content_type_for(file, config)),
            ("ETag", etag_for(body)),
            ("Last-Modified", http_date(mtime)),
        ],
        body,
    )
    for name, value in read_sidecar_headers(file):
        reply.set_header(name, value)
    return reply
