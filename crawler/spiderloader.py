"""Makes `scrapy crawl <source-id>` work: every configured source is a spider."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from config import load_config
from crawler.spiders.notices import NoticeSpider

if TYPE_CHECKING:
    from scrapy.http import Request
    from scrapy.settings import BaseSettings

    from config import Source


def spider_for(source_id: str, settings: BaseSettings | None = None) -> type[NoticeSpider]:
    """A NoticeSpider subclass bound to one source (honouring REGWATCH_BASE_URL when set)."""
    config = load_config(settings.get("REGWATCH_CONFIG") if settings else None)
    database_url = settings.get("REGWATCH_DATABASE_URL") if settings else None
    if source_id not in config.sources:
        # Not in the file: maybe a source kept in the archive.
        from storage.db import database_url as resolved_url
        from storage.source_definitions import with_archive_sources_at

        config = with_archive_sources_at(config, resolved_url(database_url))
    source = config.source(source_id)
    base_url = settings.get("REGWATCH_BASE_URL") if settings else None
    if base_url:
        source = source.with_base_url(base_url)
    refetch = bool(settings.getbool("REGWATCH_REFETCH")) if settings else False
    return spider_of(source, refetch)


def spider_of(source: Source, refetch: bool = False) -> type[NoticeSpider]:
    """A NoticeSpider subclass bound to ``source`` as it is given."""
    source_id = source.id

    class BoundNoticeSpider(NoticeSpider):
        name = source_id
        # AutoThrottle starts from its own delay unless told the source's.
        custom_settings = {  # noqa: RUF012 (Scrapy declares it as an instance attribute)
            "DOWNLOAD_DELAY": source.delay,
            "AUTOTHROTTLE_START_DELAY": source.delay,
            "DOWNLOAD_TIMEOUT": source.timeout,
        }

        def __init__(self, **kwargs: Any) -> None:
            kwargs.pop("name", None)
            super().__init__(source=source, refetch=refetch, **kwargs)

    BoundNoticeSpider.__name__ = f"NoticeSpider[{source_id}]"
    return BoundNoticeSpider


class SourceSpiderLoader:
    def __init__(self, settings: BaseSettings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SourceSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[NoticeSpider]:
        try:
            return spider_for(spider_name, self.settings)
        except KeyError as exc:
            raise KeyError(f"Spider not found: {spider_name} ({exc.args[0]})") from None

    def list(self) -> builtins.list[str]:
        return sorted(load_config(self.settings.get("REGWATCH_CONFIG")).sources)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return []
