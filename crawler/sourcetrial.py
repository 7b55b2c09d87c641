"""Trying a source before trusting it: its list and one notice, fetched through the egress gate
by the spider's own code, with what each selector matched and what would be archived.

Nothing is written: the trial runs without the archive pipeline, the crawl recorder and the
incremental middleware. Scrapy's reactor cannot be restarted, so `try_source` runs the trial
in a child process (``python -m crawler.sourcetrial``) and reads its answer.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from scrapy.http import Request, Response, TextResponse

from config import Config, ListSpec, Source
from crawler import cleaning
from crawler import signals as regwatch_signals
from crawler.items import NoticeItem
from crawler.spiders.notices import NoticeSpider, select, select_nodes

# What a trial shows of each match and of the notice's text.
SHOWN_CHARS = 300
SHOWN_ENTRIES = 10
TRIAL_TIME_LIMIT = 90.0


@dataclass
class SelectorMatch:
    """One selector of a field and what it found on the page it ran on."""

    field: str
    selector: str
    count: int
    found: list[str]


@dataclass
class SourceTrial:
    """What trying a source found; ``problems`` as a crawl would record them."""

    source_id: str
    list_url: str = ""
    entries: list[dict[str, str]] = field(default_factory=list)
    entry_count: int = 0
    list_selectors: list[SelectorMatch] = field(default_factory=list)
    notice_url: str = ""
    notice_selectors: list[SelectorMatch] = field(default_factory=list)
    notice: dict[str, Any] | None = None
    problems: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the list gave entries and the first notice something to archive."""
        return bool(self.entries) and self.notice is not None

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> SourceTrial:
        document = dict(document)
        for key in ("list_selectors", "notice_selectors"):
            document[key] = [SelectorMatch(**match) for match in document.get(key, [])]
        return cls(**document)


class TrialSpider(NoticeSpider):
    """The notice spider reading the first list page and the first notice on it, noting what
    each selector found."""

    def __init__(self, source: Source, trial: SourceTrial, **kwargs: Any) -> None:
        super().__init__(source=source, **kwargs)
        self.trial = trial

    def parse_cookie_page(self, response: Response) -> Iterator[Any]:
        self.trial.list_url = response.url
        yield from super().parse_cookie_page(response)

    def parse_list(self, response: Response) -> Iterator[Any]:
        spec: ListSpec = response.meta["list_spec"]
        self.trial.list_url = response.url
        if spec.kind == "html" and isinstance(response, TextResponse):
            self.trial.list_selectors = _html_list_matches(spec, response)
        try:
            entries = list(self.list_entries(spec, response))
        except ValueError as exc:
            self.problem("no_match", response.url, f"list not readable: {exc}", fatal=True)
            return
        if not entries:
            self.problem("no_match", response.url,
                         f"list selectors matched nothing ({spec.kind}, items={spec.items!r})",
                         fatal=True)
            return
        self.trial.entry_count = len(entries)
        located = [(entry, self.notice_url(response.url, entry["url"])) for entry in entries]
        self.trial.entries = [{**entry, "url": url or entry["url"]}
                              for entry, url in located[:SHOWN_ENTRIES]]
        first = next(((entry, url) for entry, url in located if url), None)
        if first is not None:
            self.trial.notice_url = first[1]
            yield Request(first[1], callback=self.parse_notice, errback=self.notice_failed,
                          meta={"notice_url": first[1], "listing": first[0]})

    def parse_notice(self, response: Response) -> Iterator[Any]:
        if isinstance(response, TextResponse) and not self.trial.notice_selectors:
            self.trial.notice_selectors = _article_matches(self.source, response)
        for output in super().parse_notice(response):
            if isinstance(output, NoticeItem):
                self.trial.notice = _archived(output)
            else:
                yield output

    def parse_continuation(self, response: Response) -> Iterator[Any]:
        for output in super().parse_continuation(response):
            if isinstance(output, NoticeItem):
                self.trial.notice = _archived(output)
            else:
                yield output


def _shown(values: list[str]) -> list[str]:
    return [cleaning.clean_whitespace(value)[:SHOWN_CHARS] for value in values[:3]]


def _html_list_matches(spec: ListSpec, response: TextResponse) -> list[SelectorMatch]:
    items = (response.selector.xpath(spec.items.removeprefix("xpath:"))
             if spec.items.startswith("xpath:") else response.selector.css(spec.items))
    matches = [SelectorMatch("items", spec.items, len(items),
                             _shown([cleaning.html_to_text(item.get()) for item in items]))]
    first = items[0] if items else None
    for name, selectors in (("link", spec.link), ("title", spec.title), ("date", spec.date)):
        for selector in selectors:
            found = select(first, selector) if first is not None else []
            matches.append(SelectorMatch(f"{name} (first entry)", selector, len(found),
                                         _shown(found)))
    return matches


