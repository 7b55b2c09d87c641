"""The Scrapy project: source definitions, spiders, middlewares and the archive pipeline."""
