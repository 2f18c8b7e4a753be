"""Which other websites may call the API from a browser: an allowlist of origins.

A request without `Origin`, or from the service's own pages, passes untouched. A listed
origin gets `Access-Control-Allow-Origin` (never credentials) and its preflights a 204. Any
other origin is refused with a 403 in the one error shape, except GET/HEAD of files outside
`/v1/`: the widget's script and stylesheet stay open to every page.

A small ASGI middleware rather than Starlette's CORSMiddleware, which lets an unknown origin's
request through (the browser only hides the answer) and answers refused preflights in plain
text; here an unknown site's request never reaches the assistant.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.render import messages
from service.settings import normalise_origin
from service.web.errors import error_body

log = logging.getLogger(__name__)

API_PREFIX = "/v1"
ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Content-Type, Authorization"  # only the headers the API reads
MAX_AGE_SECONDS = "600"
_DEFAULT_PORT = {"http": "80", "https": "443"}


def is_api_path(path: str) -> bool:
    """Whether a path belongs to the API (always guarded) rather than to the static files."""
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def is_same_origin(origin: str, host: str) -> bool:
    """Whether a normalised origin names the host the request was sent to.

    Compares host and port only: behind a proxy that ends TLS the app sees http while the
    browser sends `Origin: https://…`, and the service's own widget must keep working there.
    """
    scheme, _, authority = origin.partition("://")
    host = host.strip().lower()
    default = ":" + _DEFAULT_PORT.get(scheme, "")
    if host.endswith(default):
        host = host[: -len(default)]
    return bool(host) and authority == host


class CorsAllowlist:
    """ASGI middleware: cross-origin access only for the origins in the allowlist."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()) -> None:
        self.app = app
        self.origins = frozenset(normalise_origin(o) for o in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        raw_origin = headers.get("origin")
        if raw_origin is None:
            await self.app(scope, receive, send)
            return
        try:
            origin = normalise_origin(raw_origin)
        except ValueError:
            origin = ""  # "null" (sandboxed frames, file://) or garbage: never listed
        if origin and is_same_origin(origin, headers.get("host", "")):
            await self.app(scope, receive, send)
            return

        method, path = scope["method"], scope["path"]
        allowed = origin in self.origins
        is_preflight = method == "OPTIONS" and "access-control-request-method" in headers
        if allowed and is_preflight:
            await self._preflight(origin)(scope, receive, send)
        elif allowed:
            await self.app(scope, receive, self._with_cors_headers(send, origin))
        elif method in {"GET", "HEAD"} and not is_api_path(path):
            await self.app(scope, receive, send)
        else:
            log.info("origin refused", extra={"origin": raw_origin[:200], "path": path})
            body = error_body("origin_not_allowed", messages.ERROR_ORIGIN_NOT_ALLOWED)
            await JSONResponse(body, 403, headers={"Vary": "Origin"})(scope, receive, send)

    @staticmethod
    def _preflight(origin: str) -> Response:
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ALLOW_METHODS,
                "Access-Control-Allow-Headers": ALLOW_HEADERS,
                "Access-Control-Max-Age": MAX_AGE_SECONDS,
                "Vary": "Origin",
            },
        )

    @staticmethod
    def _with_cors_headers(send: Send, origin: str) -> Send:
        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Access-Control-Allow-Origin"] = origin
                headers.add_vary_header("Origin")
            await send(message)

        return send_with_cors
