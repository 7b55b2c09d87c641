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
from diffing.period import period_words
from diffing.platforms import load_platforms

# The actions of diffing/data/platforms.toml as a Chinese summary says them.
ACTIONS_ZH = {"summoned": "约谈", "fined": "罚款", "removed": "下架", "closed": "关闭",
              "suspended": "暂停", "ordered_to_rectify": "责令整改", "warned": "警告"}

# How much of a text diff an event keeps; the archive has both versions in full.
DIFF_EXCERPT = 4000


class EventWording:
    """Words the events of one version of a notice, each passed to :meth:`add` in order."""

    def __init__(self, title: str, version_number: int, dated: str | None = None) -> None:
        """``dated``: the notice's date (``2026-10-15``), which a figure stating no period is
        reported as of."""
        self.title = title
        self.version_number = version_number
        self.dated = dated
        self.metrics = load_metrics()
        self.registry = load_platforms()

    def add(self, kind: str, subject: str | None, summary_en: str, summary_zh: str | None,
            payload: dict[str, Any]) -> None:
        raise NotImplementedError

    # Words ---------------------------------------------------------------------------------

    def metric_label(self, metric: str | None, language: str = "en") -> str:
        """The metric's name (``name_en``/``name_zh`` in the catalogue)."""
        return self.metrics.name(metric, language)

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
        details_zh = f"，{edited}个数字被修改" if edited else ""
        self.add(
            "notice_edited", None,
            f"Notice edited (version {self.version_number}): {self.title}{details}",
            f"通知内容被修改（第{self.version_number}版）：{self.title}{details_zh}",
            {"previous_version": previous_number, "diff": diff[:DIFF_EXCERPT],
             "diff_truncated": len(diff) > DIFF_EXCERPT,
             "figures_changed": len(figures), "platforms_changed": len(platforms)},
        )

    def party_label(self, party: str, language: str = "en") -> str:
        """A figure's party: a registry platform's name, else the name as written."""
        return self.platform_label(party, party, language)

    def figure_reported(self, figure: Figure,
                        comparison: compare.PeriodComparison | None) -> None:
        name = self.metric_label(figure.metric)
        value = _number(figure.value, figure.currency)
        value_zh = _number_zh(figure.value, figure.unit, figure.currency)
        period_en = period_words(figure.period)
        if figure.party is not None:
            # One party's figure (a single decision's fine): said of that party, compared with
            # nothing (diffing.compare.PeriodHistory), and no point of a series, so not dated
            # "as of" its notice either.
            party_en = self.party_label(figure.party)
            party_zh = self.party_label(figure.party, "zh")
            when_en = f" in {period_en}" if period_en else ""
            when_zh = period_words(figure.period, "zh") or ""
            if figure.metric == "fine_amount":
                en = f"{party_en} fined {value}{when_en}"
                zh = f"{when_zh}{party_zh}被罚款{value_zh}"
            else:
                en = f"{_capital(name)}: {value} ({party_en}){when_en}"
                zh = f"{when_zh}{self.metric_label(figure.metric, 'zh')}（{party_zh}）{value_zh}"
        else:
            if period_en:
                en_when, zh_when = f"in {period_en}", period_words(figure.period, "zh") or ""
            elif self.dated:
                # A figure with no stated period is a point dated by its notice.
                en_when, zh_when = f"as of {self.dated}", f"截至{self.dated}"
            else:
                en_when, zh_when = "(period not stated)", ""
            en = f"{_capital(name)}: {value} {en_when}"
            zh = (f"{zh_when}{self.metric_label(figure.metric, 'zh')}{value_zh}"
                  f"{'' if zh_when else '（未注明时期）'}")
        payload: dict[str, Any] = {"figure": found_figure_json(figure)}
        if comparison is not None:
            previous = _number(comparison.previous_value, figure.currency)
            previous_zh = _number_zh(comparison.previous_value, figure.unit, figure.currency)
            before_en = period_words(comparison.previous_period)
            before_zh = period_words(comparison.previous_period, "zh")
            if comparison.percent is not None:
                shown = f"{abs(comparison.percent)}%"
                if comparison.change:
                    direction = "up" if comparison.change > 0 else "down"
                    en += f", {direction} {shown} from {previous} in {before_en}"
                    zh += (f"，较{before_zh}（{previous_zh}）"
                           f"{'增长' if comparison.change > 0 else '下降'}{shown}")
                else:
                    en += f", unchanged from {before_en}"
                    zh += f"，与{before_zh}持平"
            payload["comparison"] = {
                "previous_period": comparison.previous_period,
                "previous_value": value_json(comparison.previous_value),
                "change": value_json(comparison.change),
                "percent": str(comparison.percent) if comparison.percent is not None else None,
            }
        self.add("figure_reported", figure.metric, en, zh, payload)

    def figure_changed(self, change: compare.FigureChange) -> None:
        name = self.metric_label(change.metric)
        name_zh = self.metric_label(change.metric, "zh")
        title = self.title
        either = change.new or change.old
        currency = either.currency if either is not None else None
        unit = either.unit if either is not None else ""
        if either is not None and either.party is not None:
            name = f"{name} ({self.party_label(either.party)})"
            name_zh = f"{name_zh}（{self.party_label(either.party, 'zh')}）"
        period_en = period_words(change.period)
        period_zh = period_words(change.period, "zh") or ""
        what = f"{name} in {period_en}" if period_en else name
        if change.kind == "edited" and change.old is not None and change.new is not None:
            en = (f"Figure silently edited in “{title}”: {what}, from "
                  f"{_number(change.old.value, currency)} to {_number(change.new.value, currency)}")
            zh = (f"“{title}”中的数字被修改：{period_zh}{name_zh}由"
                  f"{_number_zh(change.old.value, unit, currency)}改为"
                  f"{_number_zh(change.new.value, unit, currency)}")
        elif change.kind == "added" and change.new is not None:
            en = (f"A figure was added to “{title}”: {what}, "
                  f"{_number(change.new.value, currency)}")
            zh = (f"“{title}”新增数字：{period_zh}{name_zh}"
                  f"{_number_zh(change.new.value, unit, currency)}")
        else:
            assert change.old is not None
            en = (f"A figure was removed from “{title}”: {what}, "
                  f"{_number(change.old.value, currency)}")
            zh = (f"“{title}”删除了数字：{period_zh}{name_zh}"
                  f"{_number_zh(change.old.value, unit, currency)}")
        self.add("figure_changed", change.metric, en, zh, {
            "change": change.kind, "metric": change.metric, "period": change.period,
            "scope": change.scope,
            "old": found_figure_json(change.old) if change.old else None,
            "new": found_figure_json(change.new) if change.new else None,
        })

    def metric_event(self, event: compare.MetricEvent) -> None:
        name = self.metric_label(event.metric)
        name_zh = self.metric_label(event.metric, "zh")
        figure = event.figure
        value = _number(figure.value, figure.currency)
        value_zh = _number_zh(figure.value, figure.unit, figure.currency)
        period_en = period_words(figure.period)
        period_zh = period_words(figure.period, "zh") or ""
        when = f" in {period_en}" if period_en else ""
        if event.kind == "first_reported":
            self.add("metric_new", event.metric,
                     f"Reported for the first time: {name} ({value}{when})",
                     f"首次公布：{period_zh}{name_zh}{value_zh}",
                     {"metric": event.metric, "scope": event.scope,
                      "figure": found_figure_json(figure)})
        else:
            self.add("metric_dropped", event.metric,
                     f"No longer reported: {name} (last {value}{when})",
                     f"不再公布：{name_zh}（上次为{period_zh}{value_zh}）",
                     {"metric": event.metric, "scope": event.scope,
                      "last_figure": found_figure_json(figure)})

    def platform_named(self, appearance: compare.PlatformAppearance) -> None:
        mention = appearance.mention
        name_en = self.platform_label(appearance.key, mention.name)
        name_zh = self.platform_label(appearance.key, mention.name, "zh")
        action = f" ({mention.action.replace('_', ' ')})" if mention.action else ""
        action_zh = ACTIONS_ZH.get(mention.action or "", "")
        if appearance.kind == "first_time":
            en = f"{name_en} named for the first time{action}"
            zh = f"首次点名：{name_zh}" + (f"（{action_zh}）" if action_zh else "")
        else:
            en = (f"{name_en} named again{action}: {appearance.times_before} earlier notice(s), "
                  f"first on {appearance.first_seen}")
            zh = (f"再次点名：{name_zh}（{action_zh + '，' if action_zh else ''}"
                  f"此前{appearance.times_before}次）")
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


def _number_zh(value: int | Decimal, unit: str | None, currency: str | None = None) -> str:
    """A value as a Chinese sentence has it: 10,646家, 500,000元 (CNY), USD 5,000,000."""
    if currency == "CNY":
        return f"{_number(value)}元"
    if currency:
        return _number(value, currency)
    return f"{_number(value)}{unit if unit and not unit.isascii() else ''}"


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]
