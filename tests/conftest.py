"""Fixtures shared by the test modules, registered once as plugins: local site copies served on
loopback (tests.sites), archives on SQLite and PostgreSQL (tests.storage_fixtures), the webhook
receiver and mailbox alerts are delivered to (tests.alert_fixtures), the archive the query,
web, API and feed tests read (tests.query_fixtures), RabbitMQ with a queue per test
(tests.broker_fixtures), and an archive an older extractor read, for the re-analysis
tests (tests.reanalysis_fixtures). A test asks for a fixture by name."""

from __future__ import annotations

pytest_plugins = (
    "tests.sites", "tests.storage_fixtures", "tests.alert_fixtures", "tests.query_fixtures",
    "tests.broker_fixtures", "tests.reanalysis_fixtures",
)
