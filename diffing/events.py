"""The words of change events: what a version's figures and platform mentions, compared with
the previous version and with the source's earlier notices, say in English and Chinese.

Pure: :class:`EventWording` words each event and hands it to :meth:`EventWording.add`; the
archive's subclass (:mod:`storage.analysis`) makes rows of them. The comparisons are the pure
functions of :mod:`diffing.compare`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from diffing import compare
from diffing.documents import found_figure_json, value_json
from diffing.figures import Figure, load_metrics
from diffing.platforms import load_platforms

# How much of a text diff an event keeps; the archive has both versions in full.
DIFF_EXCERPT = 4000


class EventWording:
    """Words the events of one version of a notice, each passed to :meth:`add` in order."""

    def __init__(self, title: str, version_number: int) -> None:
        self.title = title
        self.version_number = version_number
        self.metrics = load_metrics()
        self.registry = load_platforms()

    def add(self, kind: str, subject: str | None, summary_en: str, summary_zh: str | None,
            payload: dict[str, Any]) -> None:
        raise NotImplementedError

    # Words ---------------------------------------------------------------------------------

    def metric_label(self, metric: str | None, language: str = "en") -> str:
        for entry in self.metrics.metrics:
            if entry.id == metric:
                label = getattr(entry, f"label_{language}", None)
                if label:
                    return str(label)
                return entry.meaning if language == "en" else entry.id
        return metric or "unclassified figure"

    def platform_label(self, key: str, name: str, language: str = "en") -> str:
        platform = self.registry.platforms.get(key)
        if platform is None:
            return name
        names = platform.names_en if language == "en" else platform.names_zh
        return names[0] if names else name

    # Kinds ---------------------------------------------------------------------------------

    def notice_new(self) -> None:
        title = self.title
        self.add("notice_new", None, f"New notice: {title}", f"新通知：{title}", {})

    def notice_edited(self, previous_number: int, previous_text: str, text: str,
                      figures: Sequence[compare.FigureChange],
                      platforms: Sequence[compare.PlatformChange]) -> None:
        """``text`` and ``previous_text``: the texts of this version and of the previous one."""
        diff = compare.text_diff(previous_text, text,
                                 old_label=f"version {previous_number}",
                                 new_label=f"version {self.version_number}")
        edited = sum(1 for c in figures if c.kind == "edited")
        details = f"; {edited} figure(s) edited" if edited else ""
        self.add(
            "notice_edited", None,
            f"Notice edited (version {self.version_number}): {self.title}{details}",
            f"通知内容被修改（第{self.version_number}版）：{self.title}",
            {"previous_version": previous_number, "diff": diff[:DIFF_EXCERPT],
             "diff_truncated": len(diff) > DIFF_EXCERPT,
             "figures_changed": len(figures), "platforms_changed": len(platforms)},
        )

    def party_label(self, party: str, language: str = "en") -> str:
        """A figure's party: a registry platform's name, else the name as written."""
        return self.platform_label(party, party, language)

    def figure_reported(self, figure: Figure,
                        comparison: compare.PeriodComparison | None) -> None:
        label = self.metric_label(figure.metric)
        value = _number(figure.value, figure.currency)
        period = figure.period or "an unstated period"
        en = f"{label}: {value} in {period}"
        zh = f"{self.metric_label(figure.metric, 'zh')}：{period} {value}{figure.unit if not figure.currency else ''}"
        if figure.party is not None:
            # One party's figure (a single decision's fine): said of that party, and compared
            # with nothing (diffing.compare.PeriodHistory).
            party_en, party_zh = self.party_label(figure.party), self.party_label(figure.party, "zh")
            when = f" in {figure.period}" if figure.period else ""
            en = (f"{party_en} fined {value}{when}" if figure.metric == "fine_amount"
                  else f"{label}: {value} ({party_en}){when}")
            zh = (f"{party_zh}被罚款{value}" if figure.metric == "fine_amount"
                  else f"{self.metric_label(figure.metric, 'zh')}（{party_zh}）：{value}")
        payload: dict[str, Any] = {"figure": found_figure_json(figure)}
        if comparison is not None:
            previous = _number(comparison.previous_value, figure.currency)
            if comparison.percent is not None:
                direction = "up" if comparison.change > 0 else "down" if comparison.change < 0 else "unchanged"
                shown = f"{abs(comparison.percent)}%"
                en += (f", {direction} {shown} on {comparison.previous_period}'s {previous}"
                       if direction != "unchanged" else
                       f", unchanged on {comparison.previous_period}")
                zh += (f"，较{comparison.previous_period}年的{previous}"
                       f"{'增长' if comparison.change > 0 else '下降' if comparison.change < 0 else '持平'}"
                       f"{shown if comparison.change else ''}")
            payload["comparison"] = {
                "previous_period": comparison.previous_period,
                "previous_value": value_json(comparison.previous_value),
                "change": value_json(comparison.change),
                "percent": str(comparison.percent) if comparison.percent is not None else None,
            }
        self.add("figure_reported", figure.metric, en, zh, payload)

    def figure_changed(self, change: compare.FigureChange) -> None:
        label = self.metric_label(change.metric)
        title = self.title
        either = change.new or change.old
        currency = either.currency if either is not None else None
        label_zh = self.metric_label(change.metric, "zh")
        if either is not None and either.party is not None:
            label = f"{label} ({self.party_label(either.party)})"
            label_zh = f"{label_zh}（{self.party_label(either.party, 'zh')}）"
        if change.kind == "edited" and change.old is not None and change.new is not None:
            en = (f"The figure for {label} was silently edited from "
                  f"{_number(change.old.value, currency)} to {_number(change.new.value, currency)}"
                  f" in “{title}”")
            zh = (f"“{title}”中的{label_zh}数字被修改："
                  f"{_number(change.old.value, currency)} → {_number(change.new.value, currency)}")
        elif change.kind == "added" and change.new is not None:
            en = f"A figure was added to “{title}”: {label} {_number(change.new.value, currency)}"
            zh = f"“{title}”新增数字：{change.new.text}"
        else:
            assert change.old is not None
            en = f"A figure was removed from “{title}”: {label} {_number(change.old.value, currency)}"
            zh = f"“{title}”删除了数字：{change.old.text}"
        self.add("figure_changed", change.metric, en, zh, {
            "change": change.kind, "metric": change.metric, "period": change.period,
            "scope": change.scope,
            "old": found_figure_json(change.old) if change.old else None,
            "new": found_figure_json(change.new) if change.new else None,
        })

    def metric_event(self, event: compare.MetricEvent) -> None:
        label = self.metric_label(event.metric)
        label_zh = self.metric_label(event.metric, "zh")
        value = _number(event.figure.value, event.figure.currency)
        if event.kind == "first_reported":
            self.add("metric_new", event.metric,
                     f"Reported for the first time: {label} ({value})",
                     f"首次公布：{label_zh}（{value}）",
                     {"metric": event.metric, "scope": event.scope,
                      "figure": found_figure_json(event.figure)})
        else:
            self.add("metric_dropped", event.metric,
                     f"No longer reported: {label} (last {value}, {event.figure.period})",
                     f"不再公布：{label_zh}（上次 {value}，{event.figure.period}）",
                     {"metric": event.metric, "scope": event.scope,
                      "last_figure": found_figure_json(event.figure)})

    def platform_named(self, appearance: compare.PlatformAppearance) -> None:
        mention = appearance.mention
        name_en = self.platform_label(appearance.key, mention.name)
        name_zh = self.platform_label(appearance.key, mention.name, "zh")
        action = f" ({mention.action.replace('_', ' ')})" if mention.action else ""
        if appearance.kind == "first_time":
            en = f"{name_en} named for the first time{action}"
            zh = f"首次点名：{name_zh}"
        else:
            en = (f"{name_en} named again{action}: {appearance.times_before} earlier notice(s), "
                  f"first on {appearance.first_seen}")
            zh = f"再次点名：{name_zh}（此前{appearance.times_before}次）"
        self.add("platform_named", mention.id or appearance.key, en, zh, {
            "platform": mention.id, "key": appearance.key, "name": mention.name,
            "kind": mention.kind, "operator": mention.operator,
            "action": mention.action, "actions": list(mention.actions),
            "amount": {"value": str(mention.amount.value), "currency": mention.amount.currency}
            if mention.amount else None,
            "first_time": appearance.kind == "first_time",
            "times_before": appearance.times_before,
            "first_seen": appearance.first_seen.isoformat() if appearance.first_seen else None,
            "last_seen": appearance.last_seen.isoformat() if appearance.last_seen else None,
        })


def _number(value: int | Decimal, currency: str | None = None) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    shown = f"{value:,}" if isinstance(value, int) else f"{value:,f}".rstrip("0").rstrip(".")
    return f"{currency} {shown}" if currency else shown
