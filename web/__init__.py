"""The HTTP API, pages and feeds over the archive."""
