"""The extraction entry point: a notice's text in, its figures and named platforms out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from diffing.amounts import find_amounts
from diffing.documents import found_figure_json, found_mention_json
from diffing.figures import EXTRACTOR_VERSION, Figure, MetricCatalogue, find_figures, load_metrics
from diffing.parties import with_parties
from diffing.platforms import PlatformMention, PlatformRegistry, find_platform_mentions
from diffing.repeats import merge_repeats
from diffing.text import prepare

__all__ = ["EXTRACTOR_VERSION", "Extraction", "extract"]

LANGUAGES = ("zh-Hans", "zh-Hant", "en")


@dataclass(frozen=True)
class Extraction:
    """What one notice says: its language, its figures and its named platforms, in text order."""

    language: str
    figures: list[Figure] = field(default_factory=list)
    platforms: list[PlatformMention] = field(default_factory=list)
    extractor_version: str = EXTRACTOR_VERSION

    def to_json(self) -> dict[str, Any]:
        """The ``regwatch extract --json`` object.

        Counts are JSON integers; money values (``Decimal``) are JSON strings holding the exact
        decimal ("500000", "1.5"), never floats, so no amount is rounded on the way.
        """
        return {
            "language": self.language,
            "extractor_version": self.extractor_version,
            "figures": [found_figure_json(figure) for figure in self.figures],
            "platforms": [found_mention_json(mention) for mention in self.platforms],
        }


def extract(
    text: str,
    *,
    published: date | datetime | None = None,
    language: str | None = None,
    metrics: MetricCatalogue | None = None,
    platforms: PlatformRegistry | None = None,
) -> Extraction:
    """Figures and named platforms of one notice's plain text.

    ``published`` resolves relative periods (今年上半年, 一季度, "last year"); ``language``
    ("zh-Hans", "zh-Hant", "en") overrides detection. ``metrics`` and ``platforms`` are
    extended catalogues from ``load_metrics``/``load_platforms``. Pure and deterministic; never
    raises on any ``str`` (an unknown ``language`` raises ``ValueError``).
    """
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    if isinstance(published, datetime):
        published = published.date()
    prepared = prepare(text, language)
    amounts = find_amounts(prepared.text)
    figures = find_figures(prepared, catalogue=metrics, published=published, amounts=amounts)
    # Sentences reporting counts end the story a named platform is part of; a fine's amount
    # does not (it is usually the fine on that platform).
    figure_sentences = {
        prepared.sentence_index(prepared.offsets.to_converted(figure.start))
        for figure in figures
        if figure.currency is None
    }
    other_parties: list[PlatformMention] = []
    mentions = find_platform_mentions(
        prepared, registry=platforms, figure_sentences=figure_sentences, amounts=amounts,
        other_parties=other_parties,
    )
    parties = sorted([*mentions, *other_parties], key=lambda mention: mention.start) if other_parties else mentions
    # A fine restating a total or a part is merged only once both name the same party.
    figures = merge_repeats(with_parties(prepared, figures, parties))
    return Extraction(prepared.language, figures, mentions, (metrics or load_metrics()).version)
