"""The HTTP API, pages and feeds over the archive, and the query commands of the CLI."""
