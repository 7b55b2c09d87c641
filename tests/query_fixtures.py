"""An archive to query: notices in Simplified, Traditional and English, with findings and events.

The notices are recorded through `storage.archive.record_notice` (so the search index is upkept
as in production) and analysed by `storage.analysis.analyse_version`, as the archive writer
does: their figures, platform mentions and change events are the ones the pipeline writes.
Texts are written for these tests around real, publicly reported figures and names. The
``archive`` fixture is that archive, built once per test module (tests/conftest.py registers
this module as a plugin).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.analysis import analyse_version
from storage.archive import FetchedNotice, record_notice, upsert_source
from storage.db import open_archive, session_factory
from storage.models import Figure, Notice, NoticeVersion, PlatformMention

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
CAC = "cac-test"
FTC = "ftc-test"

XSS_TITLE = '<script>window.__xss = 1</script>Notice <img src=x onerror="window.__xss=1">'
XSS_TEXT = (
    'Read <a href="javascript:window.__xss=1">the decision</a> and '
    "<script>window.__xss = 1</script> no script may run here; 10 websites were fined."
)


@dataclass(frozen=True)
class NoticeSpec:
    key: str
    source_id: str
    title: str
    text: str
    published: datetime
    language: str
    # A second version of the text, recorded a week later (an amended notice).
    amended: str | None = None


NOTICES = (
    NoticeSpec(
        "summons_2023",
        CAC,
        "2023年全国网信系统执法工作情况",
        "2023年，全国网信系统依法约谈网站10646家，会同电信主管部门取消违法网站许可或备案、"
        "关闭违法网站14624家，下架违法移动应用程序259款。",
        datetime(2024, 1, 31, 10, 0, tzinfo=BEIJING),
        "zh",
        amended=(
            "2023年，全国网信系统依法约谈网站10646家，会同电信主管部门取消违法网站许可或备案、"
            "关闭违法网站14624家，下架违法移动应用程序261款。"
        ),
    ),
    NoticeSpec(
        "quark",
        CAC,
        "网信部门依法约谈夸克浏览器",
        "针对夸克浏览器传播低俗信息的问题，网信部门依法约谈夸克浏览器运营企业负责人，"
        "责令其立即整改，并处以罚款。",
        datetime(2021, 6, 2, 9, 30, tzinfo=BEIJING),
        "zh",
    ),
    NoticeSpec(
        "douyin_hant",
        CAC,
        "網信部門約談抖音平台",
        "網信部門約談抖音平台負責人，要求其全面清理違規賬號，切實履行主體責任。",
        datetime(2022, 3, 15, 16, 0, tzinfo=BEIJING),
        "zh",
    ),
    NoticeSpec(
        "ftc_fine",
        FTC,
        "FTC fines a data broker for selling location data",
        "The Federal Trade Commission fined a data broker $2.5 million for selling precise "
        "location data without consent. The order bans the practice.",
        datetime(2023, 5, 10, 14, 0, tzinfo=UTC),
        "en",
    ),
    NoticeSpec(
        "xss",
        FTC,
        XSS_TITLE,
        XSS_TEXT,
        datetime(2023, 8, 1, 12, 0, tzinfo=UTC),
        "en",
    ),
)


def add_sources(session: Session) -> None:
    upsert_source(
        session,
        CAC,
        name="网信发布 (test)",
        authority="Cyberspace Administration of China",
        language="zh",
        base_url="https://www.cac.gov.cn/wxzw/wxfb/",
    )
    upsert_source(
        session,
        FTC,
        name="FTC press releases (test)",
        authority="Federal Trade Commission",
        language="en",
        base_url="https://www.ftc.gov/news-events/news/press-releases",
    )


def fetched(spec: NoticeSpec, text: str, fetched_at: datetime) -> FetchedNotice:
    url = f"https://example.gov/{spec.source_id}/{spec.key}.htm"
    raw = f"<html><title>{spec.title}</title><body><p>{text}</p></body></html>".encode()
    return FetchedNotice(
        source_id=spec.source_id,
        url=url,
        title=spec.title,
        published_at=spec.published,
        language=spec.language,
        text=text,
        html=f"<p>{text}</p>",
        raw=raw,
        http_status=200,
        http_headers={"Content-Type": "text/html; charset=utf-8"},
        encoding="utf-8",
        attachments=[],
        fetched_at=fetched_at,
        crawl_run_id=None,
    )


def record_findings(session: Session, version: NoticeVersion, source_id: str) -> None:
    """Figures, platform mentions and change events of one version, written as the archive
    writer writes them: the real extractor, the real history comparisons, the real events."""
    notice = session.get(Notice, version.notice_id)
    assert notice is not None
    previous = session.scalar(
        select(NoticeVersion)
        .where(NoticeVersion.notice_id == version.notice_id,
               NoticeVersion.number == version.number - 1)
    )
    analyse_version(session, notice, version, previous, now=version.fetched_at)
    session.flush()


def _period_kind(period: str | None) -> str | None:
    if period is None:
        return None
    if "-H" in period:
        return "half"
    if "-Q" in period:
        return "quarter"
    return "year"


def build_query_archive(session: Session) -> dict[str, int]:
    """Record every notice of `NOTICES` (and its amendment) with findings; notice ids by key."""
    add_sources(session)
    ids: dict[str, int] = {}
    for spec in NOTICES:
        first_fetch = spec.published + timedelta(hours=2)
        outcome = record_notice(session, fetched(spec, spec.text, first_fetch))
        assert outcome.version is not None
        record_findings(session, outcome.version, spec.source_id)
        ids[spec.key] = outcome.notice_id
        if spec.amended is not None:
            later = record_notice(
                session, replace(fetched(spec, spec.amended, first_fetch + timedelta(days=7)))
            )
            assert later.version is not None
            record_findings(session, later.version, spec.source_id)
    session.commit()
    return ids


@pytest.fixture(scope="module", name="archive")
def archive_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, int]]:
    """The query archive on SQLite, once per test module: its URL and the notice ids by key."""
    url = f"sqlite:///{tmp_path_factory.mktemp('query') / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        ids = build_query_archive(session)
    engine.dispose()
    return url, ids


# --- random archives, for checking fast queries against plain Python ---------------------------

RANDOM_WORDS = (
    "约谈", "網信", "网信", "专项行动", "清朗", "小红书", "抖音", "罚款", "约", "谈", "通报",
    "summoned", "Platform", "platforms", "fined", "ab", "x", "5万", "100%", "a_b",
)
RANDOM_PLATFORMS = ("douyin", "xiaohongshu", "kuaishou", None)
RANDOM_METRICS = ("websites_summoned", "fine_amount", None)
RANDOM_PERIODS = ("2022", "2023", "2023-H1", "2023-Q3", None)
RANDOM_SCOPES = (None, "", "全国", "北京")


def build_random_archive(session: Session, seed: int, notices: int = 60) -> None:
    """``notices`` notices of random words through `record_notice`, some amended (their
    findings kept on both versions, as history is), some undated or published at the same
    instant, with random figures and platform mentions on every version."""
    rng = random.Random(seed)
    add_sources(session)
    instants = [datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(2000))
                for _ in range(notices // 3)]
    for number in range(notices):
        source_id = rng.choice((CAC, FTC))
        published = None if rng.random() < 0.1 else rng.choice(instants)
        title = " ".join(rng.choice(RANDOM_WORDS) for _ in range(rng.randint(1, 3)))
        texts = [" ".join(rng.choice(RANDOM_WORDS) for _ in range(rng.randint(3, 30)))]
        if rng.random() < 0.25:
            texts.append(texts[0] + " " + rng.choice(RANDOM_WORDS))
        spec = NoticeSpec(f"random-{number}", source_id, title, texts[0],
                          published or datetime(2020, 1, 1, tzinfo=UTC),
                          rng.choice(("zh", "en")))
        spec = replace(spec, published=published)  # type: ignore[arg-type]
        fetched_at = datetime(2026, 1, 1, tzinfo=UTC)
        for edit, text in enumerate(texts):
            outcome = record_notice(
                session, fetched(spec, text, fetched_at + timedelta(days=edit)))
            assert outcome.version is not None
            _random_findings(session, rng, outcome.version, source_id)
    session.commit()


def _random_findings(
    session: Session, rng: random.Random, version: NoticeVersion, source_id: str
) -> None:
    # Roles and parties from their own generator, so the archives stay what they were.
    kinds = random.Random(version.id)
    for _ in range(rng.randint(0, 4)):
        period = rng.choice(RANDOM_PERIODS)
        session.add(Figure(
            role=kinds.choice((None, None, None, None, None, None, "fine", "total", "part")),
            party=kinds.choice((None,) * 9 + ("douyin",)),
            version_id=version.id, notice_id=version.notice_id, source_id=source_id,
            metric=rng.choice(RANDOM_METRICS), value=Decimal(rng.randint(1, 50)),
            unit=rng.choice(("家", "个")), currency=None, period=period,
            period_kind=_period_kind(period), scope=rng.choice(RANDOM_SCOPES), start=0,
            end=1, text=f"{rng.randint(1, 50)}家", sentence="", extractor_version="test",
            published_at=version.published_at))
    for _ in range(rng.randint(0, 2)):
        session.add(PlatformMention(
            version_id=version.id, notice_id=version.notice_id, source_id=source_id,
            platform_id=rng.choice(RANDOM_PLATFORMS), name="x", kind="platform", action=None,
            actions=[], amount=None, currency=None, start=0, end=1, sentence="",
            extractor_version="test", published_at=version.published_at))
    session.flush()
