"""The API's documentation (Swagger UI) at `/docs` and `/api/docs`, with every asset served here.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script; the app's
Content-Security-Policy allows neither. This page takes Swagger UI's files from the
`fastapi-offline` package, starts it from `static/docs.js`, and is sent with a policy of its
own that allows scripts, styles and requests from this server only.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

SWAGGER_UI_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {
    "swagger-ui-bundle.js": (SWAGGER_UI_DIR / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (SWAGGER_UI_DIR / "swagger-ui.css", "text/css"),
    "docs.js": (STATIC_DIR / "docs.js", "text/javascript"),
}
DOCS_PATHS = ("/docs", "/api/docs")
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


def docs_page(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    openapi_url = f"{root}{request.app.openapi_url}"
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(request.app.title)} API</title>
<link rel="stylesheet" href="{root}/static/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
<script src="{root}/static/docs/swagger-ui-bundle.js"></script>
<script src="{root}/static/docs/docs.js"></script>
</body>
</html>
"""
    return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_CONTENT_SECURITY_POLICY})


for _path in DOCS_PATHS:
    router.add_api_route(_path, docs_page, methods=["GET"], response_class=HTMLResponse)


@router.get("/static/docs/{name}")
def docs_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise HTTPException(404, "There is no such file.")
    path, media_type = ASSETS[name]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})
