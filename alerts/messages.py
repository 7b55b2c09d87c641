"""Alert messages: change events worded for people, through one sandboxed Jinja2 environment.

A message covers one notice version's events (or one digest bucket, or one event without a
notice) for one rule and channel. It says what happened with the numbers and a link, in the
notice's language and/or English as the rule asks ("2023年全国网信系统网络执法工作情况:
websites summoned 10,646 in 2023 (2022: 8,608, +23.7%); newly named: Quark Browser").

Templates, the built-in ones and a rule's own, render in :mod:`alerts.sandbox` over plain
data only (dicts, lists, strings, numbers), with their work bounded; one that reaches for
Python internals or asks for too much fails with :class:`TemplateRefused`. Channels that take
HTML (e-mail) get autoescaped output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from alerts.rule import AlertRule
from alerts.sandbox import (
    TemplateRefused,  # noqa: F401 (callers catch it from here)
    add_filter,
    render_template,
)
from diffing.chinese import detect_language
from diffing.period import period_words

# A message longer than this is cut: channels such as SMS or chat limit sizes anyway, and the
# archive has everything.
MAX_BODY = 20_000

KIND_WORDS = {
    "source_unhealthy": "source unhealthy",
    "source_recovered": "source recovered",
    "bulletin_overdue": "bulletin overdue",
    "notice_withdrawn": "notice withdrawn",
}


@dataclass(frozen=True)
class Message:
    """What one send carries; ``body_format`` is Apprise's ("text" or "html")."""

    title: str
    body: str
    body_format: str


TEXT_TEMPLATE = """\
{% for notice in notices %}
{{ notice.title }}
{% for line in notice.lines %}
{{ line }}
{% endfor %}
{% if notice.url %}{{ notice.url }}
{% endif %}
{% if not loop.last or others %}

{% endif %}
{% endfor %}
{% for event in others %}
{{ event.summary }}
{% endfor %}
"""

HTML_TEMPLATE = """\
{% for notice in notices %}
<p><b>{{ notice.title }}</b></p>
<ul>
{% for line in notice.lines %}
<li>{{ line }}</li>
{% endfor %}
</ul>
{% if notice.url %}<p><a href="{{ notice.url }}">{{ notice.url }}</a></p>
{% endif %}
{% endfor %}
{% for event in others %}
<p>{{ event.summary }}</p>
{% endfor %}
"""


# --- wording ------------------------------------------------------------------------------------


def render(rule: AlertRule, events: Sequence[Any], *, html: bool,
           digest_bucket: str | None = None) -> Message:
    """The message of ``events`` (ChangeEvent rows, oldest first) for ``rule``.

    A rule's own template that fails at delivery (it passed the check at start, so only an
    unusual event can make it fail) is logged by the caller and replaced by the built-in one.
    """
    context = message_context(rule, events, digest_bucket)
    title = context["title"]
    source = rule.template or (HTML_TEMPLATE if html else TEXT_TEMPLATE)
    body = render_template(source, context, html=html).strip()
    return Message(title=title, body=body[:MAX_BODY], body_format="html" if html else "text")


def render_builtin(rule: AlertRule, events: Sequence[Any], *, html: bool,
                   digest_bucket: str | None = None) -> Message:
    """As :func:`render`, ignoring the rule's own template."""
    context = message_context(rule, events, digest_bucket)
    body = render_template(HTML_TEMPLATE if html else TEXT_TEMPLATE, context, html=html)
    return Message(context["title"], body.strip()[:MAX_BODY], "html" if html else "text")


