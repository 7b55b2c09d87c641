"""A version's findings in the archive: writing its figures and platform mentions, and reading
them back as :mod:`diffing`'s values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, insert, select, update
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
_TOTALS = _FIGURES.alias("total")
# A part's total is the figure of the same version at the start the part names.
_LINK_PARTS = (
    update(_FIGURES)
    .where(_FIGURES.c.version_id == bindparam("version"), _FIGURES.c.start == bindparam("part"))
    .values(part_of_id=select(_TOTALS.c.id).where(and_(
        _TOTALS.c.version_id == bindparam("version"), _TOTALS.c.start == bindparam("total")))
        .order_by(_TOTALS.c.id).limit(1).scalar_subquery())
)


def store_findings(
    session: Session, notice: models.Notice, version: models.NoticeVersion, found: Extraction,
    revisions: Mapping[int, tuple[Decimal, datetime]] | None = None,
) -> None:
    """Write ``found``'s figures and mentions; ``revisions``: by position in ``found.figures``,
    the value a revised figure replaced and when the revision was archived."""
    # Plain rows in one statement each: nothing reads them back as objects in this transaction.
    revisions = revisions or {}
    if found.figures:
        core(session).execute(_INSERT_FIGURES, [
            {"version_id": version.id, "notice_id": notice.id, "source_id": notice.source_id,
             "metric": figure.metric, "value": Decimal(figure.value), "unit": figure.unit,
             "currency": figure.currency, "period": figure.period,
             "period_kind": period_kind(figure.period), "scope": figure.scope,
             "start": figure.start, "end": figure.end, "text": figure.text,
             "sentence": figure.sentence[:2000], "extractor_version": figure.extractor_version,
             "published_at": notice.published_at,
             "revised_from": revisions.get(index, (None, None))[0],
             "revised_at": revisions.get(index, (None, None))[1], "role": figure.role,
             "party": figure.party[:200] if figure.party else None,
             "other_spans": [[start, end] for start, end in figure.other_spans] or None}
            for index, figure in enumerate(found.figures)
        ])
        parts = [{"version": version.id, "part": figure.start, "total": figure.part_of}
                 for figure in found.figures if figure.part_of is not None]
        if parts:
            core(session).execute(_LINK_PARTS, parts)
    if found.platforms:
        core(session).execute(_INSERT_MENTIONS, [
            {"version_id": version.id, "notice_id": notice.id, "source_id": notice.source_id,
             "platform_id": mention.id, "platform_key": platform_key(mention)[:210],
             "name": mention.name[:200], "kind": mention.kind,
             "action": mention.action, "actions": list(mention.actions),
             "amount": mention.amount.value if mention.amount else None,
             "currency": mention.amount.currency if mention.amount else None,
             "start": mention.start, "end": mention.end, "sentence": mention.sentence[:2000],
             "operator": mention.operator[:200] if mention.operator else None,
             "extractor_version": found.extractor_version, "published_at": notice.published_at}
            for mention in found.platforms
        ])


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
