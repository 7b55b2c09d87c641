"""Fixtures for the cluster's tests: the RabbitMQ of this machine, and a queue of each test's own.

Without RabbitMQ a test asking for ``broker_url`` is skipped with the reason; with ``CI`` or
``REGWATCH_REQUIRE_RABBITMQ`` set (as .ci/run sets it) it fails instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

BROKER_URL_ENV = "REGWATCH_TEST_BROKER_URL"
REQUIRE_RABBITMQ_ENV = "REGWATCH_REQUIRE_RABBITMQ"
DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


@pytest.fixture(name="broker_url")
def broker_url_fixture() -> str:
    """The RabbitMQ the tests use; skipped (failed under CI) when it cannot be reached."""
    import pika

    url = os.environ.get(BROKER_URL_ENV, DEFAULT_BROKER_URL)
    parameters = pika.URLParameters(url)
    parameters.connection_attempts = 1
    parameters.socket_timeout = 5
    try:
        pika.BlockingConnection(parameters).close()
    except Exception as exc:  # noqa: BLE001 (any failure to connect is the reason shown)
        message = f"RabbitMQ at {parameters.host}:{parameters.port} not reachable: {exc!r}"
        if os.environ.get("CI") or os.environ.get(REQUIRE_RABBITMQ_ENV, "") not in ("", "0"):
            pytest.fail(f"{message} (CI or {REQUIRE_RABBITMQ_ENV} is set)")
        pytest.skip(message)
    return url


@pytest.fixture(name="queue")
def queue_fixture(broker_url: str) -> Iterator[str]:
    """A queue of the test's own, deleted afterwards with Dramatiq's delay and dead-letter
    queues."""
    import pika

    name = f"regwatch-test-{secrets.token_hex(5)}"
    yield name
    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    try:
        channel = connection.channel()
        for each in (name, f"{name}.DQ", f"{name}.XQ"):
            channel.queue_delete(each)
    finally:
        connection.close()