def message_context(rule: AlertRule, events: Sequence[Any],
                    digest_bucket: str | None = None) -> dict[str, Any]:
    """The plain data a template sees: ``title``, ``notices`` (each with ``title``, ``url``,
    ``published_at``, ``source_id``, ``language``, ``lines`` and ``events``), ``others``
    (events without a notice), ``events`` (all), ``rule`` and ``digest``."""
    notices: dict[int, dict[str, Any]] = {}
    others: list[dict[str, Any]] = []
    views = []
    for event in events:
        notice = (event.payload or {}).get("notice")
        language = _notice_language(notice)
        view = event_view(event, rule.language, language)
        views.append(view)
        if notice and event.notice_id is not None:
            entry = notices.setdefault(event.notice_id, {
                "title": str(notice.get("title") or ""),
                "url": str(notice.get("url") or ""),
                "published_at": notice.get("published_at") or "",
                "source_id": event.source_id,
                "language": language,
                "events": [],
            })
            entry["events"].append(view)
        else:
            others.append(view)
    for entry in notices.values():
        entry["lines"] = notice_lines(entry["events"], rule.language, entry["language"])
    if digest_bucket:
        title = f"regwatch digest ({digest_bucket}): {len(events)} alert(s) for {rule.name}"
    elif notices:
        first = next(iter(notices.values()))
        title = f"{first['source_id']}: {first['title']}"
    elif events:
        title = f"{events[0].source_id}: {KIND_WORDS.get(events[0].kind, events[0].kind)}"
    else:
        title = f"regwatch: {rule.name}"
    return {
        "title": title,
        "notices": list(notices.values()),
        "others": others,
        "events": views,
        "rule": {"name": rule.name, "language": rule.language, "digest": rule.digest},
        "digest": digest_bucket or "",
    }


def event_view(event: Any, rule_language: str, notice_language: str) -> dict[str, Any]:
    """An event as plain data; ``summary`` is in the rule's language(s)."""
    english = str(event.summary_en or "")
    chinese = str(event.summary_zh or "")
    if rule_language == "en" or not chinese:
        summary = english
    elif rule_language == "zh":
        summary = chinese
    else:
        summary = f"{chinese} / {english}" if notice_language == "zh" else english
    created: datetime | None = event.created_at
    return {
        "kind": event.kind,
        "source_id": event.source_id,
        "subject": event.subject or "",
        "summary": summary,
        "summary_en": english,
        "summary_zh": chinese,
        "created_at": created.isoformat() if created else "",
        "payload": _plain(event.payload or {}),
    }


def notice_lines(events: Sequence[Mapping[str, Any]], rule_language: str,
                 notice_language: str) -> list[str]:
    """One notice's events as lines: figures and platforms together on the first line.

    English lines are composed from the event payloads; Chinese lines are the events'
    Chinese summaries. ``both`` gives the notice's language first, then English.
    """
    english = _english_lines(events)
    chinese = _chinese_lines(events)
    if rule_language == "en" or notice_language != "zh":
        return english
    if rule_language == "zh":
        return chinese or english
    return [*chinese, *english]


def _english_lines(events: Sequence[Mapping[str, Any]]) -> list[str]:
    figures: list[str] = []
    first_named: list[str] = []
    named_again: list[str] = []
    rest: list[str] = []
    for event in events:
        payload = event["payload"]
        if event["kind"] == "figure_reported" and payload.get("figure"):
            figures.append(_figure_words(payload))
        elif event["kind"] == "platform_named":
            name = platform_name(payload.get("platform"), str(payload.get("name") or ""))
            if payload.get("first_time"):
                first_named.append(name)
            else:
                before = payload.get("times_before")
                named_again.append(f"{name} ({before} earlier)" if before else name)
        elif event["kind"] == "notice_new":
            continue
        else:
            rest.append(event["summary_en"])
    headline = list(figures)
    if first_named:
        headline.append("newly named: " + ", ".join(first_named))
    if named_again:
        headline.append("named again: " + ", ".join(named_again))
    lines = ["; ".join(headline)] if headline else []
    lines.extend(rest)
    if not lines and any(event["kind"] == "notice_new" for event in events):
        lines.append("New notice")
    return lines


