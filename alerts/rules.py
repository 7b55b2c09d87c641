"""Alert rules: the ``[[alerts]]`` tables of regwatch.toml, validated, and which events they want.

A rule names its channels (``notify``, Apprise URLs) and filters; an event is for a rule when
it passes every filter the rule sets (within one filter, any listed value will do):

- ``on``: event kinds (default: all);
- ``sources``: source ids, ``*`` and ``?`` patterns allowed (fnmatch);
- ``platforms``: registry ids, and names the registry does not know written ``name:`` and the
  name (``name:星河阅读``, compared in Simplified and without case); a ``platform_named``
  event about one of them, or an event of another kind whose notice version names one of them;
- ``metrics``: metric ids; a figure or metric event about one of them, or an event of another
  kind (not about a metric) whose notice version reports one of them;
- ``keywords``: any keyword in the notice's title or text or the event's summaries, compared in
  Simplified characters and without case, so 網信辦 finds 网信办;
- ``min_change_percent``: applies to ``figure_reported`` (only those with a comparison with an
  earlier period pass) and ``figure_changed`` (a figure added or removed counts as a change
  of 100%); other kinds are not held back by it.

Malformed rules raise :class:`~config.ConfigError` with the file, line and reason.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from alerts.messages import TemplateRefused, check_template
from alerts.rule import AlertRule, channel_of
from config import Config, ConfigError
from config.toml import entry_line
from diffing.chinese import to_simplified
from storage.models import EVENT_KINDS

DIGESTS = ("none", "hourly", "daily")
LANGUAGES = ("zh", "en", "both")
RULE_KEYS = (
    "name", "notify", "on", "sources", "platforms", "metrics", "keywords",
    "min_change_percent", "digest", "language", "template", "baseline",
)
METRIC_KINDS = ("figure_reported", "figure_changed", "metric_new", "metric_dropped")
# The outbox's rule column.
MAX_NAME = 100


@dataclass
class EventFacts:
    """What the filters look at beyond the event row: the notice version's findings and text."""

    platforms: set[str] = field(default_factory=set)
    metrics: set[str] = field(default_factory=set)
    text: str = ""
    # Every source whose list shows the event's notice (a notice is one document, whichever
    # channels list it), the event's own source among them.
    sources: set[str] = field(default_factory=set)


def normalised(text: str) -> str:
    """``text`` in Simplified characters and lower case, as keyword filters compare it."""
    return to_simplified(text)[0].casefold()


def rule_wants(rule: AlertRule, event: Any, facts: EventFacts) -> bool:
    """Whether ``event`` (a :class:`storage.models.ChangeEvent`) passes the rule's filters."""
    if event.kind not in rule.on:
        return False
    if rule.sources and not any(fnmatch.fnmatchcase(source_id, pattern)
                                for source_id in facts.sources | {event.source_id}
                                for pattern in rule.sources):
        return False
    payload: Mapping[str, Any] = event.payload or {}
    if rule.platforms:
        named = ({event.subject, payload.get("platform")} if event.kind == "platform_named"
                 else facts.platforms)
        if not rule.platforms & named:
            return False
    if rule.metrics:
        about = {event.subject} if event.kind in METRIC_KINDS else facts.metrics
        if not rule.metrics & about:
            return False
    if rule.keywords:
        notice = payload.get("notice") or {}
        haystack = normalised(" ".join(str(part) for part in (
            notice.get("title") or "", event.summary_en or "", event.summary_zh or "",
        )) + " " + facts.text)
        if not any(keyword in haystack for keyword in rule.keywords):
            return False
    if rule.min_change_percent is not None:
        change = change_percent(event)
        if event.kind in ("figure_reported", "figure_changed") and (
            change is None or abs(change) < rule.min_change_percent
        ):
            return False
    return True


def change_percent(event: Any) -> Decimal | None:
    """The size of a figure event's change in percent; None when it has none to measure."""
    payload: Mapping[str, Any] = event.payload or {}
    if event.kind == "figure_reported":
        percent = (payload.get("comparison") or {}).get("percent")
        return _decimal(percent)
    if event.kind == "figure_changed":
        old, new = payload.get("old"), payload.get("new")
        if not old or not new:
            return Decimal(100)
        old_value, new_value = _decimal(old.get("value")), _decimal(new.get("value"))
        if old_value is None or new_value is None:
            return None
        if old_value == 0:
            return Decimal(100) if new_value else Decimal(0)
        return (new_value - old_value) / abs(old_value) * 100
    return None


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- reading the configuration -----------------------------------------------------------------


def load_rules(config: Config) -> list[AlertRule]:
    """The ``[[alerts]]`` rules of ``config``, in file order; [] when there are none.

    Raises ConfigError naming the file, the line and the reason for the first malformed rule:
    an unknown key, a wrong type, an unknown event kind, platform or metric, an Apprise URL
    whose scheme Apprise does not know, an unknown digest or language, or a template that does
    not compile or tries to reach Python internals.
    """
    tables = config.raw.get("alerts", [])
    file = str(config.path) if config.path else "regwatch.toml"
    text = _config_text(config)
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(file, None, "alerts must be written as [[alerts]] tables")
    rules: list[AlertRule] = []
    names: set[str] = set()
    for index, table in enumerate(tables):
        rule = _rule(table, index, file, text, config)
        if rule.name in names:
            raise ConfigError(file, entry_line(text, "alerts", index, "name"),
                              f"alerts: two rules are named {rule.name!r}")
        names.add(rule.name)
        rules.append(rule)
    return rules


