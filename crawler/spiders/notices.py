"""The notice spider: one per source, reading its list (HTML page, JSON API or feed) and notices.

Callbacks only locate fields; cleaning lives in :mod:`crawler.cleaning`. A list that yields no
entries on its first page, or a notice page whose body selectors match nothing, is a health
problem of the source (the site changed its template or put up a wall), never an empty site.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import AsyncIterator, Container, Iterator, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlencode, urljoin, urlsplit

import scrapy
from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator
from scrapy import signals
from scrapy.http import FormRequest, JsonRequest, Request, Response, TextResponse
from twisted.python.failure import Failure

from config import ListSpec, Source
from crawler import cleaning
from crawler import signals as regwatch_signals
from crawler.errors import AlreadyRecorded, NotDue, NotModified
from crawler.incremental import count_not_due, not_due
from crawler.items import NoticeItem
from crawler.runrecord import CrawlRecorder

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

ATTACHMENT = re.compile(r"\.(pdf|docx?|xlsx?|wps|ofd|zip|rar|csv|pptx?)(?:$|\?)", re.IGNORECASE)


def select(node: Selector, selector: str) -> list[str]:
    """Strings a selector finds: CSS with ::text/::attr, ``xpath:`` XPath; elements as HTML."""
    return [_as_html(found) for found in select_nodes(node, selector)]


def select_nodes(node: Selector, selector: str) -> list[Any]:
    """What :func:`select` finds under ``node``: lxml's elements, and strings for text,
    attributes and values (as parsel's selectors would hold them, without wrapping each)."""
    try:
        found = _compiled(selector)(node.root)
    except etree.XPathError as exc:
        raise ValueError(f"XPath error: {exc} in {selector}") from exc
    return found if isinstance(found, list) else [found]


@lru_cache(maxsize=1024)
def _compiled(selector: str) -> etree.XPath:
    """``selector`` as an XPath compiled once, translated from CSS as parsel translates it for
    HTML: a source's selectors run on every page it fetches."""
    query = (selector.removeprefix("xpath:") if selector.startswith("xpath:")
             else _CSS.css_to_xpath(selector))
    return etree.XPath(query, namespaces=_NAMESPACES, smart_strings=False)


_CSS = HTMLTranslator()
# The prefixes parsel's selectors know (EXSLT regular expressions and sets).
_NAMESPACES = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}
_STRING_VALUE = etree.XPath("string()", smart_strings=False)
# The page's links whose target holds $name: where a notice's later parts are linked from.
_LINKS_NAMING = etree.XPath("descendant-or-self::a/@href[contains(., $name)]",
                            smart_strings=False)


def _element(found: Any) -> Any:
    """``found`` if it is an element, or None for a string, a number, a comment."""
    return found if isinstance(getattr(found, "tag", None), str) else None


def _as_html(found: Any) -> str:
    """What parsel's ``get()`` gives for ``found``: an element's (or comment's) HTML, a
    value's text."""
    if found is True or found is False:
        return "1" if found else "0"
    if isinstance(found, str):
        return found
    if isinstance(found, etree._Element):
        return etree.tostring(found, method="html", encoding="unicode", with_tail=False)
    return str(found)


def first_text(node: Selector, selectors: tuple[str, ...]) -> str:
    """The first non-empty value among ``selectors``, as text (an element becomes its text)."""
    for selector in selectors:
        for found in select_nodes(node, selector):
            if _element(found) is not None:
                # The element's text, as parsing its HTML back would give it.
                text = cleaning.tidy_title(_STRING_VALUE(found))
            else:
                value = _as_html(found)
                text = (cleaning.clean_title(value) if "<" in value
                        else cleaning.clean_whitespace(value))
            if text:
                return text
    return ""


def _readable(html: str, found: Any) -> bool:
    """Whether ``html``, what ``found`` holds, has readable text."""
    element = _element(found)
    if element is None:
        return bool(cleaning.html_to_text(html))
    return cleaning.has_text(element)


def json_path(document: Any, path: str) -> Any:
    """``a.b.0.c`` into nested JSON; None where the path does not lead anywhere."""
    current = document
    for part in path.split(".") if path else []:
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


