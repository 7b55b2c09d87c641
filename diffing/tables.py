"""App lists in notices' tables (MIIT: 序号, 应用名称, 应用开发者, 应用来源, 所涉问题), read from HTML
tables (Word exports with rowspan, colspan and stray markup) and from tables flattened into text
(Markdown rows, space-separated columns). Each row names an app and its developer; the heading
above the table says what was done to them (下架的应用软件名单: removed; else notified)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from diffing.actions import conditional_measure
from diffing.chinese import to_simplified
from diffing.numbers import fold_ascii_case, normalise_width
from diffing.text import PreparedText

__all__ = ["TableRow", "find_table_rows"]

# Rows looked at per notice: MIIT lists run to a few hundred apps; more is not a notice.
MAX_ROWS = 2000

_NAME_HEADERS = ("应用名称", "app名称", "软件名称", "产品名称", "sdk名称", "小程序名称", "app name", "application name", "名称")
_DEVELOPER_HEADERS = ("应用开发者", "开发者名称", "开发者", "开发运营者", "运营者", "应用主办者", "主办者", "主办单位", "企业名称", "developer")
_REMOVAL = re.compile(r"下架|remov|taken down|off the shel")
# A heading that says "the list of" (名单, 清单: 存在问题的小程序清单) names what follows.
_LIST_WORD = re.compile(r"名单|清单|列表|list")
_HEADING_LINES = 4


@dataclass(frozen=True)
class TableRow:
    """One app of a table: ``name`` and ``developer`` as written, at ``start``/``end`` and
    ``developer_start``/``developer_end`` of the original text (-1 when the developer is not
    given); ``cells`` are the original spans of the row's other cells (its source app store, its
    version, its problems), which name no platform the notice acts on."""

    name: str
    start: int
    end: int
    developer: str | None
    developer_start: int
    developer_end: int
    action: str
    cells: tuple[tuple[int, int], ...]


def _fold(text: str) -> str:
    simplified, _ = to_simplified(normalise_width(text))
    return fold_ascii_case(simplified).strip()


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for wanted in names:
        for index, cell in enumerate(header):
            if cell.replace(" ", "") == wanted.replace(" ", "") or (wanted != "名称" and wanted in cell):
                return index
    return None


def find_table_rows(prepared: PreparedText) -> list[TableRow]:
    """The app rows of every table in ``prepared``: HTML tables when the original is HTML,
    else Markdown and space-separated rows. Never raises; a table without a name column gives
    nothing."""
    if "<table" in prepared.original[:200000].lower():
        return _html_rows(prepared.original)
    if "名称" not in prepared.text and "name" not in prepared.text:
        return []
    return _text_rows(prepared)


# --- tables flattened into text ------------------------------------------------------------

_LINE = re.compile(r"[^\n]*")
_ROW_NUMBER = re.compile(r"\s*\|?\s*\d{1,4}\s*(?:\||\s)")
_DEVELOPER_END = re.compile(r"(?:公司|工作室|中心|研究院|事务所|合作社|商行|个体户|店|部|ltd\.?|inc\.?|co\.?)$")


def _text_rows(prepared: PreparedText) -> list[TableRow]:
    text = prepared.text
    lines = [(match.start(), match.end()) for match in _LINE.finditer(text) if match.end() > match.start()]
    rows: list[TableRow] = []
    index = 0
    while index < len(lines):
        start, end = lines[index]
        line = text[start:end]
        if "名称" not in line and "name" not in line:
            index += 1
            continue
        piped = "|" in line
        header = _split(text, start, end, piped)
        names = [cell for cell, _, _ in header]
        name_column = _column(names, _NAME_HEADERS)
        if name_column is not None and len(header) == 1:
            # One cell per line (a Word table pasted as text): the header runs down the lines.
            vertical = _vertical_rows(prepared, lines, index)
            if vertical is not None:
                found, index = vertical
                rows += found[:MAX_ROWS - len(rows)]
                continue
        if name_column is None or len(header) < 2:
            index += 1
            continue
        developer_column = _column(names, _DEVELOPER_HEADERS)
        action = _heading_action(text, [line_span for line_span in lines[max(0, index - _HEADING_LINES):index]])
        header_pipes = line.count("|")
        index += 1
        while index < len(lines) and len(rows) < MAX_ROWS:
            start, end = lines[index]
            line = text[start:end]
            if piped and re.fullmatch(r"[\s|:-]*", line):
                index += 1
                continue
            # A Markdown table without a number column: a row is a line of as many cells.
            unnumbered_row = piped and header[0][0] not in _NUMBER_HEADERS \
                and line.count("|") >= header_pipes - 1 and len(_split(text, start, end, True)) >= name_column + 2
            if not _ROW_NUMBER.match(line) and not unnumbered_row:
                if piped and line.count("|") >= 2 and len(_split(text, start, end, True)) <= 1:
                    index += 1  # a cell of the row above wrapped onto a line of empty cells
                    continue
                if piped or not line.strip() or re.match(r"\s*\S*(?:名单|附件)", line):
                    break
                index += 1  # a problem description wrapped onto its own line
                continue
            cells = _split(text, start, end, piped)
            row = _row(prepared, cells, name_column, developer_column, piped, action)
            if row is not None:
                rows.append(row)
            index += 1
    return rows


_HEADER_CELL = re.compile(r"\s*[^\d\s|，,。；;：:]{2,8}\s*")
_NUMBER_HEADERS = ("序号", "编号", "no.", "no")


def _vertical_rows(prepared: PreparedText, lines: list[tuple[int, int]],
                   index: int) -> tuple[list[TableRow], int] | None:
    """A table flattened to one cell per line: a header of short lines that opens with its
    row-number column (序号, 应用名称, 应用开发者, …), then rows, each opening with its number
    (1, 2, …) on a line of its own. The last cell of a row may run over several lines."""
    text = prepared.text
    cells = [(start, end) for start, end in lines if text[start:end].strip()]
    at = next((i for i, (start, _) in enumerate(cells) if start == lines[index][0]), None)
    if at is None:
        return None
    first = at
    while first > 0 and _HEADER_CELL.fullmatch(text, *cells[first - 1]) and at - first < 12:
        first -= 1
    last = at
    while last + 1 < len(cells) and _HEADER_CELL.fullmatch(text, *cells[last + 1]) and last - at < 12:
        last += 1
    header = [text[start:end].strip() for start, end in cells[first:last + 1]]
    if len(header) < 3 or header[0] not in _NUMBER_HEADERS:
        return None
    name_column = _column(header, _NAME_HEADERS)
    developer_column = _column(header, _DEVELOPER_HEADERS)
    if name_column is None:
        return None
    action = _heading_action(text, cells[max(0, first - _HEADING_LINES):first])
    rows: list[TableRow] = []
    position = last + 1
    number = 1
    while position < len(cells) and text[slice(*cells[position])].strip() == str(number):
        row_end = position + 1
        while row_end < len(cells) and row_end - position < len(header) + 3 and not (
                row_end - position >= len(header) - 2 and text[slice(*cells[row_end])].strip() == str(number + 1)):
            row_end += 1
        row_cells = [(text[start:end].strip(), start, end) for start, end in cells[position:row_end]]
        row = _row(prepared, row_cells, name_column, developer_column, True, action)
        if row is not None:
            rows.append(row)
        position = row_end
        number += 1
    if not rows:
        return None
    next_line = next((i for i, (start, _) in enumerate(lines) if start >= cells[position - 1][1]), len(lines))
    return rows, next_line


def _split(text: str, start: int, end: int, piped: bool) -> list[tuple[str, int, int]]:
    pattern = r"[^|]+" if piped else r"\S+"
    cells = []
    for match in re.finditer(pattern, text[start:end]):
        cell = match.group(0)
        stripped = cell.strip()
        if not stripped:
            continue
        offset = start + match.start() + (len(cell) - len(cell.lstrip()))
        cells.append((stripped, offset, offset + len(stripped)))
    return cells


def _row(prepared: PreparedText, cells: list[tuple[str, int, int]], name_column: int,
         developer_column: int | None, piped: bool, action: str) -> TableRow | None:
    if not piped and developer_column is not None and developer_column == name_column + 1:
        # Space-separated columns: an app name may itself hold spaces; the developer is the
        # first cell after it that reads as a company.
        developer_at = next(
            (i for i in range(name_column + 1, len(cells)) if _DEVELOPER_END.search(cells[i][0])), None
        )
        if developer_at is not None and developer_at > name_column + 1:
            merged = (" ".join(cell for cell, _, _ in cells[name_column:developer_at]),
                      cells[name_column][1], cells[developer_at - 1][2])
            cells = [*cells[:name_column], merged, *cells[developer_at:]]
    if name_column >= len(cells):
        return None
    name_cell = cells[name_column]
    developer_cell = cells[developer_column] if developer_column is not None and developer_column < len(cells) else None
    start, end = prepared.original_span(name_cell[1], name_cell[2])
    developer = developer_start = developer_end = None
    if developer_cell is not None:
        developer_start, developer_end = prepared.original_span(developer_cell[1], developer_cell[2])
        developer = prepared.original[developer_start:developer_end]
    others = tuple(
        prepared.original_span(cell_start, cell_end)
        for position, (_, cell_start, cell_end) in enumerate(cells)
        if position not in (name_column, developer_column)
    )
    return TableRow(
        name=prepared.original[start:end], start=start, end=end, developer=developer,
        developer_start=-1 if developer_start is None else developer_start,
        developer_end=-1 if developer_end is None else developer_end,
        action=action, cells=others,
    )


def _heading_action(text: str, heading_lines: list[tuple[int, int]]) -> str:
    for start, end in reversed(heading_lines):
        removal = _REMOVAL.search(text, start, end)
        if removal and not conditional_measure(text, removal.start()):
            return "removed"
        if _LIST_WORD.search(text, start, end):
            return "notified"
    return "notified"


# --- HTML tables ---------------------------------------------------------------------------


def _html_rows(original: str) -> list[TableRow]:
    from bs4 import BeautifulSoup  # only notices kept as HTML pay for the parser

    soup = BeautifulSoup(original, "html.parser")
    line_starts = [0] + [match.end() for match in re.finditer("\n", original)]
    rows: list[TableRow] = []
    for table in soup.find_all("table"):
        grid = _grid(table)
        header_at = next(
            (i for i, row in enumerate(grid[:5]) if _column([_fold(c[0]) for c in row], _NAME_HEADERS) is not None),
            None,
        )
        if header_at is None:
            continue
        header = [_fold(cell[0]) for cell in grid[header_at]]
        name_column = _column(header, _NAME_HEADERS)
        developer_column = _column(header, _DEVELOPER_HEADERS)
        assert name_column is not None
        action = _html_heading_action(table)
        for row in grid[header_at + 1:]:
            if len(rows) >= MAX_ROWS or name_column >= len(row):
                break
            name, name_tag = row[name_column]
            if not name or name == (grid[header_at][name_column][0]):
                continue
            start, end = _locate(original, line_starts, name_tag, name)
            developer = developer_start = developer_end = None
            if developer_column is not None and developer_column < len(row) and row[developer_column][0]:
                developer, developer_tag = row[developer_column]
                developer_start, developer_end = _locate(original, line_starts, developer_tag, developer)
            others = tuple(
                _locate(original, line_starts, tag, text)
                for position, (text, tag) in enumerate(row)
                if position not in (name_column, developer_column) and text
            )
            rows.append(TableRow(
                name=name, start=start, end=end, developer=developer,
                developer_start=-1 if developer_start is None else developer_start,
                developer_end=-1 if developer_end is None else developer_end,
                action=action, cells=others,
            ))
    return rows


def _grid(table: object) -> list[list[tuple[str, object]]]:
    """The table as rows of (cell text, cell tag), rowspan and colspan spread over the cells
    they cover."""
    grid: list[list[tuple[str, object]]] = []
    pending: dict[tuple[int, int], tuple[str, object]] = {}
    for row_index, tr in enumerate(table.find_all("tr")):  # type: ignore[attr-defined]
        row: list[tuple[str, object]] = []
        column = 0
        for cell in tr.find_all(["td", "th"]):
            while (row_index, column) in pending:
                row.append(pending.pop((row_index, column)))
                column += 1
            text = re.sub(r"\s+", " ", cell.get_text(" ")).replace("\xa0", " ").strip()
            text = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)
            colspan = _span(cell.get("colspan"))
            rowspan = _span(cell.get("rowspan"))
            for offset in range(colspan):
                row.append((text, cell))
                for below in range(1, rowspan):
                    pending[(row_index + below, column + offset)] = (text, cell)
            column += colspan
        while (row_index, column) in pending:
            row.append(pending.pop((row_index, column)))
            column += 1
        grid.append(row)
    return grid


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value)), 100))
    except ValueError:
        return 1


def _html_heading_action(table: object) -> str:
    previous = table.find_all_previous(string=True, limit=12)  # type: ignore[attr-defined]
    for text in previous:
        folded = _fold(str(text))
        if not folded:
            continue
        removal = _REMOVAL.search(folded)
        if removal and not conditional_measure(folded, removal.start()):
            return "removed"
        if _LIST_WORD.search(folded):
            return "notified"
    return "notified"


def _locate(original: str, line_starts: list[int], tag: object, text: str) -> tuple[int, int]:
    """Where ``text`` of the cell ``tag`` stands in ``original``: found after the tag's own
    position, else the tag's position (a name split by markup has no one span)."""
    line = getattr(tag, "sourceline", None)
    column = getattr(tag, "sourcepos", None)
    offset = line_starts[line - 1] + column if isinstance(line, int) and isinstance(column, int) \
        and 0 < line <= len(line_starts) else 0
    found = original.find(text, offset, offset + 4000)
    if found != -1:
        return found, found + len(text)
    close = original.find(">", offset)
    return offset, (close + 1 if close != -1 else offset)