def _chinese_lines(events: Sequence[Mapping[str, Any]]) -> list[str]:
    figures: list[str] = []
    first_named: list[str] = []
    named_again: list[str] = []
    rest: list[str] = []
    for event in events:
        payload = event["payload"]
        figure = payload.get("figure") or {}
        if event["kind"] == "figure_reported" and figure.get("text"):
            party = figure.get("party")
            if party:
                # A party's figure is said as written, of its party ("抖音：罚款人民币200万元").
                words = f"{_chinese_name(str(party))}：{figure['text']}"
            else:
                words = _figure_words_zh(figure)
            comparison = payload.get("comparison")
            if comparison and comparison.get("percent") is not None:
                previous = _number_zh(comparison.get("previous_value"), figure.get("unit"),
                                      figure.get("currency"))
                before = period_words(comparison.get("previous_period"), "zh")
                words += (f"（{before}：{previous}，"
                          f"{_signed_percent(comparison['percent'])}）")
            figures.append(words)
        elif event["kind"] == "platform_named":
            name = str(payload.get("name") or event["subject"])
            (first_named if payload.get("first_time") else named_again).append(name)
        elif event["kind"] != "notice_new" and event["summary_zh"]:
            rest.append(event["summary_zh"])
    headline = list(figures)
    if first_named:
        headline.append("首次点名：" + "、".join(first_named))
    if named_again:
        headline.append("再次点名：" + "、".join(named_again))
    return (["；".join(headline)] if headline else []) + rest


def _figure_words_zh(figure: Mapping[str, Any]) -> str:
    """2023年约谈网站平台10,646家; the figure as written when it has no metric."""
    if not figure.get("metric"):
        return str(figure.get("text") or "")
    period = period_words(figure.get("period"), "zh") or ""
    value = _number_zh(figure.get("value"), figure.get("unit"), figure.get("currency"))
    return f"{period}{metric_label(figure['metric'], 'zh')}{value}"


def _number_zh(value: object, unit: object, currency: object) -> str:
    if currency == "CNY":
        return f"{_number(value)}元"
    if currency:
        return _number(value, currency)
    shown_unit = str(unit) if unit and not str(unit).isascii() else ""
    return f"{_number(value)}{shown_unit}"


def _figure_words(payload: Mapping[str, Any]) -> str:
    figure = payload["figure"]
    currency = figure.get("currency")
    party = figure.get("party")
    value = _number(figure.get("value"), currency)
    if party and figure.get("metric") == "fine_amount":
        # One decision's fine: said of its party ("Douyin fined CNY 2,000,000").
        words = f"{platform_name(str(party), str(party))} fined {value}"
    elif party:
        words = f"{metric_label(figure.get('metric'))} {value} ({platform_name(str(party), str(party))})"
    else:
        words = f"{metric_label(figure.get('metric'))} {value}"
    if figure.get("period"):
        words += f" in {period_words(str(figure['period']))}"
    comparison = payload.get("comparison")
    if comparison:
        previous = _number(comparison.get("previous_value"), currency)
        percent = comparison.get("percent")
        shown = f", {_signed_percent(percent)}" if percent is not None else ""
        words += f" ({period_words(comparison.get('previous_period'))}: {previous}{shown})"
    return words


@lru_cache(maxsize=256)
def metric_label(metric: str | None, language: str = "en") -> str:
    """The metric's name from the catalogue (``name_en``, or ``name_zh`` for "zh")."""
    if metric is None:
        return "figure" if language == "en" else "数字"
    from diffing.figures import load_metrics

    return load_metrics().name(metric, language)


@lru_cache(maxsize=256)
def platform_name(platform_id: str | None, fallback: str) -> str:
    """The registry's English name of a platform, else the name the notice used."""
    if platform_id:
        from diffing.platforms import load_platforms

        platform = load_platforms().platforms.get(platform_id)
        if platform is not None and platform.names_en:
            return str(platform.names_en[0])
    return fallback


