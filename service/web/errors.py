"""One error shape for every failure: `{"error": {"code", "message", "details"}}`.

Messages are Dutch and plain; a validation error is a 422, a missing index a 503, and an
unexpected failure a 500 with the same shape (never a stack trace, never a 200).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.render import messages
from service.web.schemas import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A failure a route reports itself: its status, code, Dutch message, extra headers and
    (for a request that is wrong) which fields are wrong."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: Mapping[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})
        self.details = list(details or [])


class ServiceUnavailable(ApiError):
    """The service cannot answer yet (no model or index): a 503 that says to come back later."""

    def __init__(self, message: str) -> None:
        super().__init__(503, "index_missing", message)


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The single error shape of the API."""
    return {"error": {"code": code, "message": message, "details": details or []}}


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p != "body"]
    return ".".join(parts) or "body"


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """A Dutch sentence for the first validation problem of a request."""
    if not errors:
        return messages.ERROR_VALIDATION.format(detail="onbekende fout")
    first = errors[0]
    kind, loc = first.get("type", ""), tuple(first.get("loc", ()))
    field = _field(loc)
    if kind == "json_invalid":
        return messages.ERROR_BAD_JSON
    if field == "question" and kind in {"string_too_short", "missing", "value_error"}:
        return messages.ERROR_EMPTY_QUESTION
    if field == "question" and kind == "string_too_long":
        return messages.ERROR_TOO_LONG.format(limit=MAX_QUESTION_CHARS)
    if field == "history" and kind == "too_long":
        return messages.ERROR_HISTORY_TOO_LONG.format(limit=MAX_HISTORY_TURNS)
    if kind == "missing":
        return messages.ERROR_VALIDATION.format(detail=f"het veld '{field}' ontbreekt.")
    if kind == "extra_forbidden":
        return messages.ERROR_VALIDATION.format(detail=f"het veld '{field}' is onbekend.")
    context = first.get("ctx") or {}
    if kind == "literal_error":
        # pydantic's "'up' or 'down'" becomes "'up' of 'down'".
        expected = str(context.get("expected", "")).replace(" or ", " of ")
        return messages.ERROR_VALIDATION.format(detail=f"'{field}' moet {expected} zijn.")
    if kind == "string_too_long" and "max_length" in context:
        return messages.ERROR_FIELD_TOO_LONG.format(field=field, limit=context["max_length"])
    if kind == "too_long" and "max_length" in context:
        return messages.ERROR_FIELD_TOO_MANY.format(field=field, limit=context["max_length"])
    if kind in {"string_pattern_mismatch", "string_too_short", "value_error"}:
        return messages.ERROR_FIELD_INVALID.format(field=field)
    return messages.ERROR_WRONG_TYPE.format(field=field)


def _details(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"field": _field(tuple(e.get("loc", ()))), "type": e.get("type", "")} for e in errors]


def http_error(exc: StarletteHTTPException, method: str) -> tuple[int, str, str]:
    """Status, code and Dutch message for an error the framework raised itself.

    Their `detail` is English ("Method Not Allowed", "There was an error parsing the body"),
    so it is never shown. A body FastAPI could not read is a 422 like invalid JSON.
    """
    status = exc.status_code
    if status == 404:
        return 404, "not_found", messages.ERROR_NOT_FOUND
    if status == 405:
        return 405, "method_not_allowed", messages.ERROR_METHOD_NOT_ALLOWED.format(method=method)
    if status == 400:
        # FastAPI wraps what broke while reading the body; JSON that is no UTF-8 is one case.
        if isinstance(exc.__cause__, UnicodeDecodeError):
            return 422, "invalid_request", messages.ERROR_BAD_ENCODING
        return 422, "invalid_request", messages.ERROR_BAD_JSON
    if status < 500:
        return status, "http_error", messages.ERROR_BAD_REQUEST
    return status, "http_error", messages.ERROR_INTERNAL


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through the one error shape."""

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        body = error_body("invalid_request", validation_message(errors), _details(errors))
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status, code, message = http_error(exc, request.method)
        return JSONResponse(error_body(code, message), status, headers=exc.headers)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        body = error_body(exc.code, exc.message, exc.details)
        return JSONResponse(body, exc.status, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return JSONResponse(error_body("internal_error", messages.ERROR_INTERNAL), 500)
