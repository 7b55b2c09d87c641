"""The API's response schemas: what each route answers, for validation and the OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class Problem(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "A malformed query"},
    404: {"model": Problem, "description": "No such notice, version, platform or source"},
}


class Span(BaseModel):
    start: int
    end: int


class SnippetOut(BaseModel):
    text: str
    marks: list[Span]


class NoticeHitOut(BaseModel):
    id: int
    source_id: str
    url: str
    title: str
    title_marks: list[Span]
    published_at: datetime | None
    language: str
    score: float
    snippet: SnippetOut


class NoticePageOut(BaseModel):
    query: str
    total: int
    total_capped: bool = Field(description="True when there are more than `total` matches")
    offset: int
    limit: int
    order: str
    notices: list[NoticeHitOut]


class SpanOut(BaseModel):
    start: int
    end: int


class FigureOut(BaseModel):
    id: int
    metric: str | None
    value: str = Field(description="The exact decimal value, as a string")
    unit: str
    currency: str | None
    period: str | None
    period_kind: str | None
    scope: str | None
    start: int
    end: int
    text: str
    sentence: str
    revised_from: str | None = Field(
        default=None, description="When a later version of the notice edited this figure in "
        "place: the value it replaced")
    revised_at: datetime | None = Field(default=None, description="When that edit was archived")
    role: str | None = Field(description=(
        "What a money amount is: fine, total, part, confiscated, sales_base, proposed, "
        "maximum, refund_or_deposit or other; null for counts and for figures archived "
        "before roles. Only fine, total and part carry the metric fine_amount"))
    party: str | None = Field(description=(
        "The company or platform the figure is about: a registry platform id, or the name "
        "as written; null for a total over many"))
    part_of_id: int | None = Field(description="For a part: the id of the total it sums to")
    other_spans: list[SpanOut] = Field(
        description="Where the notice states the same figure again (a headline, a restatement)")


class MentionOut(BaseModel):
    id: int
    platform_id: str | None
    key: str = Field(description=(
        "What identifies the platform across notices: its registry id, or \"name:\" and the "
        "name normalised (Simplified, case-folded) for a name the registry does not know"))
    name: str
    kind: str
    operator: str | None = Field(description=(
        "The company that runs it, where the notice says so (an app's developer in a table): "
        "a registry id or the name as written"))
    action: str | None
    actions: list[str]
    amount: str | None
    currency: str | None
    start: int
    end: int
    sentence: str


class VersionOut(BaseModel):
    number: int
    title: str
    published_at: datetime | None
    fetched_at: datetime
    content_hash: str
    http_status: int


class NoticeOut(BaseModel):
    id: int
    source_id: str
    source_name: str
    # Every source listing the notice; source_id is the one that found it first.
    sources: list[str]
    url: str
    # Where the page was fetched when not at url (a mirror), else null.
    fetched_url: str | None
    title: str
    published_at: datetime | None
    language: str
    first_seen_at: datetime
    last_seen_at: datetime
    last_checked_at: datetime
    version: VersionOut
    versions: int
    text: str
    figures: list[FigureOut]
    platforms: list[MentionOut]


class VersionListOut(BaseModel):
    notice_id: int
    versions: list[VersionOut]


class DiffRowOut(BaseModel):
    tag: Literal["equal", "replace", "delete", "insert"]
    old: str | None
    new: str | None
    old_line: int | None
    new_line: int | None


class FigureChangeOut(BaseModel):
    kind: str
    metric: str | None
    scope: str | None
    period: str | None
    unit: str
    old_value: str | None
    new_value: str | None
    old_text: str | None
    new_text: str | None


class PlatformChangeOut(BaseModel):
    kind: str
    key: str
    old_actions: list[str]
    new_actions: list[str]


class DiffOut(BaseModel):
    notice_id: int
    from_version: int
    to_version: int
    title_changed: bool
    old_title: str
    new_title: str
    unified: str
    rows: list[DiffRowOut]
    figures: list[FigureChangeOut]
    platforms: list[PlatformChangeOut]


class SeriesNoticeOut(BaseModel):
    notice_id: int
    title: str
    published_at: datetime | None
    value: str
    text: str


class SeriesPointOut(BaseModel):
    period: str = Field(description="2023, 2023-H1, 2023-Q3; for a figure stating no period, "
                        "its notice's date (2026-10-15)")
    period_kind: str = Field(description="year, half, quarter, or as_of: a figure stating no "
                             "period, dated by its notice")
    scope: str | None
    unit: str = Field(description="The measure word or unit; for money, its currency")
    value: str
    as_of: bool = False
    label: str = Field(default="", description="2023, 2023-H1, or as of 2026-10-15")
    revised_from: str | None = Field(
        default=None, description="The point's figure was edited in place by a later version "
        "of its notice: the value it replaced")
    revised_at: datetime | None = Field(default=None, description="When that edit was archived")
    notices: list[SeriesNoticeOut] = Field(
        description="The newest notices that reported a figure for this point, newest first "
        "(undated last), at most `notices_limit` of them."
    )
    notices_more: bool = Field(
        description="Whether more notices reported this point than `notices` lists: ask "
        "again with this `period` (and `scope`) and a larger `notices_limit`."
    )


class MetricCountOut(BaseModel):
    metric: str
    figures: int
    name_en: str
    name_zh: str


class FiguresOut(BaseModel):
    metric: str | None
    period_kind: str | None
    scope: str | None
    period: str | None = None
    from_day: date | None = Field(default=None, alias="from")
    to_day: date | None = Field(default=None, alias="to")
    series: list[SeriesPointOut]
    metrics: list[MetricCountOut]


class PlatformOut(BaseModel):
    id: str = Field(description=(
        "A registry id, or \"name:\" and the normalised name for a name the registry does "
        "not know (counted, searchable and watchable like a registry platform)"))
    names_zh: list[str]
    names_en: list[str]
    kind: str | None
    parent: str | None
    notices: int
    mentions: int
    last_named: datetime | None


class TimelineEntryOut(BaseModel):
    notice_id: int
    title: str
    published_at: datetime | None
    source_id: str
    names: list[str]
    actions: list[str]
    amounts: list[dict[str, str]]
    sentence: str


class EventOut(BaseModel):
    id: int
    kind: str
    source_id: str
    notice_id: int | None
    version_id: int | None
    subject: str | None
    created_at: datetime
    summary_en: str
    summary_zh: str | None
    payload: dict[str, Any]
    baseline: bool = False


class PlatformDetailOut(PlatformOut):
    timeline: list[TimelineEntryOut]
    events: list[EventOut]


class ProblemOut(BaseModel):
    kind: str
    detail: str
    url: str
    at: datetime


class SourceOut(BaseModel):
    id: str
    name: str
    authority: str
    language: str
    base_url: str
    notices: int
    schedule: str | None
    last_run_started: datetime | None
    last_run_finished: datetime | None
    last_status: str | None
    consecutive_failures: int
    last_problem: ProblemOut | None
    next_run: datetime | None


class CrawlStartedOut(BaseModel):
    source_id: str
    started_at: datetime
