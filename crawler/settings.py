"""Scrapy settings for regwatch: polite by default, every fetch through the egress gate."""

from __future__ import annotations

import os

from scrapy.settings import default_settings

BOT_NAME = "regwatch"
SPIDER_LOADER_CLASS = "crawler.spiderloader.SourceSpiderLoader"
USER_AGENT = "regwatch/0.1 (monitor of official regulatory notices)"

# Politeness: robots.txt as RFC 9309 reads it, one request at a time per host, a delay that
# AutoThrottle only ever lengthens, and retries that wait what Retry-After says.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REGWATCH_MAX_RETRY_AFTER = 120.0
REGWATCH_RETRY_BACKOFF = 1.0

# Limits: a page that never finishes, a truncated body and a decompression bomb all fail.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = True
# Scrapy starts this many tasks for every response a callback answers, to run its items through
# the pipelines side by side; a notice page gives one item and a list page only requests.
CONCURRENT_ITEMS = 1
# Scrapy's check that a generator callback returns no value reads and parses the callback's
# source again whenever no live request holds that callback (a fifth of the responses of a
# crawl at 16 requests in flight); tests/test_spiders.py makes the check once instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Bytes of responses whose output is still being handled (Scrapy's default is 5 MB). A fast
# site outruns the archive writer, and each response whose item waits for the writer to make
# room (crawler/pipelines.py, WRITER_AHEAD) keeps its parsed page: 5 MB was 2,500 small
# notices waiting: 264 MiB at 4,000 notices against 174 with 1 MB, and 27 s of crawl CPU
# against 18.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
TELNETCONSOLE_ENABLED = False
# No control port: a crawl is driven by regwatch, not from the network.
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # First in, so every request, retry and redirect is checked before anything else runs.
    "crawler.egress.EgressGateMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.StrictRobotsTxtMiddleware": 100,
    "crawler.incremental.IncrementalMiddleware": 120,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.RetryAfterMiddleware": 550,
    # After decompression (590) and before retries see the answer.
    "crawler.botwall.BotWallMiddleware": 580,
    "crawler.encoding.EncodingMiddleware": 585,
    # Scrapy's, with the public-suffix list read from tldextract's snapshot (crawler/cookies.py).
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.cookies.OfflineCookiesMiddleware": 700,
}
# A caching resolver for IPv4 and IPv6, refusing a non-public address the egress gate would
# have refused for the host (crawler/egress.py): the gate checked the host's address before the
# request left.
TWISTED_DNS_RESOLVER = "crawler.egress.GatedResolver"
EXTENSIONS = {
    "crawler.runrecord.CrawlRecorder": 10,
}
# Scrapy's own extensions but the two switched off above: Scrapy imports every extension it
# lists before the extension can decline, and EXTENSIONS cannot unlist one (a None there is
# imported too); the remote control's import (aiohttp) took 0.18 s of CPU in every crawl.
EXTENSIONS_BASE = {
    path: order
    for path, order in default_settings.EXTENSIONS_BASE.items()
    if path not in ("scrapy.extensions.remote_control.RemoteControl",
                    "scrapy.extensions.telnet.TelnetConsole")
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}

REGWATCH_DATABASE_URL = os.environ.get("REGWATCH_DATABASE_URL")
REGWATCH_ARCHIVE_ENABLED = True
# "process": notices are stored by an archive writer process beside the crawl's, so storing
# and fetching use two cores; "inline": in the crawl's process (see crawler/archivewriter.py).
REGWATCH_ARCHIVE_WRITER = os.environ.get("REGWATCH_ARCHIVE_WRITER", "process")
# In "process" mode, the writer starts once the crawl knows of more notices to store than this.
REGWATCH_ARCHIVE_WRITER_AFTER = 10
REGWATCH_REFETCH = False
LOG_LEVEL = os.environ.get("REGWATCH_LOG_LEVEL", "INFO")
