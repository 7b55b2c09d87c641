"""The change `regwatch demo` shows: a new notice appears in the bundled CAC copy and a figure moves.

The bundled copy (crawler/localsite/demo/) is one CAC channel, 互联网内容管理 (A093704), with
a handful of notices. Its `_change/change.json` describes the change: the JsonList row of a new
notice (whose page waits under `_change/`) and text edits to existing articles (the 2023 summary's
下架移动应用程序259款 becomes 261款). The demo copies the bundle to a temporary directory, serves
that copy, crawls, applies the change to the copy, and crawls again.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

DEMO_SITE_DIR = Path(__file__).resolve().with_name("demo")
DEMO_SITE_KIND = "cac"
CHANGE_FILE = Path("_change") / "change.json"
LIST_PAGE = Path("wxzw") / "hlwnrgl" / "A093704index_1.htm"
JSON_LIST = Path("cms") / "JsonList" / "A093704.json"
# The CMS shows twenty items on the static first page; later ones come from /cms/JsonList.
LIST_PAGE_SIZE = 20
_LIST_OPEN = '<ul class="list clearfix" id="list">\n'
_LIST_ITEM = re.compile(r"<li><h5>.*?</li>\n?", re.DOTALL)


@dataclass(frozen=True)
class TextEdit:
    path: str
    old: str
    new: str


@dataclass(frozen=True)
class DemoChange:
    """What apply_demo_change did (or found already done): the new notice and the edits."""

    new_notice_url: str
    new_notice_title: str
    edits: tuple[TextEdit, ...]


def copy_demo_site(destination: Path) -> Path:
    """Copy the bundled demo site to `destination` (which must not exist yet) and return it."""
    shutil.copytree(DEMO_SITE_DIR, destination)
    return destination


def write_in_copy(file: Path, data: bytes) -> None:
    """Replace a file of a served copy, moving its mtime forward by at least a second.

    Last-Modified has whole seconds: without the bump, an edit made within the second of the
    previous write would keep its Last-Modified, and If-Modified-Since would wrongly get 304.
    """
    before = file.stat().st_mtime if file.exists() else 0.0
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data)
    stamp = max(time.time(), before + 1.0)
    os.utime(file, (stamp, stamp))


def replace_in_copy(file: Path, old: str, new: str, encoding: str = "utf-8") -> bool:
    """Replace every `old` by `new` in a file of a copy; False (file untouched) when absent."""
    text = file.read_bytes().decode(encoding)
    if old not in text:
        return False
    write_in_copy(file, text.replace(old, new).encode(encoding))
    return True


def _list_item(row: dict[str, str], title: str) -> str:
    shown = title if len(title) <= 30 else title[:29] + "..."
    return (
        f'<li><h5><a href={row["infourl"]} target=_blank title="{html.escape(title)}">'
        f"{html.escape(shown, quote=False)}</a></h5>\n"
        f'<div class="times">{row["pubtime"][:10]}</div></li>\n'
    )


def _add_to_list_page(page: str, row: dict[str, str], title: str, total: int) -> str:
    start = page.index(_LIST_OPEN) + len(_LIST_OPEN)
    page = page[:start] + _list_item(row, title) + page[start:]
    items = list(_LIST_ITEM.finditer(page, start))
    if len(items) > LIST_PAGE_SIZE:
        last = items[-1]
        page = page[: last.start()] + page[last.end():]
    return re.sub(r'data-total="\d+"', f'data-total="{total}"', page, count=1)


def apply_demo_change(site_dir: Path) -> DemoChange:
    """Apply the demo's change to a copy of the demo site. Idempotent: a second call finds the
    row and the edits already there and changes nothing."""
    spec = json.loads((DEMO_SITE_DIR / CHANGE_FILE).read_text(encoding="utf-8"))
    row: dict[str, str] = spec["new_row"]
    title = re.sub(r"<[^>]+>", "", row["topic"])
    json_list_file = site_dir / JSON_LIST
    channel = json.loads(json_list_file.read_text(encoding="utf-8"))
    if all(existing["infourl"] != row["infourl"] for existing in channel["list"]):
        write_in_copy(site_dir / spec["new_article"],
                      (DEMO_SITE_DIR / "_change" / spec["new_article"]).read_bytes())
        channel["list"].insert(0, row)
        write_in_copy(json_list_file,
                      (json.dumps(channel, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        list_page = site_dir / LIST_PAGE
        page = list_page.read_text(encoding="utf-8")
        write_in_copy(list_page, _add_to_list_page(page, row, title, len(channel["list"]))
                      .encode("utf-8"))
    edits = tuple(TextEdit(e["path"], e["old"], e["new"]) for e in spec["edits"])
    for edit in edits:
        replace_in_copy(site_dir / edit.path, edit.old, edit.new)
    return DemoChange(new_notice_url=row["infourl"], new_notice_title=title, edits=edits)