@lru_cache(maxsize=256)
def _chinese_name(party: str) -> str:
    """A figure's party in Chinese: the registry's name of a platform id, else as written."""
    from diffing.platforms import load_platforms

    platform = load_platforms().platforms.get(party)
    return str(platform.names_zh[0]) if platform is not None and platform.names_zh else party


def _signed_percent(percent: object) -> str:
    try:
        value = Decimal(str(percent))
    except InvalidOperation:
        return f"{percent}%"
    return f"{'+' if value > 0 else ''}{value.normalize():f}%"


def _number(value: object, currency: object = None) -> str:
    """Thousands separators for a figure's value (an int or a decimal string)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        shown = f"{int(number):,}"
    else:
        shown = f"{number:,f}".rstrip("0").rstrip(".")
    return f"{currency} {shown}" if currency else shown


add_filter("number", _number)


def _notice_language(notice: Mapping[str, Any] | None) -> str:
    if not notice:
        return "en"
    return "zh" if detect_language(str(notice.get("title") or "")).startswith("zh") else "en"


def _plain(value: Any) -> Any:
    """JSON-like data only: anything else becomes its text, so no object reaches a template."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- checks and test messages ------------------------------------------------------------------


@dataclass
class SampleEvent:
    """An event-shaped sample for checking templates and for `regwatch alerts test`."""

    kind: str
    source_id: str
    notice_id: int | None
    subject: str | None
    summary_en: str
    summary_zh: str | None
    payload: dict[str, Any]
    created_at: datetime | None = None


def sample_events(now: datetime | None = None) -> list[SampleEvent]:
    """A notice with a figure and a newly named platform, as the test message and the checks use.

    The figures are the CAC's for 2023 and 2022 (websites summoned).
    """
    notice = {"id": 0, "title": "regwatch test: 2023年全国网信系统网络执法工作情况",
              "url": "https://www.cac.gov.cn/", "published_at": "2024-01-31T10:05:00+08:00",
              "version": 1}
    figure = {"metric": "websites_summoned", "value": 10646, "unit": "家", "currency": None,
              "period": "2023", "scope": None, "text": "约谈网站10646家"}
    return [
        SampleEvent("notice_new", "regwatch-test", 0, None, f"New notice: {notice['title']}",
                    f"新通知：{notice['title']}", {"notice": notice}, now),
        SampleEvent("figure_reported", "regwatch-test", 0, "websites_summoned",
                    "Websites and platforms summoned for talks: 10,646 in 2023, up 23.7% from "
                    "8,608 in 2022", "2023年约谈网站平台10,646家，较2022年（8,608家）增长23.7%",
                    {"notice": notice, "figure": figure,
                     "comparison": {"previous_period": "2022", "previous_value": 8608,
                                    "change": 2038, "percent": "23.7"}}, now),
        SampleEvent("platform_named", "regwatch-test", 0, "quark",
                    "Quark Browser named for the first time", "首次点名：夸克浏览器",
                    {"notice": notice, "platform": "quark", "name": "夸克浏览器",
                     "first_time": True, "times_before": 0}, now),
        SampleEvent("source_unhealthy", "regwatch-test", None, None,
                    "regwatch-test is unhealthy: 3 crawls in a row failed",
                    "regwatch-test 连续3次抓取失败", {"runs": 3}, now),
    ]


def check_template(rule: AlertRule) -> None:
    """Render the rule's template over sample events, as text and as HTML.

    Raises TemplateRefused when it does not compile, names something the context lacks, or
    reaches for attributes the sandbox refuses.
    """
    if rule.template is None:
        return
    samples = sample_events()
    for html in (False, True):
        for events in (samples[:3], samples[3:], samples):
            render_template(rule.template, message_context(rule, events), html=html)
        render_template(rule.template, message_context(rule, samples, "2024-01-31"), html=html)
