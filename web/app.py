"""The web application: the archive opened read-only, the API, the pages and the feeds.

`create_app` is what `regwatch serve` (the scheduler) and `regwatch web` start. The web
process reads the archive on `query_only` SQLite connections and read-only PostgreSQL
sessions; triggering a crawl goes through `web.crawls`, and the one thing it writes itself,
sources kept in the archive, through `web.sessions.writer_session` behind the API token.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from config import Config
from storage.db import create_read_only_engine, database_url, open_archive
from web import api, docs, feeds, home, pages, sourcepages
from web.crawls import CrawlStarter, CrawlTrigger
from web.settings import WebSettings, web_settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Scripts never run on these pages (they need none), whatever archived content holds.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def create_app(
    database_url_: str | None,
    config: Config | None,
    *,
    settings: WebSettings | None = None,
    crawl_trigger: CrawlTrigger | None = None,
) -> FastAPI:
    """The ASGI app over the archive at ``database_url_`` (migrated first if needed).

    ``settings`` default to the config's ``[web]`` table; ``crawl_trigger`` to starting
    `regwatch crawl` in a child process, as the scheduler does.
    """
    url = database_url(database_url_)
    settings = settings or web_settings(config)
    open_archive(url).dispose()
    engine = create_read_only_engine(url)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    app = FastAPI(
        title="regwatch",
        summary="What regulators published, as archived by regwatch: notices, versions, "
        "figures, platforms, change events and source health.",
        version="1",
        # web.docs serves the documentation, with its assets, at /docs and /api/docs.
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.database_url = url
    app.state.writer_guard = threading.Lock()
    app.state.sessions = sessions
    app.state.settings = settings
    app.state.config = config
    app.state.crawls = crawl_trigger or CrawlStarter(config, url)
    app.include_router(api.router)
    app.include_router(home.router)
    app.include_router(sourcepages.router)
    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.include_router(docs.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or exc.status_code == 401:
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return pages.error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": _plain_errors(exc)}, status_code=422)
        message = "; ".join(
            f"{'.'.join(str(part) for part in error.get('loc', ())[1:])}: {error.get('msg')}"
            for error in exc.errors()
        )
        return pages.error_page(request, 422, message)

    @app.get("/static/style.css", include_in_schema=False)
    def stylesheet() -> Response:
        return PlainTextResponse(
            (STATIC_DIR / "style.css").read_text(encoding="utf-8"),
            media_type="text/css",
            headers={"Cache-Control": "max-age=3600"},
        )

    return app


def _plain_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Validation errors can carry the offending input; keep only JSON-safe text.
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors()
    ]
