"""The `[web]` table of regwatch.toml: where the API and pages listen, and the API token."""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

from config import Config, ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
TOKEN_ENV = "REGWATCH_API_TOKEN"
# Long enough that guessing is hopeless; shorter tokens are refused at start.
MIN_TOKEN_CHARS = 16
_KNOWN = ("host", "port", "token", "token_env", "base_url")


@dataclass(frozen=True)
class WebSettings:
    """``token`` None means nothing that changes the archive or the service is served."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    base_url: str | None = None

    def __repr__(self) -> str:
        # The token must not end up in a log line that prints the settings.
        shown = "set" if self.token else "none"
        return f"WebSettings(host={self.host!r}, port={self.port}, token={shown})"


class UnsafeBindError(ValueError):
    """Listening beyond this machine without an API token configured."""


def web_settings(config: Config | None) -> WebSettings:
    """Settings from ``config``'s ``[web]`` table and ``$REGWATCH_API_TOKEN``.

    The token comes from ``token_env`` (the name of an environment variable, default
    REGWATCH_API_TOKEN) or, less safely, ``token`` in the file. Raises `ConfigError`.
    """
    table: Mapping[str, object] = {}
    where = "regwatch.toml"
    if config is not None:
        raw = config.raw.get("web", {})
        where = str(config.path) if config.path else where
        if not isinstance(raw, Mapping):
            raise ConfigError(where, None, "[web] must be a table")
        table = raw
    def line(key: str) -> int | None:
        return config.line_of("web", key) if config is not None else None

    unknown = sorted(set(table) - set(_KNOWN))
    if unknown:
        raise ConfigError(
            where, line(unknown[0]),
            f"web: unknown key {unknown[0]!r}; expected one of {', '.join(_KNOWN)}"
        )
    host = table.get("host", DEFAULT_HOST)
    port = table.get("port", DEFAULT_PORT)
    if not isinstance(host, str) or not host:
        raise ConfigError(where, line("host"), "web.host must be a host name or address")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ConfigError(where, line("port"), "web.port must be a whole number from 0 to 65535")
    token_env = table.get("token_env", TOKEN_ENV)
    if not isinstance(token_env, str):
        raise ConfigError(where, None, "web.token_env must be the name of a variable")
    token = os.environ.get(token_env, "").strip() or table.get("token")
    if token is not None and (not isinstance(token, str) or len(token) < MIN_TOKEN_CHARS):
        raise ConfigError(
            where, None, f"the API token must be at least {MIN_TOKEN_CHARS} characters long"
        )
    base_url = table.get("base_url")
    if base_url is not None and not isinstance(base_url, str):
        raise ConfigError(where, None, "web.base_url must be a URL")
    return WebSettings(host=host, port=port, token=token or None, base_url=base_url)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond loopback without a token (raises `UnsafeBindError`)."""
    if not is_loopback(host) and not token:
        raise UnsafeBindError(
            f"refusing to listen on {host}: it is reachable from other machines and no API "
            f"token is configured. Set {TOKEN_ENV} (or [web] token_env) to a secret of at "
            f"least {MIN_TOKEN_CHARS} characters, or listen on 127.0.0.1."
        )


def token_matches(settings: WebSettings, given: str | None) -> bool:
    """Whether ``given`` is the configured API token (compared in constant time); False when
    no token is configured."""
    if not settings.token:
        return False
    return hmac.compare_digest((given or "").encode("utf-8"), settings.token.encode("utf-8"))
