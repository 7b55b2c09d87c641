"""Alert rules: reading [[alerts]] (refusals with file and line), filters, digests, baselines.

Filters are checked through :func:`alerts.outbox.enqueue` on a real archive holding the CAC's
2022 and 2023 summaries (their events come from the real analysis), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.outbox import digest_bucket, enqueue, is_baseline_run
from alerts.rules import load_rules
from config import ConfigError
from storage import archive
from storage.models import EVENT_KINDS, AlertOutbox, ChangeEvent
from tests.alert_fixtures import SUMMARY_2022, SUMMARY_2023, archive_summary, write_config
from tests.storage_fixtures import fetched_notice

HOOK = "json://127.0.0.1:9/hook"


# --- reading rules -----------------------------------------------------------------------------


def test_a_minimal_rule_takes_the_defaults(tmp_path: Path) -> None:
    (rule,) = load_rules(write_config(tmp_path, f'[[alerts]]\nnotify = ["{HOOK}"]\n'))
    assert rule.name == "rule-1"
    assert rule.on == frozenset(EVENT_KINDS)
    assert (rule.digest, rule.language, rule.baseline, rule.template) == (
        "none", "both", False, None)
    assert rule.sources == () and not rule.platforms and not rule.metrics
    (channel,) = rule.channels
    assert channel.scheme == "json" and HOOK not in channel.label and len(channel.id) == 32


@pytest.mark.parametrize(("body", "line", "reason"), [
    ('notify = ["{hook}"]\nfrequency = "often"\n', 6, "unknown key 'frequency'"),
    ('notify = ["nosuchscheme://secret-token@host/x"]\n', 5, "scheme 'nosuchscheme'"),
    ('notify = ["{hook}"]\non = ["notice_new", "notice_deleted"]\n', 6,
     "unknown event kind 'notice_deleted'"),
    ('notify = ["{hook}"]\nplatforms = ["quark", "netscape"]\n', 6,
     "'netscape' is not a registry id"),
    ('notify = ["{hook}"]\nmetrics = ["websites_summonned"]\n', 6,
     "'websites_summonned' is not a metric id"),
    ('notify = ["{hook}"]\nsources = ["miit-*x"]\n', 6, "'miit-*x' matches no configured source"),
    ('notify = ["{hook}"]\ndigest = "weekly"\n', 6, "'digest' must be one of none, hourly, daily"),
    ('notify = ["{hook}"]\nlanguage = "fr"\n', 6, "'language' must be one of zh, en, both"),
    ('notify = ["{hook}"]\nmin_change_percent = -5\n', 6, "'min_change_percent' must be"),
    ('notify = ["{hook}"]\nbaseline = "yes"\n', 6, "'baseline' must be true or false"),
    ('notify = []\n', 5, "'notify' lists no Apprise URL"),
    ('on = ["notice_new"]\n', 3, "missing 'notify'"),
    ("notify = [\"{hook}\"]\ntemplate = \"{{{{ ''.__class__.__mro__ }}}}\"\n", 6,
     "template refused: SecurityError"),
    ('notify = ["{hook}"]\ntemplate = "{{{{ notices[0].title.upper() }}}}"\n', 6,
     "template refused: SecurityError"),
    ('notify = ["{hook}"]\ntemplate = "{{{{ no_such_name }}}}"\n', 6,
     "template refused: UndefinedError"),
    ('notify = ["{hook}"]\ntemplate = "{{% for %}}"\n', 6, "template refused: TemplateSyntaxError"),
    ('notify = ["{hook}"]\ntemplate = "missing.j2"\n', 6, "cannot read the template file"),
])
def test_malformed_rules_are_refused_with_file_line_and_reason(
    tmp_path: Path, body: str, line: int, reason: str
) -> None:
    # Line 3 is the [[alerts]] header, line 4 its name, line 5 the first key of `body`.
    text = '[sources.cac-wxfb]\ndelay = 1\n[[alerts]]\nname = "watch"\n' + body.format(hook=HOOK)
    with pytest.raises(ConfigError) as refused:
        load_rules(write_config(tmp_path, text))
    assert refused.value.file == str(tmp_path / "regwatch.toml")
    assert refused.value.line == line, refused.value
    assert reason in refused.value.message and "alerts 'watch'" in refused.value.message
    assert "secret-token" not in str(refused.value)


def test_the_second_rule_s_error_names_its_own_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{HOOK}"]\n\n'
                                    f'[[alerts]]\nnotify = ["{HOOK}"]\ndigest = "monthly"\n')
    with pytest.raises(ConfigError) as refused:
        load_rules(config)
    assert refused.value.line == 6 and "alerts 'rule-2'" in refused.value.message


def test_two_rules_with_one_name_are_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nname = "a"\nnotify = ["{HOOK}"]\n'
                                    f'[[alerts]]\nname = "a"\nnotify = ["{HOOK}"]\n')
    with pytest.raises(ConfigError, match="two rules are named 'a'"):
        load_rules(config)


def test_a_template_file_is_read_beside_the_config(tmp_path: Path) -> None:
    (tmp_path / "alert.j2").write_text("{{ title }}: {{ events|length }} change(s)",
                                       encoding="utf-8")
    (rule,) = load_rules(write_config(tmp_path, f'[[alerts]]\nnotify = ["{HOOK}"]\n'
                                                'template = "alert.j2"\n'))
    assert rule.template == "{{ title }}: {{ events|length }} change(s)"


# --- filters ------------------------------------------------------------------------------------


History = tuple[Session, list[ChangeEvent], list[ChangeEvent]]


@pytest.fixture
def history(archive_session: Session) -> History:
    _, events_2022 = archive_summary(archive_session, 2022, SUMMARY_2022, number=1)
    _, events_2023 = archive_summary(archive_session, 2023, SUMMARY_2023, number=2)
    archive_session.commit()
    return archive_session, events_2022, events_2023


def queued(session: Session, rule_text: str, tmp_path: Path,
           events: list[ChangeEvent]) -> list[tuple[str, str | None]]:
    """(kind, subject) of each event the rule queues, in event order."""
    rules = load_rules(write_config(tmp_path, f'[[alerts]]\nnotify = ["{HOOK}"]\n{rule_text}'))
    enqueue(session, events, rules)
    session.flush()
    rows = session.scalars(select(AlertOutbox).order_by(AlertOutbox.event_id)).all()
    by_id = {event.id: event for event in events}
    found = [(by_id[row.event_id].kind, by_id[row.event_id].subject) for row in rows]
    session.rollback()
    return found


def test_every_event_passes_a_rule_without_filters(history: History, tmp_path: Path) -> None:
    session, old, new = history
    assert len(queued(session, "", tmp_path, old + new)) == len(old + new)


def test_source_patterns(history: History, tmp_path: Path) -> None:
    session, _, new = history
    assert len(queued(session, 'sources = ["cac-w*"]\n', tmp_path, new)) == len(new)
    assert queued(session, 'sources = ["cac-qinglang", "samr-*"]\n', tmp_path, new) == []


def test_platform_watch_list(history: History, tmp_path: Path) -> None:
    session, old, new = history
    found = queued(session, 'platforms = ["quark"]\non = ["platform_named", "notice_new"]\n',
                   tmp_path, old + new)
    # Quark's own naming, and the 2023 notice that names it; Baidu and Douyin are not watched,
    # and the 2022 summary never names Quark.
    assert found == [("notice_new", None), ("platform_named", "quark")]


APP_TABLE = ("工业和信息化部通报侵害用户权益的APP：\n序号\t应用名称\t应用开发者\n"
             "1\t星河阅读\t星河科技有限公司\n2\t青松记账\t青松网络有限公司\n")


def test_a_name_the_registry_does_not_know_is_watched_by_name(
    archive_session: Session, tmp_path: Path,
) -> None:
    _, events = archive_summary(archive_session, 2023, APP_TABLE, number=1,
                                title="关于侵害用户权益行为的APP通报")
    archive_session.commit()
    found = queued(archive_session, 'platforms = ["name:星河阅读"]\n'
                   'on = ["platform_named", "notice_new"]\n', tmp_path, events)
    assert found == [("notice_new", None), ("platform_named", "name:星河阅读")]


def test_a_watched_name_needs_its_prefix_so_a_mistyped_id_is_still_refused(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match="'name:' and the name"):
        load_rules(write_config(tmp_path, f'[[alerts]]\nnotify = ["{HOOK}"]\n'
                                'platforms = ["douyn"]\n'))


def test_metric_filter(history: History, tmp_path: Path) -> None:
    session, old, new = history
    found = queued(session, 'metrics = ["apps_removed"]\non = ["figure_reported"]\n',
                   tmp_path, old + new)
    assert found == [("figure_reported", "apps_removed")] * 2


def test_keywords_match_traditional_against_simplified_text(history: History, tmp_path: Path) -> None:
    session, old, new = history
    # 夸克瀏覽器 in Traditional characters; the notice says 夸克浏览器.
    found = queued(session, 'keywords = ["夸克瀏覽器"]\non = ["notice_new"]\n', tmp_path,
                   old + new)
    assert found == [("notice_new", None)]
    assert queued(session, 'keywords = ["QUARK BROWSER"]\non = ["platform_named"]\n', tmp_path,
                  new) == [("platform_named", "quark")]  # matched in the English summary
    assert queued(session, 'keywords = ["網絡直播"]\n', tmp_path, old + new) == []


def test_a_traditional_notice_is_found_by_a_simplified_keyword(
    archive_session: Session, tmp_path: Path
) -> None:
    _, events = archive_summary(archive_session, 2023, "2023年，網信部門依法約談網站10646家。",
                                number=7, title="網信部門執法情況")
    assert queued(archive_session, 'keywords = ["网信部门"]\non = ["notice_new"]\n', tmp_path,
                  events) == [("notice_new", None)]


def test_min_change_percent_keeps_large_changes_only(history: History, tmp_path: Path) -> None:
    session, old, new = history
    found = queued(session, 'min_change_percent = 20\non = ["figure_reported", "notice_new"]\n',
                   tmp_path, old + new)
    # 10,646 vs 8,608 is +23.7%, 259 vs 420 is -38.3%, 14,624 vs 15,240 only -4.0%; the 2022
    # figures have nothing to compare with. Other kinds are not held back.
    assert found == [("notice_new", None), ("notice_new", None),
                     ("figure_reported", "websites_summoned"), ("figure_reported", "apps_removed")]


def test_min_change_percent_on_a_silently_edited_figure(
    history: History, tmp_path: Path
) -> None:
    from storage.analysis import analyse_version
    from storage.models import Notice

    session, _, new = history
    notice_id = new[0].notice_id
    notice = session.get(Notice, notice_id)
    assert notice is not None
    edited = SUMMARY_2023.replace("下架移动应用程序259款", "下架移动应用程序261款")
    outcome = archive.record_notice(session, fetched_notice(
        url=notice.url, title=notice.title, text=edited, language="zh-Hans",
        published_at=notice.published_at, raw=edited.encode(),
        fetched_at=datetime(2024, 3, 1, tzinfo=UTC)))
    assert outcome.version is not None
    events = analyse_version(session, notice, outcome.version, outcome.previous).events
    session.commit()
    assert [e.subject for e in events if e.kind == "figure_changed"] == ["apps_removed"]
    # 259 → 261 is +0.77%.
    assert queued(session, 'on = ["figure_changed"]\nmin_change_percent = 1\n', tmp_path,
                  events) == []
    assert queued(session, 'on = ["figure_changed"]\nmin_change_percent = 0.5\n', tmp_path,
                  events) == [("figure_changed", "apps_removed")]


def test_digest_buckets_and_when_they_are_due() -> None:
    at = datetime(2024, 1, 31, 10, 5, tzinfo=UTC)
    assert digest_bucket("none", at) == (None, at)
    assert digest_bucket("hourly", at) == ("2024-01-31T10:00Z",
                                           datetime(2024, 1, 31, 11, tzinfo=UTC))
    assert digest_bucket("daily", at.astimezone(tz=None)) == (
        "2024-01-31", datetime(2024, 2, 1, tzinfo=UTC))


def test_digest_rows_of_one_bucket_share_a_group_and_wait_for_its_end(
    history: History, tmp_path: Path
) -> None:
    session, _, new = history
    rules = load_rules(write_config(tmp_path, f'[[alerts]]\nnotify = ["{HOOK}"]\n'
                                              'digest = "hourly"\n'))
    enqueue(session, new, rules)
    rows = session.scalars(select(AlertOutbox)).all()
    assert {row.group_key for row in rows} == {"digest:2024-01-31T12:00Z"}
    assert {row.next_attempt_at for row in rows} == {datetime(2024, 1, 31, 13, tzinfo=UTC)}
    # Enqueueing the same events again adds nothing.
    assert enqueue(session, new, rules) == 0


# --- baseline -------------------------------------------------------------------------------------


def test_the_first_crawl_of_a_source_is_a_baseline_unless_a_rule_asks(
    archive_session: Session, tmp_path: Path
) -> None:
    rules = load_rules(write_config(
        tmp_path, f'[[alerts]]\nname = "quiet"\nnotify = ["{HOOK}"]\n'
                  f'[[alerts]]\nname = "everything"\nnotify = ["{HOOK}"]\nbaseline = true\n'))
    start = datetime(2024, 2, 1, 8, tzinfo=UTC)
    first = archive.start_run(archive_session, "cac-wxfb", start)
    assert is_baseline_run(archive_session, "cac-wxfb", first.id)
    _, events = archive_summary(archive_session, 2022, SUMMARY_2022, number=1, run_id=first.id)
    enqueue(archive_session, events, rules, run_id=first.id)
    rows = archive_session.scalars(select(AlertOutbox)).all()
    assert {row.rule for row in rows} == {"everything"} and len(rows) == len(events)
    archive.finish_run(archive_session, first.id, status="ok", finished_at=start
                       + timedelta(minutes=5), counts={"new": 1}, errors=[], stats={})

    second = archive.start_run(archive_session, "cac-wxfb", start + timedelta(hours=1))
    assert not is_baseline_run(archive_session, "cac-wxfb", second.id)
    _, events = archive_summary(archive_session, 2023, SUMMARY_2023, number=2, run_id=second.id)
    enqueue(archive_session, events, rules, run_id=second.id)
    quiet = archive_session.scalars(select(AlertOutbox).where(AlertOutbox.rule == "quiet")).all()
    assert len(quiet) == len(events)


def test_a_first_run_that_failed_or_saw_nothing_does_not_end_the_baseline(
    archive_session: Session
) -> None:
    start = datetime(2024, 2, 1, 8, tzinfo=UTC)
    for status in ("failed", "unhealthy"):
        run = archive.start_run(archive_session, "cac-wxfb", start)
        archive.finish_run(archive_session, run.id, status=status,  # type: ignore[arg-type]
                           finished_at=start, counts={}, errors=["walled"], stats={})
    third = archive.start_run(archive_session, "cac-wxfb", start + timedelta(hours=2))
    assert is_baseline_run(archive_session, "cac-wxfb", third.id)
    assert not is_baseline_run(archive_session, "cac-wxfb", None)
