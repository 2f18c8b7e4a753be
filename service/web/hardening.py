"""Protection at the edge of the app, before a request reaches a route.

Three small ASGI middlewares, registered around the CORS allowlist by `create_app`:

* `SecurityHeaders` (outermost) puts a Content-Security-Policy, `nosniff` and
  `no-referrer` on every response — errors, static files and 404s too — and drops any
  `server` header. Its `frame-ancestors` is the CORS allowlist plus the service itself.
* `RateLimit` gives each client address a token bucket for `/v1/`; an empty bucket is a 429
  with `Retry-After`. Buckets live in memory only, keyed by a salted hash of the address,
  and no address is ever logged.
* `BodyLimit` refuses a body larger than `max_body_bytes` with a 413 before anything parses
  it: at once by `Content-Length`, or while counting a streamed (chunked) body.

All refusals use the one error shape with a Dutch message.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.render import messages
from service.settings import normalise_origin
from service.web.cors import is_api_path
from service.web.errors import error_body

# The widget page, its files and the report pages (../../widget/page.css) need nothing but
# the service's own scripts, styles and API: no inline code, no other host.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'"
)
# Swagger UI starts from an inline script (allowed by its hash, computed per response) and
# ReDoc inserts <style> elements and a search worker at run time.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; form-action 'self'; base-uri 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc"})
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S | re.I)
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
MAX_CLIENTS = 10_000  # buckets kept before idle ones are dropped


def frame_ancestors(origins: Iterable[str]) -> str:
    """The `frame-ancestors` directive: the service itself and the CORS allowlist."""
    listed = sorted({normalise_origin(o) for o in origins})
    return "frame-ancestors " + " ".join(["'self'", *listed])


def script_hashes(html: bytes) -> str:
    """CSP sources for the inline scripts of a page: `'sha256-…'` for each."""
    digests = (hashlib.sha256(m.group(1)).digest() for m in _INLINE_SCRIPT.finditer(html))
    return " ".join(f"'sha256-{base64.b64encode(d).decode()}'" for d in digests)


def _local_path(scope: Scope) -> str:
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _secure(message: Message, policy: str) -> None:
    headers = MutableHeaders(scope=message)
    del headers["server"]
    headers["Content-Security-Policy"] = policy
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"


class SecurityHeaders:
    """ASGI middleware: security headers on every response, and a 500 in the error shape
    (with the same headers) when a route fails before it answered."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()) -> None:
        self.app = app
        ancestors = frame_ancestors(origins)
        self.page_policy = f"{PAGE_POLICY}; {ancestors}"
        self.docs_policy = f"{DOCS_POLICY}; {ancestors}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = _local_path(scope) in DOCS_PATHS
        started = False
        held: Message | None = None  # a docs page's start, sent once its body is known
        body = b""

        async def send_secured(message: Message) -> None:
            nonlocal started, held, body
            if message["type"] == "http.response.start":
                started = True
                if docs:
                    held = message
                    return
                _secure(message, self.page_policy)
            elif held is not None and message["type"] == "http.response.body":
                body += message.get("body", b"")
                if message.get("more_body", False):
                    return
                start, held = held, None
                _secure(start, self.docs_policy.format(hashes=script_hashes(body)))
                await send(start)
                message = {**message, "body": body}
            await send(message)

        try:
            await self.app(scope, receive, send_secured)
        except Exception:
            # ServerErrorMiddleware (outside this one) logs the error and answers only when
            # nothing was sent; answering here puts the headers on that 500 as well.
            if not started:
                docs = False
                response = JSONResponse(error_body("internal_error", messages.ERROR_INTERNAL), 500)
                await response(scope, receive, send_secured)
            raise


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` is a 413, never read any further."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is None and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body at all
            return
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        # Read the whole body here (it is small by now), counting, so that a chunked body or
        # a Content-Length that lies cannot send more than the limit to the parser.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away; there is nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = max(1, self.max_bytes // 1000)
        body = error_body("request_too_large", messages.ERROR_BODY_TOO_LARGE.format(limit=limit))
        # The rest of the body is never read, so the connection cannot be used again.
        await JSONResponse(body, 413, headers={"Connection": "close"})(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands over the buffered body once, then waits for a disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


@dataclass(frozen=True)
class Rate:
    """`requests` per `seconds`, e.g. 60 per 60."""

    requests: int
    seconds: int


def parse_rate(text: str) -> Rate | None:
    """ "60/minute" → Rate(60, 60); empty → None (no limit). Raises ValueError otherwise."""
    if not text.strip():
        return None
    match = _RATE.match(text)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"not a rate such as '60/minute': {text!r}")
    return Rate(int(match.group(1)), _PERIODS[match.group(2)])


@dataclass
class _Bucket:
    tokens: float
    seen: float


class TokenBuckets:
    """A bucket per client that holds `rate.requests` tokens and refills evenly over
    `rate.seconds`; a request takes one. Only used from the event loop, so needs no lock."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.per_second = rate.requests / rate.seconds
        self.clock = clock
        self.buckets: dict[bytes, _Bucket] = {}

    def take(self, key: bytes) -> float:
        """0 when the client may go ahead (a token is taken), else the seconds to wait."""
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            self._make_room(now)
            bucket = self.buckets[key] = _Bucket(float(self.rate.requests), now)
        bucket.tokens = min(
            float(self.rate.requests), bucket.tokens + (now - bucket.seen) * self.per_second
        )
        bucket.seen = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.per_second

    def _make_room(self, now: float) -> None:
        if len(self.buckets) < MAX_CLIENTS:
            return
        # A bucket untouched for a whole period is full again: forgetting it changes nothing.
        idle = [k for k, b in self.buckets.items() if now - b.seen >= self.rate.seconds]
        for key in idle:
            del self.buckets[key]
        if len(self.buckets) >= MAX_CLIENTS:
            self.buckets.clear()  # a flood of addresses: start over rather than grow


class RateLimit:
    """ASGI middleware: at most `rate` requests to `/v1/` per client address; then a 429
    with `Retry-After`. Off when `rate` is empty. Preflights and static files are free."""

    def __init__(self, app: ASGIApp, rate: str = "") -> None:
        self.app = app
        parsed = parse_rate(rate)
        self.buckets = TokenBuckets(parsed) if parsed is not None else None
        # Addresses are hashed with a secret made at start, so the buckets hold no address.
        self._salt = secrets.token_bytes(16)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.buckets is None
            or scope["type"] != "http"
            or scope["method"] == "OPTIONS"
            or not is_api_path(_local_path(scope))
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else ""
        key = hashlib.blake2b(address.encode(), key=self._salt, digest_size=16).digest()
        wait = self.buckets.take(key)
        if not wait:
            await self.app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        body = error_body("rate_limited", messages.ERROR_RATE_LIMITED.format(seconds=seconds))
        await JSONResponse(body, 429, headers={"Retry-After": str(seconds)})(scope, receive, send)
