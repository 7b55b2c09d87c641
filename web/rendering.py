"""The one template environment (sandboxed, autoescaping) and what pages need to draw text.

Archived titles and texts are untrusted: they reach templates only as plain strings, cut into
segments here, and are escaped by the environment when printed. Nothing here builds markup
from archived content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from storage.models import Figure, PlatformMention
from storage.series import SeriesPoint

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _when(moment: datetime | None, with_time: bool = False) -> str:
    if moment is None:
        return "–"
    return moment.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


def _number(value: Decimal | float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return f"{value:,f}"
    return f"{value:,}"


def environment() -> ImmutableSandboxedEnvironment:
    """Templates from web/templates, autoescaped, in a sandbox that cannot reach Python
    internals or mutate what it is given."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(("html", "xml", "svg"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["number"] = _number
    env.filters["metric_name"] = metric_name
    return env


def metric_name(metric: str | None, language: str = "en") -> str:
    """A metric's name from the catalogue (``name_en``, ``name_zh`` for "zh")."""
    from diffing.figures import load_metrics

    return load_metrics().name(metric, language)


TEMPLATES = environment()


def render(name: str, **context: Any) -> str:
    return TEMPLATES.get_template(name).render(**context)


@dataclass(frozen=True)
class Segment:
    """A piece of a notice's text; ``kind`` is "figure", "platform" or None (plain), and
    ``label`` what a highlight means (shown as its tooltip)."""

    text: str
    kind: str | None = None
    label: str = ""


def highlighted_text(
    text: str, figures: list[Figure], mentions: list[PlatformMention]
) -> list[list[Segment]]:
    """The text as paragraphs of segments, figures and platform names marked by their stored
    spans. Spans outside the text or overlapping an earlier one are skipped, not trusted."""
    spans: list[tuple[int, int, str, str]] = []
    for figure in figures:
        label = f"{metric_name(figure.metric)}: {_number(figure.value)} {figure.unit}"
        if figure.period:
            label += f" ({figure.period})"
        if figure.role:
            label += f" · {figure.role.replace('_', ' ')}"
        if figure.party:
            label += f" · {figure.party}"
        spans.append((figure.start, figure.end, "figure", label))
    for mention in mentions:
        label = mention.platform_id or mention.kind
        if mention.action:
            label += f": {mention.action}"
        if mention.operator:
            label += f" · by {mention.operator}"
        spans.append((mention.start, mention.end, "platform", label))
    spans.sort(key=lambda span: (span[0], -span[1]))
    segments: list[Segment] = []
    position = 0
    for start, end, kind, label in spans:
        if start < position or end > len(text) or end <= start:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], kind, label))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return _paragraphs(segments)


def _paragraphs(segments: list[Segment]) -> list[list[Segment]]:
    paragraphs: list[list[Segment]] = [[]]
    for segment in segments:
        lines = segment.text.split("\n")
        for index, line in enumerate(lines):
            if index > 0:
                paragraphs.append([])
            if line:
                paragraphs[-1].append(Segment(line, segment.kind, segment.label))
    return [paragraph for paragraph in paragraphs if paragraph]


# --- the metric chart ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    css: str
    href: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    """A bar chart as geometry; the template draws it as SVG (no script). ``unit`` labels
    its value axis (a currency for money); ``left`` is where the plot starts, wide enough for
    the axis' longest label; ``dated``: its bars are figures dated by their notices."""

    width: int
    height: int
    bars: list[Bar]
    years: list[Tick]
    gridlines: list[tuple[float, str]]
    baseline: float
    unit: str = ""
    left: float = 56.0
    dated: bool = False
    revised: bool = False


def series_charts(points: list[SeriesPoint], width: int = 640, height: int = 260) -> list[Chart]:
    """One chart per unit (so per currency: amounts in GBP and CNY never share an axis), and
    the points of periods apart from figures dated by their notices; in the series' order."""
    charts: dict[tuple[str, bool], list[SeriesPoint]] = {}
    for point in points:
        charts.setdefault((point.unit, point.as_of), []).append(point)
    ordered = sorted(charts.items(), key=lambda item: (item[0][1], item[0][0]))
    return [series_chart(group, width, height, unit=unit)
            for (unit, _), group in ordered]


def series_chart(points: list[SeriesPoint], width: int = 640, height: int = 260,
                 unit: str = "") -> Chart:
    """Bars grouped by year: a year's halves (or quarters) side by side, so the same half of
    consecutive years can be read against each other; a year's dated figures side by side in
    date order. Each bar links to its point's row. ``points`` share one unit."""
    top, bottom, right = 24.0, 36.0, 8.0
    plot_height = height - top - bottom
    years = sorted({point.year for point in points})
    if not points:
        return Chart(width, height, [], [], [], top + plot_height, unit)
    slot_of = _slot_of(points)
    slots = max(max(slot_of.values(), default=0) + 1,
                max((_slots(point.period_kind) for point in points if not point.as_of),
                    default=1))
    highest = max(float(point.value) for point in points) or 1.0
    scale = _nice_ceiling(highest)
    gridline_values = [(fraction, _axis_number(scale * fraction))
                       for fraction in (0.0, 0.25, 0.5, 0.75, 1.0)]
    # Room for the longest axis label (about 7 px a character at the axis' font size).
    left = max(40.0, 14.0 + 7.0 * max(len(label) for _, label in gridline_values))
    group_width = (width - left - right) / max(len(years), 1)
    bar_width = max(min(group_width * 0.8 / slots, 48.0), 2.0)
    bars = []
    for index, point in enumerate(points):
        group = years.index(point.year)
        slot = slot_of[index]
        group_start = left + group * group_width + (group_width - bar_width * slots) / 2
        bar_height = plot_height * float(point.value) / scale
        bars.append(
            Bar(
                x=round(group_start + slot * bar_width + 1, 1),
                y=round(top + plot_height - bar_height, 1),
                width=round(bar_width - 2, 1),
                height=round(bar_height, 1),
                label=point.label + (f" · {point.scope}" if point.scope else ""),
                value=_number(point.value) + (f" {point.unit}" if point.unit else ""),
                css=f"part{point.part}" + (" revised" if point.revised_from is not None else ""),
                href=f"#period-{point.period}",
            )
        )
    ticks = [
        Tick(round(left + index * group_width + group_width / 2, 1), str(year))
        for index, year in enumerate(years)
    ]
    gridlines = [(round(top + plot_height * (1 - fraction), 1), label)
                 for fraction, label in gridline_values]
    return Chart(width, height, bars, ticks, gridlines, top + plot_height, unit,
                 round(left, 1), any(point.as_of for point in points),
                 any(point.revised_from is not None for point in points))


def _slot_of(points: list[SeriesPoint]) -> dict[int, int]:
    """Each point's place within its year: its half or quarter, or its rank among the
    year's dated points."""
    slots: dict[int, int] = {}
    dated_in_year: dict[int, int] = {}
    for index, point in enumerate(points):
        if point.as_of:
            slots[index] = dated_in_year.get(point.year, 0)
            dated_in_year[point.year] = slots[index] + 1
        else:
            slots[index] = max(point.part - 1, 0) if point.part else 0
    return slots


def _axis_number(value: float) -> str:
    """An axis label short enough to fit: 2.5k, 12M, 1.5B."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            shown = f"{value / size:.2f}".rstrip("0").rstrip(".")
            return shown + suffix
    return f"{value:g}"


def _slots(period_kind: str) -> int:
    return {"half": 2, "quarter": 4}.get(period_kind, 1)


def _nice_ceiling(value: float) -> float:
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)
