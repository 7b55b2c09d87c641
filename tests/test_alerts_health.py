"""Source health, overdue bulletins and withdrawn notices, on SQLite and PostgreSQL.

Crawl runs are written with the archive's own functions at chosen times, then
:func:`alerts.health.after_crawl` runs as the service runs it after each crawl; the resulting
alerts are delivered to a webhook receiver on loopback and their text asserted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alerts.delivery import deliver_due
from alerts.expectations import load_expectations
from alerts.health import after_crawl
from alerts.settings import alert_settings
from config import ConfigError
from storage import archive
from storage.db import session_factory
from storage.models import ChangeEvent
from tests.alert_fixtures import SUMMARY_2022, WebhookReceiver, archive_summary, write_config
from tests.storage_fixtures import add_source, fetched_notice

SOURCE = "cac-wxfb"
BEIJING = timezone(timedelta(hours=8))
START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def run(engine: Engine, status: str, at: datetime, *, listed: list[str] | None = None,
        errors: list[str] | None = None) -> None:
    """One finished crawl run of SOURCE at ``at``; ``listed`` URLs were on its list."""
    with session_factory(engine).begin() as session:
        add_source(session)
        crawl = archive.start_run(session, SOURCE, at)
        if listed and status != "failed":
            archive.mark_listed(session, SOURCE, listed, at + timedelta(minutes=1))
        archive.finish_run(session, crawl.id, status=status,  # type: ignore[arg-type]
                           finished_at=at + timedelta(minutes=2), counts={"unchanged": 1},
                           errors=errors or [], stats={})


def kinds(events: list[ChangeEvent]) -> list[str]:
    return [event.kind for event in events]


# --- source health -------------------------------------------------------------------------------


def test_unhealthy_once_after_three_bad_runs_then_recovered(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{webhook.url}"]\nlanguage = "en"\n'
                                    'on = ["source_unhealthy", "source_recovered"]\n')
    statuses = ["ok", "failed", "unhealthy", "failed", "failed", "ok", "ok"]
    written = []
    for number, status in enumerate(statuses):
        at = START + timedelta(hours=number)
        run(archive_engine, status, at, errors=["bot_wall: https://www.cac.gov.cn/ answered 521"]
            if status != "ok" else [])
        written.append(kinds(after_crawl(archive_engine, config, SOURCE, at + timedelta(minutes=3))))
    assert written == [[], [], [], ["source_unhealthy"], [], ["source_recovered"], []]

    report = deliver_due(archive_engine, config, START + timedelta(hours=8))
    assert report.messages_sent == 2
    unhealthy, recovered = (d.body for d in webhook.deliveries)
    assert unhealthy["title"] == "cac-wxfb: source unhealthy"
    assert unhealthy["message"] == (
        "Source cac-wxfb is unhealthy: its last 3 crawls did not succeed (failed, unhealthy); "
        "last problem: bot_wall: https://www.cac.gov.cn/ answered 521")
    assert recovered["title"] == "cac-wxfb: source recovered"
    assert recovered["message"] == ("Source cac-wxfb has recovered: its crawl at "
                                    "2024-03-01T13:00+00:00 succeeded")


def test_a_per_source_threshold_overrides_the_service_one(
    archive_engine: Engine, tmp_path: Path
) -> None:
    config = write_config(tmp_path, "[service]\nunhealthy_after = 5\n"
                                    f"[health.{SOURCE}]\nunhealthy_after = 2\n")
    assert alert_settings(config).unhealthy_after_for(SOURCE) == 2
    assert alert_settings(config).unhealthy_after_for("cac-qinglang") == 5
    found = []
    for number in range(2):
        at = START + timedelta(hours=number)
        run(archive_engine, "failed", at)
        found.append(kinds(after_crawl(archive_engine, config, SOURCE, at)))
    assert found == [[], ["source_unhealthy"]]


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("[service]\nunhealthy_after = 0\n", 2, "service.unhealthy_after must be a whole number"),
    ("[health.no-such]\nunhealthy_after = 2\n", 1, "health.no-such: no such source"),
    (f"[health.{SOURCE}]\nunhealthy_afterr = 2\n", 2, "unknown key 'unhealthy_afterr'"),
    ('[service]\ndeliver_every = "soon"\n', 2, "service.deliver_every"),
])
def test_malformed_health_settings_are_refused(tmp_path: Path, text: str, line: int,
                                               reason: str) -> None:
    with pytest.raises(ConfigError) as refused:
        alert_settings(write_config(tmp_path, text))
    assert refused.value.line == line and reason in refused.value.message


# --- expected bulletins ---------------------------------------------------------------------------


EXPECT = ('[[expectations]]\nsource = "cac-wxfb"\nname = "CAC yearly enforcement summary"\n'
          'title_pattern = "網絡執法工作情況"\nby = "02-28"\n')


def test_a_missing_yearly_summary_is_overdue_once(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    config = write_config(tmp_path, EXPECT + f'[[alerts]]\nnotify = ["{webhook.url}"]\n'
                                             'language = "en"\n')
    # The 2022 summary (published 31 January 2023) met the 2023 deadline; none came for 2024.
    with session_factory(archive_engine).begin() as session:
        add_source(session)
        archive_summary(session, 2022, SUMMARY_2022, number=1)
    # Before the deadline has passed (28 February 2024, Beijing time): nothing to say.
    run(archive_engine, "ok", datetime(2024, 2, 28, 10, tzinfo=UTC))
    assert after_crawl(archive_engine, config, SOURCE, datetime(2024, 2, 28, 15, tzinfo=UTC)
                       ) == []
    # Past the deadline, but no crawl has looked since: still nothing.
    assert after_crawl(archive_engine, config, SOURCE, datetime(2024, 3, 1, 1, tzinfo=UTC)) == []
    run(archive_engine, "ok", datetime(2024, 3, 1, 2, tzinfo=UTC))
    events = after_crawl(archive_engine, config, SOURCE, datetime(2024, 3, 1, 3, tzinfo=UTC))
    assert kinds(events) == ["bulletin_overdue"]
    assert events[0].subject == "CAC yearly enforcement summary"
    run(archive_engine, "ok", datetime(2024, 3, 2, 2, tzinfo=UTC))
    assert after_crawl(archive_engine, config, SOURCE, datetime(2024, 3, 2, 3, tzinfo=UTC)) == []

    deliver_due(archive_engine, config, datetime(2024, 3, 2, 4, tzinfo=UTC))
    (delivery,) = webhook.deliveries
    assert delivery.body["title"] == "cac-wxfb: bulletin overdue"
    assert delivery.body["message"] == (
        "Overdue: “CAC yearly enforcement summary” was expected from cac-wxfb by 2024-02-28; "
        "no notice with a matching title was published since 2023-03-01")


def test_a_summary_published_in_time_is_not_overdue(archive_engine: Engine,
                                                    tmp_path: Path) -> None:
    config = write_config(tmp_path, EXPECT)
    with session_factory(archive_engine).begin() as session:
        add_source(session)
        # Published 31 January 2023: within the window that ends with 28 February 2023.
        archive_summary(session, 2022, SUMMARY_2022, number=1)
    run(archive_engine, "ok", datetime(2023, 3, 5, 2, tzinfo=UTC))
    assert after_crawl(archive_engine, config, SOURCE, datetime(2023, 3, 5, 3, tzinfo=UTC)) == []


def test_expectations_are_validated(tmp_path: Path) -> None:
    (expectation,) = load_expectations(write_config(tmp_path, EXPECT + 'period = "yearly"\n'))
    assert expectation.matches("2023年全国网信系统网络执法工作情况")
    assert not expectation.matches("关于开展清朗专项行动的通知")
    for text, reason in [
        (EXPECT.replace('by = "02-28"', 'by = "02-30"'), "'by' must be like"),
        (EXPECT.replace('"cac-wxfb"', '"nowhere"'), "'source' must name a configured source"),
        (EXPECT.replace('"網絡執法工作情況"', '"(unclosed"'), "not a regular expression"),
        (EXPECT + 'period = "weekly"\n', "'period' must be one of"),
    ]:
        with pytest.raises(ConfigError, match=reason.replace("(", r"\(")):
            load_expectations(write_config(tmp_path, text))


def test_a_monthly_expectation_looks_at_the_month_before(tmp_path: Path) -> None:
    (expectation,) = load_expectations(write_config(
        tmp_path, '[[expectations]]\nsource = "cac-wxfb"\ntitle_pattern = "月报"\n'
                  'period = "monthly"\nby = "10"\n'))
    window = expectation.deadline_window(datetime(2024, 5, 20, tzinfo=UTC))
    assert window is not None
    start, end = window
    assert (start.isoformat(), end.isoformat()) == ("2024-04-11T00:00:00+08:00",
                                                    "2024-05-11T00:00:00+08:00")


# --- withdrawn notices ---------------------------------------------------------------------------


def notice_urls(engine: Engine) -> list[str]:
    """Three notices of SOURCE published on 1, 2 and 3 February 2024; their URLs, oldest first."""
    urls = []
    with session_factory(engine).begin() as session:
        add_source(session)
        for day in (1, 2, 3):
            url = f"https://www.cac.gov.cn/2024-02/0{day}/c_17{day:011d}.htm"
            archive.record_notice(session, fetched_notice(
                url=url, title=f"Notice of 2024-02-0{day}", text=f"Text {day}",
                raw=f"<p>Text {day}</p>".encode(),
                published_at=datetime(2024, 2, day, 10, tzinfo=BEIJING),
                fetched_at=datetime(2024, 2, day, 12, tzinfo=UTC)))
            urls.append(url)
    return urls


def test_a_notice_missing_from_three_good_crawls_is_withdrawn_once(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{webhook.url}"]\n'
                                    'on = ["notice_withdrawn"]\nlanguage = "en"\n')
    oldest, middle, newest = notice_urls(archive_engine)
    run(archive_engine, "ok", START, listed=[oldest, middle, newest])
    # The middle notice vanishes; a failed crawl and an unhealthy one in between prove nothing.
    plan = [("ok", []), ("failed", []), ("ok", []), ("unhealthy", [oldest]), ("ok", [])]
    found = []
    for number, (status, missing_too) in enumerate(plan, start=1):
        listed = [url for url in (oldest, newest) if url not in missing_too]
        at = START + timedelta(hours=number)
        run(archive_engine, status, at, listed=listed)
        found.append(kinds(after_crawl(archive_engine, config, SOURCE, at + timedelta(minutes=5))))
    assert found == [[], [], [], [], ["notice_withdrawn"]]
    run(archive_engine, "ok", START + timedelta(hours=7), listed=[oldest, newest])
    assert after_crawl(archive_engine, config, SOURCE, START + timedelta(hours=7)) == []

    deliver_due(archive_engine, config, START + timedelta(hours=8))
    (delivery,) = webhook.deliveries
    assert delivery.body["title"] == "cac-wxfb: Notice of 2024-02-02"
    assert delivery.body["message"].splitlines() == [
        "Notice of 2024-02-02",
        ("Notice withdrawn from cac-wxfb's list: Notice of 2024-02-02 (last listed 2024-03-01; "
        "missing from the 3 successful crawls since)"),
        middle,
    ]


def test_a_notice_that_scrolls_off_the_end_of_the_list_is_not_withdrawn(
    archive_engine: Engine, tmp_path: Path
) -> None:
    config = write_config(tmp_path, "")
    oldest, middle, newest = notice_urls(archive_engine)
    run(archive_engine, "ok", START, listed=[oldest, middle, newest])
    for number in range(1, 6):
        at = START + timedelta(hours=number)
        run(archive_engine, "ok", at, listed=[middle, newest])
        assert after_crawl(archive_engine, config, SOURCE, at) == []
    with Session(archive_engine) as session:
        assert session.scalars(select(ChangeEvent.kind)).all() == []
