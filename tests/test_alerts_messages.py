"""Alert messages and commands: the sandbox, custom templates, HTML escaping, `regwatch alerts`.

Templates that reach for Python internals are refused, and refusing them costs no memory;
`regwatch alerts test` sends to a webhook receiver and an SMTP server on loopback.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from alerts.messages import (
    TemplateRefused,
    render,
    render_template,
    sample_events,
)
from alerts.rule import AlertRule, channel_of
from cli.alerts import COMMANDS, alerts_group
from tests.alert_fixtures import Mailbox, WebhookReceiver, email_text

CONTEXT = {"title": "t", "events": [{"kind": "notice_new"}], "notices": [{"url": "u"}]}

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ events.__class__.__base__ }}",
    "{{ notices[0].__class__ }}",
    "{{ title|attr('__class__') }}",
    "{{ events|map(attribute='__class__')|first }}",
    "{{ '{0.__class__}'.format(title) }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ self._TemplateReference__context }}",
    "{{ namespace.__init__ }}",
    "{{ range(10) }}",
    "{{ notices[0].items() }}",
    "{{ title.upper() }}",
    "{% set x = notices.pop() %}{{ x }}",
    "{{ 'x' * 1000000000 }}",
    "{{ 9 ** 99 ** 99 }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
]


@pytest.mark.parametrize("template", ESCAPES)
def test_templates_reaching_for_python_internals_are_refused(template: str) -> None:
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        with pytest.raises(TemplateRefused):
            render_template(template, CONTEXT, html=False)
        grown = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert grown < 1024 * 1024  # refused before anything large was built


def test_data_and_filters_remain_available_to_templates() -> None:
    rendered = render_template(
        "{{ title|upper }} {{ notices|length }} {% for n in notices %}{{ n.url }}{% endfor %} "
        "{{ 10646|number }}", CONTEXT, html=False)
    assert rendered == "T 1 u 10,646"


def test_a_custom_template_is_escaped_for_html_channels_only() -> None:
    rule = AlertRule(name="custom", channels=(channel_of("json://127.0.0.1/x"),),
                     template="{{ title }} | {% for n in notices %}{{ n.lines|join('; ') }}"
                              "{% endfor %}")
    events = sample_events()[:3]
    for event in events:
        event.payload["notice"] = {**event.payload["notice"], "title": "<script>x</script> & co"}
    text = render(rule, events, html=False)
    html = render(rule, events, html=True)
    assert text.body_format == "text" and html.body_format == "html"
    assert text.body.startswith("regwatch-test: <script>x</script> & co | ")
    assert html.body.startswith("regwatch-test: &lt;script&gt;x&lt;/script&gt; &amp; co | ")
    assert "10,646 in 2023 (2022: 8,608, +23.7%); newly named: Quark Browser" in text.body


@pytest.mark.parametrize(("language", "present", "absent"), [
    ("en", "websites and platforms summoned for talks 10,646", "首次点名"),
    ("zh", "首次点名：夸克浏览器", "newly named"),
])
def test_one_language_only(language: str, present: str, absent: str) -> None:
    rule = AlertRule(name="r", channels=(channel_of("json://127.0.0.1/x"),), language=language)
    body = render(rule, sample_events()[:3], html=False).body
    assert present in body and absent not in body


def test_a_fine_is_said_of_its_party_in_either_language() -> None:
    from dataclasses import replace

    fine = {"metric": "fine_amount", "value": "2000000", "unit": "CNY", "currency": "CNY",
            "period": None, "scope": None, "text": "罚款人民币200万元", "role": "fine",
            "party": "douyin"}
    sample = sample_events()[1]
    event = replace(sample, subject="fine_amount",
                    payload={"notice": sample.payload["notice"], "figure": fine})
    english = AlertRule(name="r", channels=(channel_of("json://127.0.0.1/x"),), language="en")
    chinese = replace(english, language="zh")
    assert "Douyin fined CNY 2,000,000" in render(english, [event], html=False).body
    assert "抖音：罚款人民币200万元" in render(chinese, [event], html=False).body


# --- commands -----------------------------------------------------------------------------------


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(alerts_group, list(args),
                                obj={"config": str(config), "database_url": None})
    return result.exit_code, result.output


def test_commands_are_exported_for_the_cli() -> None:
    assert [command.name for command in COMMANDS] == ["alerts"]
    assert set(alerts_group.commands) == {"test", "rules", "deliver"}


def test_alerts_test_sends_to_the_named_rule_only(
    tmp_path: Path, webhook: WebhookReceiver, mailbox: Mailbox
) -> None:
    config = tmp_path / "regwatch.toml"
    config.write_text(f'[[alerts]]\nname = "hook"\nnotify = ["{webhook.url}"]\nlanguage = "en"\n'
                      f'[[alerts]]\nname = "mail"\nnotify = ["{mailbox.url()}"]\n',
                      encoding="utf-8")

    code, output = invoke(config, "test", "hook")

    assert code == 0, output
    assert "hook → json#" in output and "sent" in output
    (delivery,) = webhook.deliveries
    assert delivery.body["title"] == (
        "regwatch test alert (hook): regwatch-test: regwatch test: 2023年全国网信系统网络执法工作情况")
    assert delivery.body["message"].splitlines() == [
        "regwatch test: 2023年全国网信系统网络执法工作情况",
        ("websites and platforms summoned for talks 10,646 in 2023 (2022: 8,608, +23.7%); "
        "newly named: Quark Browser"),
        "https://www.cac.gov.cn/",
        "",
        "regwatch-test is unhealthy: 3 crawls in a row failed",
    ]
    assert delivery.key and delivery.key.startswith("test-")
    assert mailbox.messages == []

    code, output = invoke(config, "test")
    assert code == 0, output
    assert len(webhook.deliveries) == 2 and len(mailbox.messages) == 1
    assert webhook.deliveries[0].key != webhook.deliveries[1].key
    _, html = email_text(mailbox.messages[0])
    assert "<li>2023年约谈网站平台10,646家（2022年：8,608家，+23.7%）；首次点名：夸克浏览器</li>" in html


def test_alerts_test_reports_failures_and_unknown_rules(tmp_path: Path) -> None:
    config = tmp_path / "regwatch.toml"
    config.write_text('[[alerts]]\nname = "down"\nnotify = ["json://user:hunter22@127.0.0.1:9/x"]\n',
                      encoding="utf-8")
    code, output = invoke(config, "test", "down")
    assert code == 1 and "failed" in output and "hunter22" not in output
    code, output = invoke(config, "test", "nope")
    assert code == 5


def test_alerts_rules_lists_channels_without_their_urls(tmp_path: Path) -> None:
    config = tmp_path / "regwatch.toml"
    config.write_text('[[alerts]]\nname = "watch"\nnotify = ["json://user:hunter22@127.0.0.1:9/x"]'
                      '\nplatforms = ["quark"]\ndigest = "daily"\n', encoding="utf-8")
    code, output = invoke(config, "rules")
    assert code == 0, output
    assert "watch" in output and "platforms: quark" in output and "daily" in output
    assert "hunter22" not in output and "127.0.0.1" not in output


def test_a_malformed_rule_stops_the_command_with_exit_3(tmp_path: Path) -> None:
    config = tmp_path / "regwatch.toml"
    config.write_text('[[alerts]]\nnotify = ["json://127.0.0.1/x"]\ntemplate = "{{ x.__class__ }}"\n',
                      encoding="utf-8")
    code, _ = invoke(config, "test")
    assert code == 3