def _article_matches(source: Source, response: TextResponse) -> list[SelectorMatch]:
    article = source.article
    matches = []
    for name, selectors in (("title", article.title), ("date", article.date),
                            ("body", article.body), ("attachments", article.attachments)):
        for selector in selectors:
            try:
                nodes = select_nodes(response.selector, selector)
            except ValueError as exc:
                matches.append(SelectorMatch(name, selector, 0, [f"error: {exc}"]))
                continue
            texts = [cleaning.html_to_text(value) if "<" in value else value
                     for value in select(response.selector, selector)]
            matches.append(SelectorMatch(name, selector, len(nodes), _shown(texts)))
    return matches


def _archived(item: NoticeItem) -> dict[str, Any]:
    return {
        "url": item.url,
        "title": item.title,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "language": item.language,
        "text": item.text[:2000],
        "text_chars": len(item.text),
        "attachments": [entry["url"] for entry in item.attachments],
        "http_status": item.http_status,
        "encoding": item.encoding,
    }


def run_trial(source: Source, time_limit: float = TRIAL_TIME_LIMIT) -> SourceTrial:
    """Try ``source`` in this process (which then cannot run another Scrapy crawl)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.egress import config_trusted_hosts

    trial = SourceTrial(source.id)
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("LOG_LEVEL", os.environ.get("REGWATCH_LOG_LEVEL", "WARNING"),
                 priority="cmdline")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("REGWATCH_ARCHIVE_ENABLED", False, priority="cmdline")
    settings.set("EXTENSIONS", {"crawler.runrecord.CrawlRecorder": None}, priority="cmdline")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.incremental.IncrementalMiddleware"] = None
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.set("CLOSESPIDER_TIMEOUT", time_limit, priority="cmdline")
    only = Config(sources={source.id: source}, path=None, raw={})
    settings.set("REGWATCH_TRUSTED_HOSTS", sorted(config_trusted_hosts(only)),
                 priority="cmdline")

    class BoundTrialSpider(TrialSpider):
        name = source.id
        custom_settings = {  # noqa: RUF012 (Scrapy declares it as an instance attribute)
            "DOWNLOAD_DELAY": source.delay,
            "AUTOTHROTTLE_START_DELAY": source.delay,
            "DOWNLOAD_TIMEOUT": source.timeout,
        }

        def __init__(self, **kwargs: Any) -> None:
            kwargs.pop("name", None)
            super().__init__(source=source, trial=trial, **kwargs)

    def note_problem(kind: str, url: str, detail: str, **_: Any) -> None:
        trial.problems.append({"kind": kind, "url": url, "detail": detail})

    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(BoundTrialSpider)
    crawler.signals.connect(note_problem, signal=regwatch_signals.problem_found, weak=False)
    process.crawl(crawler)
    process.start()
    if not trial.list_url and not trial.problems:
        trial.problems.append({"kind": "failed", "url": source.url(source.list.url),
                               "detail": "the list page was not fetched"})
    return trial


def try_source(source: Source, time_limit: float = TRIAL_TIME_LIMIT) -> SourceTrial:
    """Try ``source`` in a child process and return what it found; a child that fails or
    overruns gives a trial whose problem says so. Archives nothing."""
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "crawler.sourcetrial"],
            input=pickle.dumps((source, time_limit)),
            capture_output=True,
            timeout=time_limit + 30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return _failed(source, f"the trial took longer than {time_limit + 30:.0f} s")
    if finished.returncode != 0:
        last = finished.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return _failed(source, f"the trial failed (exit {finished.returncode}): {last[0][:300]}")
    try:
        return SourceTrial.from_dict(json.loads(finished.stdout))
    except (ValueError, TypeError) as exc:
        return _failed(source, f"the trial's answer was not readable: {exc}")


def _failed(source: Source, detail: str) -> SourceTrial:
    return SourceTrial(source.id, problems=[
        {"kind": "failed", "url": source.url(source.list.url), "detail": detail}])


def main() -> None:
    # The parent is `try_source` in this same program, never the network.
    source, time_limit = pickle.loads(sys.stdin.buffer.read())
    trial = run_trial(source, time_limit)
    sys.stdout.write(json.dumps(asdict(trial), ensure_ascii=False))


if __name__ == "__main__":
    main()
