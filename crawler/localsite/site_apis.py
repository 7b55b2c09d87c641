"""The real sites' list APIs, answered from row files kept in the site copy.

Each API reads its rows from a JSON file at a path named after the API itself, one file per
channel, read on every request so that an edited copy answers differently at once:

- CAC `/cms/JsonList` → `SITE_DIR/cms/JsonList/<channelCode>.json`
- jpaas (MIIT, SAMR) `/api-gateway/jpaas-publish-server/front/page/build/unit`
  → `SITE_DIR/api-gateway/jpaas-publish-server/front/page/build/unit/<pageId>.json`
- ICO `/api/search` → `SITE_DIR/api/search/<rootPageId>.json`

The shapes of these files and of the answers are documented in tests/sites/README.md.
"""

from __future__ import annotations

import ast
import html
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from crawler.localsite.replies import Reply, json_reply

CAC_JSONLIST_PATH = "/cms/JsonList"
JPAAS_UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
ICO_SEARCH_PATH = "/api/search"

# Beyond this the real CMS also refuses; it keeps a runaway perPage from building huge answers.
MAX_PAGE_SIZE = 100
JpaasRowStyle = Literal["miit", "samr"]

_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class RowFileError(ValueError):
    """A row file in the copy is missing a field or is not JSON: the fixture is broken."""


def _load_rows_file(directory: Path, key: str) -> dict[str, Any] | None:
    if not _KEY_PATTERN.match(key):
        return None
    rows_file = directory / f"{key}.json"
    if not rows_file.is_file():
        return None
    try:
        document = json.loads(rows_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RowFileError(f"{rows_file}: {error}") from error
    if not isinstance(document, dict):
        raise RowFileError(f"{rows_file}: expected a JSON object")
    return document


def _positive_int(raw: str | None, default: int) -> int | None:
    """The parameter as a positive int, `default` when absent, None when malformed."""
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def _page(rows: list[Any], page_number: int, page_size: int) -> list[Any]:
    start = (page_number - 1) * page_size
    return rows[start : start + page_size]


def cac_json_list(site_dir: Path, params: Mapping[str, str]) -> Reply:
    """CAC's pager API: `{"list": [{topic, infourl, pubtime}, …], "totalRec": N}`.

    An unknown channel answers an empty list with totalRec 0; a page past the end answers an
    empty list with the true totalRec, as the CMS does.
    """
    per_page = _positive_int(params.get("perPage"), 20)
    page_number = _positive_int(params.get("pageno"), 1)
    if per_page is None or page_number is None:
        return json_reply({"error": "perPage and pageno must be positive integers"}, status=400)
    per_page = min(per_page, MAX_PAGE_SIZE)
    document = _load_rows_file(site_dir / "cms" / "JsonList", params.get("channelCode", ""))
    rows: list[Any] = document.get("list", []) if document else []
    page_rows = [
        {"topic": row["topic"], "infourl": row["infourl"], "pubtime": row["pubtime"]}
        for row in _page(rows, page_number, per_page)
    ]
    return json_reply({"list": page_rows, "totalRec": len(rows)})


def parse_param_json(raw: str | None) -> dict[str, Any]:
    """jpaas `paramJson`: JSON, or the single-quoted form some clients send (`str(dict)`)."""
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        try:
            parsed = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return {}
    return parsed if isinstance(parsed, dict) else {}


def _jpaas_row_html(row: Mapping[str, str], style: JpaasRowStyle) -> str:
    title = html.escape(row["title"], quote=True)
    href = html.escape(row["url"], quote=True)
    text = html.escape(row.get("text", row["title"]))
    date = html.escape(row["date"])
    if style == "samr":
        return (
            f'<li class="nav04Left02_content"><a href="{href}" target="_blank" title="{title}">'
            f'{text}</a></li><li class="nav04Left02_contenttime">{date}</li>'
        )
    return f'<li><a href="{href}" target="_blank" title="{title}">{text}</a><span>{date}</span></li>'


def jpaas_unit(site_dir: Path, params: Mapping[str, str], style: JpaasRowStyle) -> Reply:
    """The jpaas "build unit" API: `{"success":true,"code":200,"data":{"html":"<ul>…</ul>"}}`.

    An unknown pageId, or a webId other than the one in the row file, answers
    `{"success":false,"code":500,"message":…,"data":null}` with status 200, as jpaas reports
    its errors. A page past the end answers an empty `<ul></ul>`.
    """
    document = _load_rows_file(
        site_dir.joinpath(*JPAAS_UNIT_PATH.strip("/").split("/")), params.get("pageId", "")
    )
    web_id = params.get("webId")
    if document is None or (web_id is not None and web_id != document.get("webId", web_id)):
        return json_reply(
            {"success": False, "code": 500, "message": "页面不存在", "data": None}
        )
    paging = parse_param_json(params.get("paramJson"))
    page_number = _positive_int(str(paging.get("pageNo", "")), 1) or 1
    page_size = min(_positive_int(str(paging.get("pageSize", "")), 20) or 20, MAX_PAGE_SIZE)
    rows: list[Mapping[str, str]] = document.get("rows", [])
    fragment = "".join(_jpaas_row_html(row, style) for row in _page(rows, page_number, page_size))
    return json_reply(
        {"success": True, "code": 200, "message": "操作成功", "data": {"html": f"<ul>{fragment}</ul>"}}
    )


def ico_search(site_dir: Path, body: bytes) -> Reply:
    """ICO's search API answered to a JSON POST.

    Answer: `{"results":[{title,url,date,description,type}],"pagination":{pageNumber,
    pageSize,totalPages,totalResults}}`. `order` is "newest" (default) or "oldest"; `filters`
    is accepted and ignored. A body that is not a JSON object answers 400.
    """
    try:
        query = json.loads(body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        query = None
    if not isinstance(query, dict) or "rootPageId" not in query:
        return json_reply({"message": "The request is invalid."}, status=400,
                          content_type="application/json; charset=utf-8")
    page_number = _positive_int(str(query.get("pageNumber", "")), 1) or 1
    document = _load_rows_file(site_dir / "api" / "search", str(query["rootPageId"]))
    results: list[dict[str, Any]] = list(document.get("results", [])) if document else []
    page_size = int(document.get("pageSize", 10)) if document else 10
    results.sort(key=lambda item: str(item.get("date", "")), reverse=query.get("order") != "oldest")
    return json_reply(
        {
            "results": _page(results, page_number, page_size),
            "pagination": {
                "pageNumber": page_number,
                "pageSize": page_size,
                "totalPages": math.ceil(len(results) / page_size),
                "totalResults": len(results),
            },
        },
        content_type="application/json; charset=utf-8",
    )
