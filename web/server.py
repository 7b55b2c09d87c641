"""Running the web application: `run` for the service and `regwatch web`, `serve_in_thread`
for tests and embedding."""

from __future__ import annotations

import errno
import gc
import socket
import threading
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from config import Config
from web.app import create_app
from web.settings import WebSettings, check_bind, web_settings


class PortInUseError(OSError):
    """The address to serve on is taken; the message names it and ``--port``."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            errno.EADDRINUSE,
            f"port {port} on {host} is already in use (another regwatch, or another program); "
            f"serve on another port with --port, e.g. --port {port + 1 if port < 65535 else 8081}",
        )
        self.host = host
        self.port = port

    def __str__(self) -> str:
        return str(self.strerror)


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (a free port when 0). Raises
    :class:`PortInUseError` when the port is taken, `OSError` for other failures."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(host, port) from error
        raise
    listener.listen(128)
    return listener


def run(
    host: str | None = None,
    port: int | None = None,
    *,
    database_url: str | None = None,
    config: Config | None = None,
    settings: WebSettings | None = None,
    log_level: str = "info",
) -> None:
    """Serve the API and pages until interrupted (blocks).

    ``host``/``port`` override ``[web]``. Raises `web.settings.UnsafeBindError` before
    listening when the address is reachable from other machines and no token is configured,
    :class:`PortInUseError` when the port is taken.
    """
    settings = settings or web_settings(config)
    host = host or settings.host
    port = settings.port if port is None else port
    check_bind(host, settings.token)
    listener = listen(host, port)
    app = create_app(database_url, config, settings=settings)
    # What start-up made lives as long as the server: the collector's full passes skip it,
    # which takes tens of milliseconds off the requests they would otherwise land in.
    gc.freeze()
    server = uvicorn.Server(uvicorn.Config(
        app, host=host, port=listener.getsockname()[1], log_level=log_level, access_log=False,
        server_header=False, proxy_headers=False))
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()


def serve_in_thread(
    app: FastAPI, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` in a thread (on a free port unless ``port`` is given); returns its base URL
    and a stop function. The socket listens before this returns, so requests made at once wait
    in its backlog until the server accepts them: callers need not wait for start-up. Raises
    `OSError` when the address cannot be bound (:class:`PortInUseError` when it is taken),
    `UnsafeBindError` as `run` does."""
    check_bind(host, getattr(app.state, "settings", WebSettings()).token)
    listener = listen(host, port)
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="regwatch-web", daemon=True
    )
    thread.start()

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()

    return f"http://{host}:{port}", stop
