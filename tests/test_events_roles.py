"""What a money figure is and whom it is about, through the archive and its change events, on
SQLite and PostgreSQL: a figure read back is the figure extracted; only imposed fines are
compared; one party's fine is said of that party and compared with nobody's; a total over a
period is compared only with the same kind of total; names the registry does not know count
by name. The notices are the team's own sentences, in the regulators' patterns."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from diffing.extract import extract
from storage.analysis import analyse_version
from storage.archive import record_notice
from storage.findings import figures_of, mention_of, version_figures, version_mentions
from storage.models import ChangeEvent, Figure, Notice, NoticeVersion
from tests.storage_fixtures import add_source, fetched_notice

BEIJING = timezone(timedelta(hours=8))


def archive(session: Session, number: int, text: str, published: datetime,
            language: str = "zh-Hans") -> tuple[Notice, list[ChangeEvent]]:
    fetched = fetched_notice(
        url=f"https://www.cac.gov.cn/roles/c_{number}.htm", title=f"执法通报第{number}期",
        text=text, language=language, published_at=published)
    outcome = record_notice(session, fetched)
    assert outcome.version is not None
    notice = session.get(Notice, outcome.notice_id)
    assert notice is not None
    events = analyse_version(session, notice, outcome.version, outcome.previous).events
    return notice, list(events)


def on(year: int, month: int = 3) -> datetime:
    return datetime(year, month, 15, 9, 30, tzinfo=BEIJING)


def kinds(events: list[ChangeEvent], kind: str) -> list[ChangeEvent]:
    return [event for event in events if event.kind == kind]


SETTLEMENT = ("Orbit will pay $90 million to settle the charges: a $60 million penalty to the agency "
              "and a $30 million penalty to the state.")
CONFISCATION = "市场监管总局依法对抖音作出行政处罚决定，罚款人民币300万元，没收违法所得120万元。"
APP_TABLE = ("工业和信息化部通报侵害用户权益的APP：\n序号\t应用名称\t应用开发者\n"
             "1\t星河阅读\t星河科技有限公司\n2\t青松记账\t青松网络有限公司\n")


def test_a_stored_figure_and_mention_read_back_equal_the_extracted_ones(
    archive_session: Session,
) -> None:
    add_source(archive_session)
    for number, text in enumerate((SETTLEMENT, CONFISCATION, APP_TABLE), start=1):
        language = "en" if text is SETTLEMENT else "zh-Hans"
        notice, _ = archive(archive_session, number, text, on(2024), language)
        archive_session.commit()
        found = extract(text, published=on(2024), language=language)
        version_id = archive_session.scalars(select(NoticeVersion.id).where(
            NoticeVersion.notice_id == notice.id)).one()
        assert figures_of(version_figures(archive_session, version_id)) == found.figures
        assert [mention_of(row) for row in version_mentions(archive_session, version_id)] == (
            found.platforms)
    parts = archive_session.scalars(select(Figure).where(Figure.role == "part")).all()
    assert len(parts) == 2
    total = archive_session.get(Figure, parts[0].part_of_id)
    assert total is not None and (total.role, total.value) == ("total", 90000000)


def test_a_single_decisions_fine_is_said_of_its_party_and_compared_with_no_other(
    archive_session: Session,
) -> None:
    add_source(archive_session)
    archive(archive_session, 1, "国家网信办依法对快手罚款人民币500万元。", on(2022))
    _, events = archive(archive_session, 2, "国家网信办依法对抖音罚款人民币200万元。", on(2023))
    (reported,) = kinds(events, "figure_reported")
    assert reported.summary_en == "Douyin fined CNY 2,000,000"
    assert reported.payload["figure"]["party"] == "douyin"
    assert "comparison" not in reported.payload


def test_only_the_imposed_fine_is_reported_and_other_money_causes_no_event(
    archive_session: Session,
) -> None:
    add_source(archive_session)
    _, events = archive(archive_session, 1, CONFISCATION, on(2024))
    reported = kinds(events, "figure_reported")
    assert [event.payload["figure"]["role"] for event in reported] == ["fine"]
    assert [event.payload["figure"]["value"] for event in reported] == ["3000000"]


def test_a_total_is_one_point_and_its_parts_are_none(archive_session: Session) -> None:
    add_source(archive_session)
    _, events = archive(archive_session, 1, SETTLEMENT, on(2024), "en")
    reported = kinds(events, "figure_reported")
    assert [(e.payload["figure"]["role"], e.payload["figure"]["value"]) for e in reported] == [
        ("total", "90000000")]


def test_a_years_fine_total_is_compared_with_the_last_years_total_only(
    archive_session: Session,
) -> None:
    add_source(archive_session)
    # Scoped totals: the mainline compares money only as a scope's total (compare.comparable).
    archive(archive_session, 1, "2022年，全国网信系统累计罚款人民币8000万元。", on(2023, 1))
    archive(archive_session, 2, "国家网信办依法对快手罚款人民币9000万元。", on(2023, 6))
    _, events = archive(archive_session, 3,
                        "2023年，全国网信系统累计罚款人民币1亿元。", on(2024, 1))
    (reported,) = kinds(events, "figure_reported")
    assert reported.payload["figure"]["period"] == "2023"
    assert reported.payload["comparison"]["previous_value"] == "80000000"
    assert reported.summary_en.endswith("up 25.0% from CNY 80,000,000 in 2022")


def test_editing_a_confiscated_amount_causes_no_figure_event_but_editing_the_fine_does(
    archive_session: Session,
) -> None:
    add_source(archive_session)
    archive(archive_session, 1, CONFISCATION, on(2024))
    _, events = archive(archive_session, 1, CONFISCATION.replace("120万元", "150万元"), on(2024))
    assert kinds(events, "figure_changed") == []
    _, events = archive(archive_session, 1, CONFISCATION.replace("300万元", "350万元"), on(2024))
    (changed,) = kinds(events, "figure_changed")
    assert changed.payload["change"] == "edited"
    assert "(Douyin)" in changed.summary_en and "（抖音）" in (changed.summary_zh or "")


def test_a_name_the_registry_does_not_know_is_named_first_then_again_by_name(
    archive_session: Session,
) -> None:
    add_source(archive_session)
    _, first = archive(archive_session, 1, APP_TABLE, on(2023))
    again_table = APP_TABLE.replace("青松记账\t青松网络有限公司", "白云相册\t白云软件有限公司")
    _, second = archive(archive_session, 2, again_table, on(2024))
    named_first = {e.payload["name"]: e for e in kinds(first, "platform_named")}
    assert named_first["星河阅读"].summary_en.startswith("星河阅读 named for the first time")
    assert named_first["星河阅读"].subject == "name:星河阅读"
    assert named_first["星河阅读"].payload["operator"] == "星河科技有限公司"
    named_second = {e.payload["name"]: e.payload["first_time"] for e in kinds(second, "platform_named")}
    assert named_second == {"星河阅读": False, "白云相册": True}


def test_a_partys_figure_in_a_period_is_never_compared_nor_compared_with() -> None:
    from dataclasses import replace

    from diffing.compare import PeriodHistory

    (last_year,) = extract("2022年，全国网信系统累计罚款人民币8000万元。").figures
    (this_year,) = extract("2023年，全国网信系统累计罚款人民币1亿元。").figures
    assert (last_year.period, this_year.period) == ("2022", "2023")
    published = on(2023).date()
    assert PeriodHistory([(last_year, published)]).compare(this_year) is not None
    assert PeriodHistory([(last_year, published)]).compare(replace(this_year, party="douyin")) is None
    assert PeriodHistory([(replace(last_year, party="kuaishou"), published)]).compare(this_year) is None
    assert PeriodHistory([(replace(last_year, role="part"), published)]).compare(this_year) is None


def test_the_api_and_pages_give_roles_parties_operators_and_unknown_names(tmp_path: Path) -> None:
    from urllib.parse import quote

    from fastapi.testclient import TestClient

    from storage.db import open_archive, session_factory
    from web.app import create_app
    from web.settings import WebSettings

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        add_source(session)
        fined, _ = archive(session, 1, CONFISCATION, on(2024))
        listed, _ = archive(session, 2, APP_TABLE, on(2024, 4))
        session.commit()
        fined_id, listed_id = fined.id, listed.id
        from storage.export import export_rows

        exported = list(export_rows(session, "figures", notice_ids=[fined_id]))
        assert [(row["role"], row["party"], row["part_of_id"]) for row in exported] == [
            ("fine", "douyin", None), ("confiscated", "douyin", None)]
    engine.dispose()
    with TestClient(create_app(url, None, settings=WebSettings())) as client:
        figures = client.get(f"/api/notices/{fined_id}").json()["figures"]
        assert [(f["value"], f["role"], f["party"]) for f in figures] == [
            ("3000000", "fine", "douyin"), ("1200000", "confiscated", "douyin")]
        mentions = client.get(f"/api/notices/{listed_id}").json()["platforms"]
        reading = next(m for m in mentions if m["name"] == "星河阅读")
        assert (reading["platform_id"], reading["key"], reading["operator"]) == (
            None, "name:星河阅读", "星河科技有限公司")
        listed_platforms = {p["id"] for p in client.get("/api/platforms").json()}
        assert "name:星河阅读" in listed_platforms
        timeline = client.get(f"/api/platforms/{quote('name:星河阅读')}").json()["timeline"]
        assert [entry["notice_id"] for entry in timeline] == [listed_id]
        page = client.get(f"/platforms/{quote('name:星河阅读')}")
        assert page.status_code == 200 and "星河阅读" in page.text
        notice_page = client.get(f"/notices/{fined_id}").text
        assert "confiscated" in notice_page and "douyin" in notice_page
        feed = client.get(f"/feeds/platforms/{quote('name:星河阅读')}.atom")
        assert feed.status_code == 200 and "星河阅读 named for the first time" in feed.text
        assert figures[0]["other_spans"] == []