def parse_parameters(raw: str) -> dict[str, Any]:
    """A table of request parameters written in a page as JSON or as a Python-style literal.

    MIIT writes ``queryData="{'webId':'…','pageId':'…'}"``: single quotes, not JSON.
    """
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        try:
            parsed = ast.literal_eval(raw.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return {}
    return parsed if isinstance(parsed, dict) else {}


def fill_page(value: Any, page: int, typed: bool = False) -> Any:
    """A request template with ``{page}`` replaced, in strings and nested tables.

    With ``typed`` (a JSON body), a value that is exactly ``"{page}"`` becomes a number.
    """
    if isinstance(value, str):
        if typed and value == "{page}":
            return page
        return value.replace("{page}", str(page))
    if isinstance(value, Mapping):
        return {k: fill_page(v, page, typed) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_page(v, page, typed) for v in value]
    return value


def _part_number(url: str, stem: str) -> int | None:
    """``n`` when ``url`` is ``<stem><n>.<extension>`` (part ``n`` of a long notice)."""
    if not url.startswith(stem):
        return None
    number, dot, extension = url[len(stem):].partition(".")
    if not (number.isascii() and number.isdigit() and dot and extension.isalnum()):
        return None
    return int(number)


# At most this many notices no list showed are revisited in one run: an archive whose back
# catalogue fell due at once (it was all archived by one first crawl) is checked over a few runs.
REVISITS_PER_RUN = 50


class NoticeSpider(scrapy.Spider):
    """Crawls one :class:`~config.Source`."""

    name = "notices"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        return spider

    def __init__(self, source: Source, refetch: bool = False, **kwargs: Any) -> None:
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.refetch = refetch
        self.listed: set[str] = set()
        self.queued = 0
        # List requests sent and not answered yet: when the last is read, the notices due for
        # a revisit that no list showed are asked for (`unlisted_revisits`).
        self.lists_pending = 0
        self._host_links: dict[tuple[str, str], str] = {}

    # --- lists ------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        if self.source.cookie_url:
            yield Request(
                self.source.url(self.source.cookie_url),
                callback=self.parse_cookie_page,
                errback=self.list_failed,
                meta={"regwatch_list": True},
                dont_filter=True,
            )
            return
        for request in self.list_requests(self.source.list, self.source.list.first_page, {}):
            yield request
        if self.refetch:
            for request in self.refetch_requests():
                yield request

    def parse_cookie_page(self, response: Response) -> Iterator[Any]:
        """The page that sets the site's cookie; it may also carry the list API's parameters."""
        extra: dict[str, str] = {}
        spec = self.source.list
        if spec.params_from and isinstance(response, TextResponse):
            raw = next(iter(select(response.selector, spec.params_from)), "")
            parsed = parse_parameters(raw)
            if not isinstance(parsed, dict) or not parsed:
                self.problem("no_match", response.url, f"{spec.params_from!r} found no parameters",
                             fatal=True)
                return
            extra = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items()}
        yield from self.list_requests(spec, spec.first_page, extra)
        if self.refetch:
            yield from self.refetch_requests()

    def list_requests(
        self, spec: ListSpec, page: int, extra_params: Mapping[str, str]
    ) -> Iterator[Request]:
        meta = {"regwatch_list": page == spec.first_page and spec is self.source.list,
                "list_spec": spec, "page": page, "extra_params": dict(extra_params)}
        url = self.source.url(fill_page(spec.url, page))
        self.lists_pending += 1
        params = {**extra_params, **fill_page(dict(spec.params), page)}
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        if spec.method == "POST" and spec.json_body:
            yield JsonRequest(url, data=fill_page(dict(spec.json_body), page, typed=True),
                              callback=self.parse_list, errback=self.list_failed, meta=meta,
                              dont_filter=True)
        elif spec.method == "POST":
            yield FormRequest(url, formdata=fill_page(dict(spec.form), page),
                              callback=self.parse_list, errback=self.list_failed, meta=meta,
                              dont_filter=True)
        else:
            yield Request(url, callback=self.parse_list, errback=self.list_failed, meta=meta,
                          dont_filter=True)

    def parse_list(self, response: Response) -> Iterator[Any]:
        self.lists_pending -= 1
        yield from self.read_list(response)
        if self.lists_pending == 0 and not self.refetch:
            yield from self.unlisted_revisits()

    def read_list(self, response: Response) -> Iterator[Any]:
        spec: ListSpec = response.meta["list_spec"]
        page: int = response.meta["page"]
        try:
            entries = list(self.list_entries(spec, response))
        except ValueError as exc:
            self.problem("no_match", response.url, f"list not readable: {exc}",
                         fatal=response.meta["regwatch_list"])
            return
        first_list_page = response.meta["regwatch_list"]
        if not entries:
            if first_list_page:
                self.problem("no_match", response.url,
                             f"list selectors matched nothing ({spec.kind}, items={spec.items!r})",
                             fatal=True)
            return
        recorder = CrawlRecorder.of(self.crawler)
        located: list[tuple[dict[str, Any], str]] = []
        for entry in entries:
            url = self.notice_url(response.url, entry["url"])
            if url is not None:
                located.append((entry, url))
        known: Container[str] = set()
        if recorder is not None:
            recorder.known.load(url for _, url in located)
            known = recorder.known
        unknown = 0
        queued_new = 0
        requests: list[Request] = []
        first_listed: list[str] = []
        for entry, url in located:
            is_new = url not in known
            unknown += is_new
            if url in self.listed:
                # Listed by an earlier page of this run: a static page and an API that
                # overlap, or a list that moved while it was read. Fetched once.
                continue
            self.listed.add(url)
            first_listed.append(url)
            if self.queued >= self.source.max_notices:
                continue
            self.queued += 1
            queued_new += is_new or self.refetch
            archived = None if is_new or recorder is None else recorder.known.get(url)
            if archived is not None and not_due(self.source, archived, refetch=self.refetch):
                # Left alone without a request: the Scrapy machinery a request passes through
                # (scheduler, downloader middlewares, errback) cost an unchanged source more
                # than its list page did. Counted as the incremental middleware counts it.
                count_not_due(self.crawler.stats)
                continue
            requests.append(Request(
                url,
                callback=self.parse_notice,
                errback=self.notice_failed,
                meta={"notice_url": url, "listing": entry},
            ))
        if first_listed:
            self.crawler.signals.send_catch_log(regwatch_signals.notices_listed,
                                                urls=first_listed)
        # Said before the first request leaves: Scrapy fetches a list's first notices while
        # it still reads the list's output, and the pipeline would store them itself.
        if queued_new:
            self.crawler.signals.send_catch_log(regwatch_signals.new_notices_queued,
                                                count=queued_new)
        yield from requests
        # Lists are newest first: a page of notices the archive holds means later pages hold
        # nothing new either, so an incremental run stops paging there.
        if unknown or self.refetch or not known:
            yield from self.next_pages(spec, page, response)

    def notice_url(self, page_url: str, link: str) -> str | None:
        """The canonical URL of a notice the list page at ``page_url`` links to as ``link``;
        None, recorded as a problem of the source, for a link no request can be made to.
        One bad link costs that link only, never the page's other notices."""
        try:
            url = cleaning.canonical_url(self.source.localise(urljoin(page_url, link)))
        except ValueError as exc:
            self.bad_link(page_url, link, str(exc))
            return None
        if urlsplit(url).hostname is None:
            self.bad_link(page_url, link, "no host")
            return None
        return url

    def bad_link(self, page_url: str, link: str, reason: str) -> None:
        self.crawler.stats.inc_value("crawl/bad_link")
        self.problem("refused", link, f"link on {page_url} is not followed: {reason}")

    def next_pages(self, spec: ListSpec, page: int, response: Response) -> Iterator[Request]:
        if self.queued >= self.source.max_notices:
            return
        extra = response.meta["extra_params"]
        if page < spec.first_page + spec.max_pages - 1:
            yield from self.list_requests(spec, page + 1, extra)
        elif spec is self.source.list and self.source.more is not None:
            more = self.source.more
            yield from self.list_requests(more, more.first_page, extra)

    def list_entries(self, spec: ListSpec, response: Response) -> Iterator[dict[str, str]]:
        if spec.kind == "feed":
            yield from self.feed_entries(response)
            return
        if spec.kind == "json":
            try:
                document = json.loads(response.body)
            except ValueError as exc:
                raise ValueError(f"not JSON ({exc})") from None
            if spec.html_field:
                html = json_path(document, spec.html_field)
                if not isinstance(html, str):
                    raise ValueError(f"no HTML at {spec.html_field!r}")
                yield from self.html_entries(spec, Selector(text=html))
                return
            items = json_path(document, spec.items)
            if not isinstance(items, list):
                raise ValueError(f"no list at {spec.items!r}")
            for item in items:
                link = next((json_path(item, p) for p in spec.link if json_path(item, p)), None)
                if isinstance(link, str) and link.strip():
                    yield {
                        "url": link.strip(),
                        "title": cleaning.clean_title(str(_first(item, spec.title) or "")),
                        "date": str(_first(item, spec.date) or ""),
                    }
            return
        if not isinstance(response, TextResponse):
            raise ValueError("not a text page")  # noqa: TRY004 (the list is unreadable, as bad JSON)
        yield from self.html_entries(spec, response.selector)

    def html_entries(self, spec: ListSpec, root: Selector) -> Iterator[dict[str, str]]:
        items = (root.xpath(spec.items.removeprefix("xpath:")) if spec.items.startswith("xpath:")
                 else root.css(spec.items))
        for item in items:
            link = next((v for s in spec.link for v in select(item, s) if v.strip()), "")
            if link and not link.lower().startswith(("javascript:", "mailto:", "#")):
                yield {
                    "url": link.strip(),
                    "title": first_text(item, spec.title),
                    "date": first_text(item, spec.date),
                }

    def feed_entries(self, response: Response) -> Iterator[dict[str, str]]:
        selector = Selector(text=response.text if isinstance(response, TextResponse)
                            else response.body.decode("utf-8", "replace"), type="xml")
        selector.remove_namespaces()
        for item in selector.xpath("//item | //entry"):
            link = (item.xpath("link/@href").get() or item.xpath("link/text()").get()
                    or item.xpath("guid/text()").get() or "").strip()
            if link:
                yield {
                    "url": link,
                    "title": cleaning.clean_title(item.xpath("title/text()").get() or ""),
                    "date": (item.xpath("pubDate/text() | published/text() | updated/text()"
                                        " | date/text()").get() or "").strip(),
                }

    def unlisted_revisits(self) -> Iterator[Request]:
        """Archived notices due for a revisit that no list page of this run showed: a notice
        that moved past the pages an incremental run reads is still checked on its schedule,
        a few per run, longest unchecked first."""
        recorder = CrawlRecorder.of(self.crawler)
        if recorder is None or recorder.list_failed:
            return
        limit = min(REVISITS_PER_RUN, self.source.max_notices)
        for url in recorder.known.due_unlisted(self.listed, limit):
            yield Request(url, callback=self.parse_notice, errback=self.notice_failed,
                          meta={"notice_url": url, "listing": {}})

    def refetch_requests(self) -> Iterator[Request]:
        """Every archived notice of the source, checked again with conditional requests."""
        recorder = CrawlRecorder.of(self.crawler)
        for url in recorder.known.every_url() if recorder else []:
            yield Request(url, callback=self.parse_notice, errback=self.notice_failed,
                          meta={"notice_url": url, "listing": {}})

    # --- notices ----------------------------------------------------------------------------

    def parse_notice(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.notice_problem("no_match", response.url, "not an HTML page")
            return
        article = self.source.article
        bodies = self.body_html(response)
        if not bodies:
            self.notice_problem("no_match", response.url,
                                f"body selectors {list(article.body)!r} matched nothing")
            return
        self.check_moved(response)
        parts = [bodies]
        continuation = self.continuations(response)
        if continuation:
            yield response.follow(
                continuation[0],
                callback=self.parse_continuation,
                errback=self.notice_failed,
                meta={"notice_url": response.meta["notice_url"], "parts": parts,
                      "first": response, "pending": continuation[1:],
                      "continuation_of": response.url},
            )
            return
        yield self.item(response, parts)

    def parse_continuation(self, response: Response) -> Iterator[Any]:
        parts: list[str] = response.meta["parts"]
        bodies = self.body_html(response) if isinstance(response, TextResponse) else ""
        if not bodies:
            self.notice_problem("no_match", response.url, "continuation page has no body")
            return
        parts.append(bodies)
        pending: list[str] = response.meta["pending"] or self.continuations(
            response, response.meta["continuation_of"])  # type: ignore[arg-type]
        if pending:
            meta = {k: response.meta[k] for k in ("notice_url", "parts", "first",
                                                  "continuation_of")}
            yield response.follow(pending[0], callback=self.parse_continuation,
                                  errback=self.notice_failed,
                                  meta={**meta, "pending": pending[1:]})
            return
        yield self.item(response.meta["first"], parts)

    def body_html(self, response: TextResponse) -> str:
        for selector in self.source.article.body:
            found = [(html, node) for node in select_nodes(response.selector, selector)
                     if (html := _as_html(node)).strip()]
            if found and any(_readable(html, node) for html, node in found):
                return "\n".join(html for html, _ in found)
        return ""

    def continuations(self, response: TextResponse, first_url: str | None = None) -> list[str]:
        """Links on ``response`` to the later parts of a long notice whose first page is
        ``first_url`` (this page by default): ``c_<id>_2.htm``, ``_3.htm`` ... numbered after
        this page, in the order of their numbers. Another notice's pages (``c_<other id>.htm``,
        ``c_<other id>_2.htm``) are not parts of this one."""
        pattern = self.source.article.continuation
        if not pattern:
            return []
        stem = (first_url or response.url).rsplit(".", 1)[0] + "_"
        this_part = _part_number(response.url, stem) or 1
        found: dict[str, int] = {}
        # The document's links as lxml gives them (the same strings as a::attr(href)), each once:
        # those that name this notice's part files (any link to one holds its file name).
        name = stem.rsplit("/", 1)[-1]
        hrefs = dict.fromkeys(map(str, _LINKS_NAMING(response.selector.root, name=name)))
        for href in hrefs:
            try:
                url = self.link_url(response.url, href)
            except ValueError:
                continue  # not a link to anything, so not to a part of this notice
            number = _part_number(url, stem)
            if number is not None and number > this_part and re.search(pattern, url):
                found[url] = number
        return sorted(found, key=found.__getitem__)

    def link_url(self, page_url: str, href: str) -> str:
        """Where ``href`` on the page at ``page_url`` leads, on the source's configured base.

        A link that names its host (``//www.cac.gov.cn/...``, ``https://...``) leads to the same
        URL from every page of a scheme; a site's navigation repeats such links on every notice,
        so they are resolved once per scheme.
        """
        if not urlsplit(href).netloc:
            return self.source.localise(urljoin(page_url, href))
        key = (page_url.partition(":")[0], href)
        url = self._host_links.get(key)
        if url is None:
            if len(self._host_links) >= 4096:
                self._host_links.clear()
            url = self._host_links[key] = self.source.localise(urljoin(page_url, href))
        return url

    def item(self, response: TextResponse, parts: list[str]) -> NoticeItem:
        article = self.source.article
        listing: dict[str, str] = response.meta.get("listing") or {}
        html = cleaning.sanitise_html("\n".join(parts))
        title = first_text(response.selector, article.title) or listing.get("title", "")
        published = None
        for selector in (*article.date, None):
            value = (first_text(response.selector, (selector,)) if selector is not None
                     else listing.get("date", ""))
            published = cleaning.parse_published(value, self.source.timezone)
            if published:
                break
        attachments: dict[str, str] = {}
        for selector in article.attachments:
            for href in select(response.selector, selector):
                try:
                    url = self.link_url(response.url, href.strip())
                except ValueError as exc:
                    self.bad_link(response.url, href.strip(), str(exc))
                    continue
                if ATTACHMENT.search(url) or "/cms_files/" in url:
                    attachments.setdefault(url, "")
        fetched_url = response.meta["notice_url"]
        canonical = self.source.canonical(fetched_url)
        return NoticeItem(
            source_id=self.source.id,
            url=canonical,
            fetched_url=fetched_url if canonical != fetched_url else None,
            title=cleaning.clean_title(title),
            published_at=published,
            language=self.source.language,
            text=cleaning.html_to_text(html),
            html=html,
            raw=response.body,
            http_status=response.status,
            http_headers={
                k.decode("latin-1"): b", ".join(v).decode("latin-1")
                for k, v in response.headers.items()
            },
            encoding=response.encoding,
            fetched_at=datetime.now(UTC),
            attachments=[{"url": u, "title": t} for u, t in attachments.items()],
        )

    # --- failures ---------------------------------------------------------------------------

    def problem(self, kind: str, url: str, detail: str, fatal: bool = False) -> None:
        self.crawler.signals.send_catch_log(
            regwatch_signals.problem_found, kind=kind, url=url, detail=detail, fatal=fatal
        )

    def notice_problem(self, kind: str, url: str, detail: str) -> None:
        self.crawler.stats.inc_value("crawl/failed_notice")
        self.problem(kind, url, detail)

    def list_failed(self, failure: Failure) -> None:
        self.lists_pending -= 1
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(AlreadyRecorded):
            # The gate, robots.txt or the wall detector has recorded why already.
            if request.meta.get("regwatch_list"):
                recorder = CrawlRecorder.of(self.crawler)
                if recorder is not None:
                    recorder.list_failed = True
            return
        self.problem(*describe_failure(failure, self.maxsize),
                     fatal=bool(request.meta.get("regwatch_list")))

    def notice_failed(self, failure: Failure) -> None:
        if failure.check(NotDue, NotModified):
            return
        request = failure.request  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("crawl/failed_notice")
        if failure.check(AlreadyRecorded):
            return
        kind, _, detail = describe_failure(failure, self.maxsize)
        self.problem(kind, request.url, detail)

    def check_moved(self, response: Response) -> None:
        """Note a notice whose listed URL redirects to another path: it is archived under the
        listed URL, and the site has moved it (a change of scheme or host alone is not a move).
        A move is logged and counted (``crawl/moved_notice``), not a health problem: the notice
        was read, and sites move pages in the ordinary course."""
        chain: list[str] = response.meta.get("redirect_urls") or []
        if not chain:
            return
        listed = urlsplit(chain[0])
        final = urlsplit(response.url)
        if (listed.path, listed.query) != (final.path, final.query):
            self.crawler.stats.inc_value("crawl/moved_notice")
            self.logger.warning("%s: moved: %s redirects to %s; archived under the listed URL",
                                self.source.id, chain[0], response.url)

    def callback_failed(self, failure: Failure, response: Response) -> None:
        """A page regwatch could not read (an exception in a callback): Scrapy logs it and
        drops the page, so it is a problem of the run (and a failed notice if it was one)."""
        request = response.request
        meta = request.meta if request is not None else {}
        if "notice_url" in meta:
            self.crawler.stats.inc_value("crawl/failed_notice")
        self.problem("no_match", response.url,
                     f"page not readable: {failure.type.__name__}: {failure.getErrorMessage()}",
                     fatal=bool(meta.get("regwatch_list")))

    @property
    def maxsize(self) -> int:
        return self.crawler.settings.getint("DOWNLOAD_MAXSIZE")

    def request_dropped(self, request: Request) -> None:
        """A redirect the scheduler dropped as a duplicate: the redirect went back to a URL
        this crawl fetched or queued (itself, or round a loop), so the notice it was to fetch
        is not fetched. Other duplicates (a notice listed twice) are not problems."""
        chain: list[str] = request.meta.get("redirect_urls") or []
        if not chain:
            return
        if "notice_url" in request.meta:
            self.crawler.stats.inc_value("crawl/failed_notice")
        if chain == [request.url]:
            detail = "redirects to itself"
        elif request.url in chain:
            detail = "redirect loop: " + " -> ".join([*chain, request.url])
        else:
            detail = (f"redirects to {request.url} (via {' -> '.join(chain)}), which this "
                      "crawl already fetched or queued")
        self.problem("http_error", chain[0], detail + "; not fetched",
                     fatal=bool(request.meta.get("regwatch_list")))


def describe_failure(failure: Failure, maxsize: int = 0) -> tuple[str, str, str]:
    """(kind, url, detail) of a failed request, for the health record; the detail always says
    why (``maxsize``, the crawl's DOWNLOAD_MAXSIZE, is named when a body passed it)."""
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadCancelledError,
        DownloadTimeoutError,
        ResponseDataLossError,
    )
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.defer import CancelledError
    from twisted.internet.error import DNSLookupError
    from twisted.internet.error import TimeoutError as TwistedTimeout

    request = failure.request  # type: ignore[attr-defined]
    kind = "http_error"
    message = failure.getErrorMessage()
    if failure.check(HttpError):
        detail = f"status {failure.value.response.status}"
    elif failure.check(TwistedTimeout, DownloadTimeoutError):
        kind = "timeout"
        detail = f"no complete answer in {request.meta.get('download_timeout')} s"
    elif failure.check(DownloadCancelledError, CancelledError):
        # Scrapy cancels a body that grows past the limit without saying so (one it announced
        # as too large comes with Scrapy's message).
        limit = request.meta.get("download_maxsize", maxsize)
        detail = message or (f"the body grew past the download size limit ({limit} bytes); "
                             "the rest was not read")
    elif failure.check(DNSLookupError, CannotResolveHostError):
        kind = "dns"
        host = urlsplit(request.url).hostname
        detail = f"DNS lookup failed: host {host!r} does not resolve"
    elif failure.check(ResponseDataLossError):
        detail = ("body cut short: the connection closed before the length the server "
                  "announced had arrived")
    else:
        cause = failure.value.__cause__
        detail = f"{failure.type.__name__}: " + (
            message or (str(cause) if cause else "") or (failure.type.__doc__ or "").strip())
    return kind, request.url, detail + redirected_from(request)


def redirected_from(request: Request) -> str:
    """`` (redirected from <url>)`` for a request a redirect made, else nothing."""
    chain: list[str] = request.meta.get("redirect_urls") or []
    return f" (redirected from {chain[0]})" if chain else ""


def _first(item: Any, paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = json_path(item, path)
        if value:
            return value
    return None
