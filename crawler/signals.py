"""Signals regwatch's crawl components send each other."""

# Sent with kind, url and detail when a fetch shows the source is not healthy: a bot wall,
# selectors that match nothing, a refused or failed request. Never means "the notice changed".
problem_found = object()

# Sent with urls (a list) when a list page shows notices not listed before in the crawl, so the
# archive knows they are still listed. Once a page: a signal costs tens of microseconds.
notices_listed = object()

# Sent with count when a list page queues notices the archive does not hold (all it queues,
# when a crawl fetches everything again): how much storing lies ahead.
new_notices_queued = object()
