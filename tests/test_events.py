"""Change events from a realistic history, on SQLite and PostgreSQL.

Three yearly enforcement summaries of one source are archived in publication order; each year's
figures are compared with the year before, metrics appear and disappear, and platforms are
named for the first time or again. The 2023 figures and platform names are the CAC's real
ones (and 8,608 websites summoned in 2022); the other 2021 and 2022 figures are invented for
the test, in the older metric set (警告, 罚款处罚, 移送案件线索) that those years used.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.analysis import analyse_version
from storage.archive import record_notice
from storage.models import ChangeEvent, Figure, Notice
from tests.storage_fixtures import add_source, fetched_notice

BEIJING = timezone(timedelta(hours=8))

SUMMARY_2021 = (
    "2021年，全国网信系统深入推进网络执法工作。全年共约谈网站7015家，给予警告1032家，"
    "罚款处罚256家，暂停更新网站321家，下架移动应用程序1204款，关闭违法网站16350家，"
    "移送相关案件线索1987件。其中，依法约谈了抖音、快手等平台。"
)
SUMMARY_2022 = (
    "2022年，全国网信系统持续加大执法力度。全年共约谈网站8608家，给予警告1255家，"
    "罚款处罚307家，暂停功能或更新网站402家，下架移动应用程序420款，关闭违法网站15240家，"
    "移送相关案件线索2250件。国家网信办对抖音、新浪微博予以约谈并责令整改。"
)
SUMMARY_2023 = (
    "2023年，全国网信系统严格执行法律法规，大力查处各类网上违法违规行为，全年共约谈网站10646家，"
    "责令453家网站暂停功能或更新，下架移动应用程序259款，关停小程序119款，会同电信主管部门取消"
    "违法网站许可或备案、关闭违法网站14624家，督促相关网站平台依法依约关闭违法违规账号127878个。"
    "针对百度、必应、夸克浏览器等平台存在的问题，依法约谈并责令限期整改；抖音、快手再次被约谈。"
)


def archive(session: Session, year: int, text: str, *, number: int) -> list[ChangeEvent]:
    fetched = fetched_notice(
        url=f"https://www.cac.gov.cn/{year + 1}-01/31/c_17{number:011d}.htm",
        title=f"{year}年全国网信系统网络执法工作情况",
        text=text,
        language="zh-Hans",
        published_at=datetime(year + 1, 1, 31, 10, 5, tzinfo=BEIJING),
    )
    outcome = record_notice(session, fetched)
    assert outcome.version is not None
    notice = session.get(Notice, outcome.notice_id)
    assert notice is not None
    return analyse_version(session, notice, outcome.version, outcome.previous).events


def of_kind(events: list[ChangeEvent], kind: str) -> dict[str | None, ChangeEvent]:
    return {event.subject: event for event in events if event.kind == kind}


@pytest.fixture
def history(archive_session: Session) -> tuple[Session, list[list[ChangeEvent]]]:
    add_source(archive_session)
    events = [
        archive(archive_session, 2021, SUMMARY_2021, number=1),
        archive(archive_session, 2022, SUMMARY_2022, number=2),
        archive(archive_session, 2023, SUMMARY_2023, number=3),
    ]
    archive_session.commit()
    return archive_session, events


def test_year_on_year_deltas(history: tuple[Session, list[list[ChangeEvent]]]) -> None:
    _, (first, second, third) = history
    summoned = of_kind(third, "figure_reported")["websites_summoned"]
    comparison = summoned.payload["comparison"]
    assert comparison["previous_period"] == "2022"
    assert comparison["previous_value"] == 8608 and comparison["change"] == 2038
    assert comparison["percent"] == "23.7"
    assert "10,646 in 2023, up 23.7% from 8,608 in 2022" in summoned.summary_en
    assert "2023年约谈网站平台10,646家，较2022年（8,608家）增长23.7%" in summoned.summary_zh
    apps = of_kind(third, "figure_reported")["apps_removed"].payload["comparison"]
    assert apps["previous_value"] == 420 and apps["percent"] == "-38.3"
    # 2022 compared with 2021; 2021 had nothing before it.
    assert of_kind(second, "figure_reported")["websites_summoned"].payload["comparison"][
        "previous_value"] == 7015
    assert all("comparison" not in e.payload for e in first if e.kind == "figure_reported")


def test_metrics_reported_first_and_no_longer(
    history: tuple[Session, list[list[ChangeEvent]]]
) -> None:
    _, (first, second, third) = history
    assert "websites_summoned" in of_kind(first, "metric_new")
    assert of_kind(second, "metric_new") == {}
    assert set(of_kind(third, "metric_new")) == {"mini_programs_closed", "accounts_closed"}
    assert set(of_kind(third, "metric_dropped")) == {"warnings", "fined", "cases_referred"}


def test_platforms_named_first_and_again(
    history: tuple[Session, list[list[ChangeEvent]]]
) -> None:
    _, (_, second, third) = history
    named = of_kind(third, "platform_named")
    assert {"baidu", "bing", "quark"} <= {k for k, e in named.items() if e.payload["first_time"]}
    assert named["quark"].summary_en.startswith("Quark Browser named for the first time")
    douyin = named["douyin"].payload
    assert douyin["first_time"] is False and douyin["times_before"] == 2
    assert douyin["first_seen"] == "2022-01-31"
    assert of_kind(second, "platform_named")["weibo"].payload["first_time"] is True
    assert of_kind(second, "platform_named")["douyin"].payload["times_before"] == 1


def test_editing_one_figure_gives_exactly_one_figure_changed_event(
    history: tuple[Session, list[list[ChangeEvent]]]
) -> None:
    session, _ = history
    edited = SUMMARY_2023.replace("下架移动应用程序259款", "下架移动应用程序261款")
    events = archive(session, 2023, edited, number=3)
    session.commit()
    changed = [e for e in events if e.kind == "figure_changed"]
    assert len(changed) == 1
    assert changed[0].payload["old"]["value"] == 259 and changed[0].payload["new"]["value"] == 261
    assert changed[0].summary_en.startswith("Figure silently edited in “")
    assert "apps taken off app stores in 2023, from 259 to 261" in changed[0].summary_en
    assert "中的数字被修改：2023年下架移动应用由259款改为261款" in changed[0].summary_zh
    assert [e.kind for e in events].count("notice_edited") == 1
    assert not [e for e in events if e.kind in ("platform_named", "metric_new", "figure_reported")]
    # The series now holds the corrected value only.
    from storage.series import figure_series

    apps = [p for p in figure_series(session, "apps_removed") if p.period == "2023"]
    assert [int(p.value) for p in apps] == [261]


def test_analysis_is_idempotent_for_a_version(archive_session: Session) -> None:
    add_source(archive_session)
    fetched = replace(fetched_notice(), text=SUMMARY_2023, language="zh-Hans")
    outcome = record_notice(archive_session, fetched)
    notice = archive_session.get(Notice, outcome.notice_id)
    assert notice is not None and outcome.version is not None
    first = analyse_version(archive_session, notice, outcome.version, None)
    again = analyse_version(archive_session, notice, outcome.version, None)
    assert first.events and again.events == []
    count = len(archive_session.scalars(select(Figure)).all())
    assert count == len(first.extraction.figures)


def test_a_figure_edited_in_place_keeps_the_value_it_replaced_in_later_versions(
    history: tuple[Session, list[list[ChangeEvent]]]
) -> None:
    session, _ = history
    edited = SUMMARY_2023.replace("下架移动应用程序259款", "下架移动应用程序261款")
    archive(session, 2023, edited, number=3)
    again = edited.replace("大力查处", "依法查处")  # a later edit elsewhere in the text
    archive(session, 2023, again, number=3)
    session.commit()
    latest = session.scalars(select(Figure).where(Figure.published_at == datetime(
        2024, 1, 31, 10, 5, tzinfo=BEIJING)).order_by(Figure.version_id.desc())).all()
    newest_version = latest[0].version_id
    revised = {(f.metric, int(f.value), int(f.revised_from))
               for f in latest if f.version_id == newest_version and f.revised_from is not None}
    assert revised == {("apps_removed", 261, 259)}
    first_revision = {f.revised_at for f in latest if f.revised_from is not None}
    assert len(first_revision) == 1  # the third version kept the second's revision time
