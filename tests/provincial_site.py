"""A small provincial regulator's notice list with relative links, written to a folder for the
local site server: what a user adds as a source of their own (tests of sources kept in the
archive, their trial and their pages)."""

from __future__ import annotations

from pathlib import Path

LIST_PATH = "/tzgg/index.htm"
NOTICES = (
    ("2025-03-05", "c_101.htm", "北京网信办通报2024年网络执法工作情况",
     "2024年，北京市网信办依法约谈网站平台1,210家，警告120家，罚款45家。"),
    ("2025-02-11", "c_100.htm", "北京网信办依法约谈某短视频平台",
     "北京市网信办依法约谈抖音平台负责人，责令限期整改。"),
    ("2024-08-02", "c_099.htm", "北京网信办通报2024年上半年网络执法工作情况",
     "2024年上半年，北京市网信办依法约谈网站平台560家。"),
)
FIELDS = {
    "name": "北京网信 通知公告", "language": "zh-Hans", "timezone": "Asia/Shanghai",
    "delay": "0.05", "allow_private": "on", "list_url": LIST_PATH, "list_items": "ul.list li",
    "list_link": "a::attr(href)", "list_title": "a::attr(title)\na::text",
    "list_date": "span::text", "article_title": "h1", "article_date": "#pubtime::text",
    "article_body": "#zoom",
}


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{body}</body></html>")


def write_site(folder: Path, *, edited: bool = False) -> Path:
    """The site in ``folder``; ``edited`` changes a figure of the newest notice (1,210 to
    1,216), as a silent correction would."""
    (folder / "tzgg").mkdir(parents=True, exist_ok=True)
    items = "".join(f'<li><a href="{name}" title="{title}">{title}</a><span>{day}</span></li>'
                    for day, name, title, _ in NOTICES)
    (folder / "tzgg" / "index.htm").write_text(
        _page("通知公告", f'<ul class="list">{items}</ul>'), encoding="utf-8")
    for index, (day, name, title, text) in enumerate(NOTICES):
        if edited and index == 0:
            text = text.replace("1,210", "1,216")
        (folder / "tzgg" / name).write_text(_page(title, (
            f'<h1>{title}</h1><div id="pubtime">{day} 10:00</div>'
            f'<div id="zoom"><p>{text}</p><p>网信部门将持续加强监督检查。</p></div>')),
            encoding="utf-8")
    return folder
