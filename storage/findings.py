"""A version's findings in the archive: writing its figures and platform mentions (and which
extractor version found them), replacing them, and reading them back as :mod:`diffing`'s
values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from diffing.compare import platform_key
from diffing.extract import Extraction
from diffing.figures import Figure
from diffing.numbers import Amount
from diffing.period import Period
from diffing.platforms import PlatformMention
from storage import models
from storage.db import core

_INSERT_FIGURES = insert(cast(Table, models.Figure.__table__))
_INSERT_MENTIONS = insert(cast(Table, models.PlatformMention.__table__))
_FIGURES = cast(Table, models.Figure.__table__)
_MENTIONS = cast(Table, models.PlatformMention.__table__)
_ANALYSES = cast(Table, models.VersionAnalysis.__table__)
# Older SQLite builds cap a statement at 999 bound parameters.
_VERSIONS_PER_STATEMENT = 500
_TOTALS = _FIGURES.alias("total")
# A part's total is the figure of the same version at the start the part names.
_LINK_PARTS = (
    update(_FIGURES)
    .where(_FIGURES.c.version_id == bindparam("version"), _FIGURES.c.start == bindparam("part"))
    .values(part_of_id=select(_TOTALS.c.id).where(and_(
        _TOTALS.c.version_id == bindparam("version"), _TOTALS.c.start == bindparam("total")))
        .order_by(_TOTALS.c.id).limit(1).scalar_subquery())
)


@dataclass(frozen=True)
class VersionFindings:
    """What one version's findings are written with: its row's ids, the date its rows repeat
    (``published_at``), what extraction found and, by position in ``found.figures``, the value
    each revised figure replaced and when. ``error``: why the extractor raised (``found`` is
    then empty)."""

    version_id: int
    notice_id: int
    source_id: str
    published_at: datetime | None
    found: Extraction
    revisions: Mapping[int, tuple[Decimal, datetime]] = field(default_factory=dict)
    error: str | None = None


def store_findings(
    session: Session, notice: models.Notice, version: models.NoticeVersion, found: Extraction,
    revisions: Mapping[int, tuple[Decimal, datetime]] | None = None, error: str | None = None,
) -> None:
    """Write ``found``'s figures and mentions and which extractor found them; ``revisions``:
    by position in ``found.figures``, the value a revised figure replaced and when the revision
    was archived; ``error``: why extraction failed, when it did."""
    write_findings(session, [VersionFindings(version.id, notice.id, notice.source_id,
                                             notice.published_at, found, revisions or {}, error)])


def write_findings(session: Session, versions: Sequence[VersionFindings],
                   now: datetime | None = None) -> None:
    """Write the findings of ``versions`` (which have none archived) in a statement per kind
    of row, and note which extractor version found them (replacing an earlier note)."""
    # Plain rows in one statement each: nothing reads them back as objects in this transaction.
    if not versions:
        return
    connection = core(session)
    figures = [_figure_row(each, index, figure) for each in versions
               for index, figure in enumerate(each.found.figures)]
    if figures:
        connection.execute(_INSERT_FIGURES, figures)
        parts = [{"version": each.version_id, "part": figure.start, "total": figure.part_of}
                 for each in versions for figure in each.found.figures
                 if figure.part_of is not None]
        if parts:
            connection.execute(_LINK_PARTS, parts)
    mentions = [_mention_row(each, mention) for each in versions
                for mention in each.found.platforms]
    if mentions:
        connection.execute(_INSERT_MENTIONS, mentions)
    analysed_at = now or datetime.now(UTC)
    connection.execute(_note_analyses(connection.dialect.name), [
        {"version_id": each.version_id, "extractor_version": each.found.extractor_version[:32],
         "error": each.error, "analysed_at": analysed_at} for each in versions])


def delete_findings(session: Session, version_ids: Sequence[int]) -> tuple[int, int]:
    """Delete the figures and mentions of ``version_ids`` (their notes of which extractor found
    them stay, for :func:`write_findings` to replace); how many figures and mentions."""
    connection = core(session)
    figures = mentions = 0
    for start in range(0, len(version_ids), _VERSIONS_PER_STATEMENT):
        chunk = list(version_ids[start : start + _VERSIONS_PER_STATEMENT])
        # A part refers to its total, of the same version: unlinked first, so no order of
        # deletion within the statement matters to the foreign key.
        connection.execute(update(_FIGURES).where(_FIGURES.c.version_id.in_(chunk),
                                                  _FIGURES.c.part_of_id.is_not(None))
                           .values(part_of_id=None))
        figures += cast("CursorResult[Any]", connection.execute(
            delete(_FIGURES).where(_FIGURES.c.version_id.in_(chunk)))).rowcount
        mentions += cast("CursorResult[Any]", connection.execute(
            delete(_MENTIONS).where(_MENTIONS.c.version_id.in_(chunk)))).rowcount
    return figures, mentions


def _figure_row(each: VersionFindings, index: int, figure: Figure) -> dict[str, Any]:
    revised_from, revised_at = each.revisions.get(index, (None, None))
    return {
        "version_id": each.version_id, "notice_id": each.notice_id,
        "source_id": each.source_id, "metric": figure.metric, "value": Decimal(figure.value),
        "unit": figure.unit, "currency": figure.currency, "period": figure.period,
        "period_kind": period_kind(figure.period), "scope": figure.scope,
        "start": figure.start, "end": figure.end, "text": figure.text,
        "sentence": figure.sentence[:2000], "extractor_version": figure.extractor_version,
        "published_at": each.published_at, "revised_from": revised_from,
        "revised_at": revised_at, "role": figure.role,
        "party": figure.party[:200] if figure.party else None,
        "other_spans": [[start, end] for start, end in figure.other_spans] or None,
    }


def _mention_row(each: VersionFindings, mention: PlatformMention) -> dict[str, Any]:
    return {
        "version_id": each.version_id, "notice_id": each.notice_id,
        "source_id": each.source_id, "platform_id": mention.id,
        "platform_key": platform_key(mention)[:210], "name": mention.name[:200],
        "kind": mention.kind, "action": mention.action, "actions": list(mention.actions),
        "amount": mention.amount.value if mention.amount else None,
        "currency": mention.amount.currency if mention.amount else None,
        "start": mention.start, "end": mention.end, "sentence": mention.sentence[:2000],
        "operator": mention.operator[:200] if mention.operator else None,
        "extractor_version": each.found.extractor_version, "published_at": each.published_at,
    }


@lru_cache(maxsize=2)
def _note_analyses(dialect_name: str) -> Any:
    """INSERT of a version's analysis note that replaces the one it has (both supported
    databases have ON CONFLICT ... DO UPDATE)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(_ANALYSES)
    return statement.on_conflict_do_update(
        index_elements=[_ANALYSES.c.version_id],
        set_={name: statement.excluded[name]
              for name in ("extractor_version", "error", "analysed_at")})


