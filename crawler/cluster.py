"""Crawls spread over machines: the scheduler hands each due crawl to RabbitMQ through Dramatiq
and `regwatch worker`s (crawler/worker.py) take them.

A crawl is a message ``crawl_source(source_id, dispatch_id)`` on the cluster's queue. The
scheduler notes the dispatch in the archive before it sends the message
(:mod:`storage.cluster`), so it never dispatches a source again while its crawl is queued or
running; the worker that ends the crawl deletes that note, and only then does Dramatiq
acknowledge the message. A message a worker has taken and not acknowledged goes back to the
queue when the worker's connection to RabbitMQ ends (the worker killed, or cut off), and
another worker takes it. Dramatiq is imported only here and only when a broker is configured.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from config.cluster import ClusterSettings

logger = logging.getLogger("regwatch.scheduler")

ACTOR = "crawl_source"


class BrokerUnavailableError(RuntimeError):
    """The broker did not take a message (it is down or unreachable); nothing was sent."""


def make_broker(url: str, role: str, *, middleware: list[Any] | None = None) -> Any:
    """A Dramatiq RabbitMQ broker on ``url`` whose connections RabbitMQ shows by ``role``,
    host and pid (`rabbitmqctl list_connections client_properties`).

    No Dramatiq middleware by default: no retries (a failed crawl is a failed run, and the
    schedule runs the source again), no time limit (the crawl engine's own cuts a crawl off),
    no age limit (a message waits in the queue as long as it must)."""
    from dramatiq.brokers.rabbitmq import RabbitmqBroker

    broker = RabbitmqBroker(url=url, confirm_delivery=True, middleware=middleware or [])
    name = f"regwatch {role} pid {os.getpid()} on {socket.gethostname()}"
    parameters = broker.parameters if isinstance(broker.parameters, list) else [broker.parameters]
    for each in parameters:
        each.client_properties = {"connection_name": name}
    return broker


def crawl_message(queue: str, source_id: str, dispatch_id: str) -> Any:
    from dramatiq import Message

    return Message(queue_name=queue, actor_name=ACTOR, args=(source_id, dispatch_id),
                   kwargs={}, options={})


class Dispatcher:
    """Hands due crawls to the broker for `regwatch serve` (see the module's description)."""

    def __init__(self, settings: ClusterSettings, sessions: sessionmaker[Session]) -> None:
        assert settings.broker_url is not None, "a dispatcher needs a broker"
        self.settings = settings
        self.sessions = sessions
        self.broker = make_broker(settings.broker_url, "scheduler")
        self.broker.declare_queue(settings.queue)
        self._unreachable = False

    def dispatch(self, source_id: str) -> bool:
        """Queue a crawl of ``source_id``; False when one is queued or running already.

        Raises :class:`BrokerUnavailableError` when the broker cannot take the message: then
        nothing is noted either, and the caller may try again later. The first failure is
        logged (a warning), and the broker's recovery; the failures between are not."""
        from storage.cluster import add_dispatch, end_dispatch

        dispatch_id = uuid.uuid4().hex
        with self.sessions() as session:
            if not add_dispatch(session, source_id, dispatch_id, datetime.now(UTC)):
                return False
        try:
            self.broker.enqueue(crawl_message(self.settings.queue, source_id, dispatch_id))
        except Exception as exc:
            with self.sessions() as session:
                end_dispatch(session, source_id, dispatch_id)
            if not self._unreachable:
                self._unreachable = True
                logger.warning("cannot hand crawls to the broker (%s): %s; due crawls wait and "
                               "are dispatched once it answers", self.shown_url(), exc or
                               type(exc).__name__)
            raise BrokerUnavailableError(str(exc) or type(exc).__name__) from exc
        if self._unreachable:
            self._unreachable = False
            logger.info("the broker (%s) takes crawls again", self.shown_url())
        return True

    def dispatched_at(self, source_id: str) -> datetime | None:
        """When the source's crawl queued or running now was dispatched; None if none is."""
        from storage.cluster import dispatch_of

        with self.sessions() as session:
            found = dispatch_of(session, source_id)
            return found.dispatched_at if found is not None else None

    def expire(self, now: datetime | None = None) -> list[str]:
        """Forget dispatches older than ``dispatch_expiry`` (their messages taken for lost, as
        when the queue was purged): their sources may be dispatched again."""
        from storage.cluster import expire_dispatches

        now = now or datetime.now(UTC)
        with self.sessions() as session:
            expired = expire_dispatches(
                session, now - timedelta(seconds=self.settings.dispatch_expiry))
        for source_id in expired:
            logger.warning("crawl:%s: dispatched over %.0f s ago and not finished; taken for "
                           "lost, dispatched again when due", source_id,
                           self.settings.dispatch_expiry)
        return expired

    def shown_url(self) -> str:
        return shown_broker_url(self.settings.broker_url or "")

    def close(self) -> None:
        self.broker.close()


def shown_broker_url(url: str) -> str:
    """The broker URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def queue_counts(url: str, queue: str) -> tuple[int, int]:
    """(messages waiting, consumers) of ``queue``; (0, 0) when it does not exist yet.
    Raises the broker's connection error when RabbitMQ cannot be reached."""
    import pika

    parameters = pika.URLParameters(url)
    parameters.connection_attempts = 1
    parameters.socket_timeout = 5
    connection = pika.BlockingConnection(parameters)
    try:
        channel = connection.channel()
        try:
            declared = channel.queue_declare(queue, passive=True)
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code == 404:
                return 0, 0
            raise
        return int(declared.method.message_count), int(declared.method.consumer_count)
    finally:
        if connection.is_open:
            connection.close()