def _config_text(config: Config) -> str:
    if config.path is None:
        return ""
    try:
        return config.path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _rule(table: Mapping[str, Any], index: int, file: str, text: str,
          config: Config) -> AlertRule:
    default_name = f"rule-{index + 1}"

    def fail(message: str, key: str | None = None) -> ConfigError:
        name = table.get("name") if isinstance(table.get("name"), str) else default_name
        return ConfigError(file, entry_line(text, "alerts", index, key),
                           f"alerts {name!r}: {message}")

    unknown = sorted(set(table) - set(RULE_KEYS))
    if unknown:
        raise fail(f"unknown key {unknown[0]!r}; expected one of {', '.join(RULE_KEYS)}",
                   unknown[0])

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                   for v in value):
            raise fail(f"{key!r} must be a list of non-empty strings", key)
        return tuple(v.strip() for v in value)

    def choice(key: str, allowed: Sequence[str], default: str) -> str:
        value = table.get(key, default)
        if value not in allowed:
            raise fail(f"{key!r} must be one of {', '.join(allowed)}, not {value!r}", key)
        return str(value)

    name = table.get("name", default_name)
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise fail(f"'name' must be a non-empty string of at most {MAX_NAME} characters", "name")
    name = name.strip()

    if "notify" not in table:
        raise fail("missing 'notify', a list of Apprise URLs such as "
                   "'mailto://user:password@example.org' or 'json://host/path'")
    urls = strings("notify")
    if not urls:
        raise fail("'notify' lists no Apprise URL", "notify")
    channels = []
    for position, url in enumerate(urls):
        channel = channel_of(url)
        if not _apprise_accepts(url):
            # Only the scheme is shown: the rest of the URL may be a password or a token.
            raise fail(f"notify[{position}]: Apprise cannot use this URL (scheme "
                       f"{channel.scheme!r}: unknown, or the URL is malformed for it)", "notify")
        channels.append(channel)
    if len({c.id for c in channels}) != len(channels):
        raise fail("'notify' lists the same URL twice", "notify")

    on = strings("on") if "on" in table else tuple(EVENT_KINDS)
    for kind in on:
        if kind not in EVENT_KINDS:
            raise fail(f"'on': unknown event kind {kind!r}; known are {', '.join(EVENT_KINDS)}",
                       "on")

    sources = strings("sources")
    for pattern in sources:
        if not any(fnmatch.fnmatchcase(source_id, pattern) for source_id in config.sources):
            raise fail(f"'sources': {pattern!r} matches no configured source; known are "
                       f"{', '.join(sorted(config.sources))}", "sources")

    platforms = strings("platforms")
    if platforms:
        from diffing.compare import NAME_PREFIX, mention_key
        from diffing.platforms import load_platforms

        registry = load_platforms().platforms
        watched = []
        for platform in platforms:
            if platform.startswith(NAME_PREFIX) and platform[len(NAME_PREFIX):].strip():
                watched.append(mention_key(None, platform[len(NAME_PREFIX):]))
            elif platform in registry:
                watched.append(platform)
            else:
                raise fail(f"'platforms': {platform!r} is not a registry id "
                           "(see diffing/data/platforms.toml); a name the registry does not "
                           "know is written 'name:' and the name", "platforms")
        platforms = tuple(watched)
    metrics = strings("metrics")
    if metrics:
        from diffing.figures import load_metrics

        known = {metric.id for metric in load_metrics().metrics}
        for metric in metrics:
            if metric not in known:
                raise fail(f"'metrics': {metric!r} is not a metric id; known are "
                           f"{', '.join(sorted(known))}", "metrics")

    keywords = tuple(normalised(keyword) for keyword in strings("keywords"))

    threshold: Decimal | None = None
    if "min_change_percent" in table:
        value = table["min_change_percent"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise fail("'min_change_percent' must be a number ≥ 0", "min_change_percent")
        threshold = Decimal(str(value))

    baseline = table.get("baseline", False)
    if not isinstance(baseline, bool):
        raise fail("'baseline' must be true or false", "baseline")

    template = _template_text(table.get("template"), config, fail)
    rule = AlertRule(
        name=name, channels=tuple(channels), on=frozenset(on), sources=sources,
        platforms=frozenset(platforms), metrics=frozenset(metrics), keywords=keywords,
        min_change_percent=threshold, digest=choice("digest", DIGESTS, "none"),
        language=choice("language", LANGUAGES, "both"), template=template, baseline=baseline,
    )
    if template is not None:
        try:
            check_template(rule)
        except TemplateRefused as exc:
            raise fail(f"template refused: {exc}", "template") from None
    return rule


def _template_text(value: object, config: Config, fail: Any) -> str | None:
    """A template written inline, or read from a file named relative to the config file."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail("'template' must be a Jinja2 template or the path of a file holding one",
                   "template")
    if "{{" in value or "{%" in value or "\n" in value:
        return value
    path = Path(value).expanduser()
    if not path.is_absolute() and config.path is not None:
        path = config.path.parent / path
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read the template file {str(path)!r}: {exc}", "template") from None


def _apprise_accepts(url: str) -> bool:
    import apprise

    from alerts.redaction import install_redaction

    install_redaction([url])
    return bool(apprise.Apprise(asset=quiet_asset()).add(url))


def quiet_asset() -> Any:
    """Apprise's asset with its persistent storage off: regwatch keeps its own state."""
    import apprise

    return apprise.AppriseAsset(storage_mode="memory")
