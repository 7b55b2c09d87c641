"""The Scrapy project: spiders, middlewares, the archive pipeline and the crawl runners."""