def figure_of(row: models.Figure | Any, starts: dict[int, int] | None = None) -> Figure:
    """The :class:`diffing.figures.Figure` an archived figure row holds (a mapped row, or a
    result row of the same columns).

    A part's ``part_of`` is its total's ``start``, looked up in ``starts`` (figure ids to
    starts, of the version's figures; :func:`figures_of` builds it); ``None`` without it."""
    value: int | Decimal = row.value
    if row.value == row.value.to_integral_value() and row.currency is None:
        value = int(row.value)
    else:
        value = row.value.normalize()
    return Figure(
        metric=row.metric, value=value, unit=row.unit, currency=row.currency, period=row.period,
        scope=row.scope, start=row.start, end=row.end, text=row.text, sentence=row.sentence,
        extractor_version=row.extractor_version, role=row.role, party=row.party,
        other_spans=tuple((int(start), int(end)) for start, end in row.other_spans or ()),
        part_of=(starts or {}).get(row.part_of_id) if row.part_of_id is not None else None,
    )


def figures_of(rows: Sequence[models.Figure | Any]) -> list[Figure]:
    """The figures of ``rows`` (all of one or more versions' figures, so each part finds its
    total among them), parts with their ``part_of``."""
    starts = {row.id: row.start for row in rows}
    return [figure_of(row, starts) for row in rows]


def mention_of(row: models.PlatformMention | Any) -> PlatformMention:
    """The :class:`diffing.platforms.PlatformMention` an archived mention row holds (a mapped
    row, or a result row of the same columns)."""
    amount = Amount(row.amount.normalize(), row.currency) if row.amount is not None and (
        row.currency
    ) else None
    return PlatformMention(
        id=row.platform_id, name=row.name, kind=row.kind, action=row.action, amount=amount,
        start=row.start, end=row.end, sentence=row.sentence, actions=tuple(row.actions or ()),
        operator=row.operator,
    )


def period_kind(period: str | None) -> str | None:
    """The kind (year, half, quarter) of a figure's period; None when it is not one."""
    parsed = Period.parse(period)
    return parsed.kind if parsed else None


def version_figures(session: Session, version_id: int) -> list[models.Figure]:
    return list(
        session.scalars(
            select(models.Figure)
            .where(models.Figure.version_id == version_id)
            .order_by(models.Figure.start, models.Figure.id)
        )
    )


def version_mentions(session: Session, version_id: int) -> list[models.PlatformMention]:
    return list(
        session.scalars(
            select(models.PlatformMention)
            .where(models.PlatformMention.version_id == version_id)
            .order_by(models.PlatformMention.start, models.PlatformMention.id)
        )
    )
