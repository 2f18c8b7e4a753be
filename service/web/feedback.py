"""Feedback on answers: `POST /v1/feedback` stores a thumb (and later a comment) in SQLite,
`GET /v1/feedback.csv` lets staff with the token download everything.

Privacy: only what the widget sends is kept — never the asker's IP address, user agent or
question — and nothing of a feedback item is logged except its rating and sizes.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from service.render import messages
from service.settings import Settings
from service.web.api import SettingsDep
from service.web.errors import ApiError
from service.web.schemas import FeedbackRequest, FeedbackStored

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["feedback"])

CSV_COLUMNS = (
    "id",
    "created",
    "question_id",
    "rating",
    "comment",
    "route",
    "mode",
    "answer",
    "citations",
)
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id          TEXT PRIMARY KEY,
    created     INTEGER NOT NULL,  -- UTC, seconds since 1970
    question_id TEXT NOT NULL,
    rating      TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment     TEXT,
    route       TEXT,
    mode        TEXT NOT NULL,
    answer      TEXT NOT NULL,
    citations   TEXT NOT NULL      -- JSON list
)
"""
# A second post with the same id (the comment after the thumb) changes rating and comment only;
# a post without a comment keeps the one given before.
_UPSERT = """
INSERT INTO feedback (id, created, question_id, rating, comment, route, mode, answer, citations)
VALUES (:id, :created, :question_id, :rating, :comment, :route, :mode, :answer, :citations)
ON CONFLICT (id) DO UPDATE SET
    rating = excluded.rating,
    comment = COALESCE(excluded.comment, feedback.comment)
"""


class FeedbackStoreError(Exception):
    """The feedback database cannot be opened, written or read."""


class FeedbackStore:
    """Feedback items in one SQLite file; the folder and table are made on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False
        self._lock = threading.Lock()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._lock:
                if not self._ready:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    with closing(sqlite3.connect(self.path, timeout=5)) as conn, conn:
                        conn.execute(_SCHEMA)
                    self._ready = True
            with closing(sqlite3.connect(self.path, timeout=5)) as conn, conn:
                yield conn
        except (sqlite3.Error, OSError) as exc:
            raise FeedbackStoreError(f"{type(exc).__name__}: {exc}") from exc

    def save(self, item: FeedbackRequest, created: int | None = None) -> None:
        """Insert an item, or update rating and comment of the item with the same id."""
        row = item.model_dump(exclude={"citations"})
        row["citations"] = json.dumps(item.citations, ensure_ascii=False)
        row["created"] = int(time.time()) if created is None else created
        with self._connect() as conn:
            conn.execute(_UPSERT, row)

    def rows(self) -> list[dict[str, Any]]:
        """Every item, oldest first, as a dict per row keyed by `CSV_COLUMNS`."""
        with self._connect() as conn:
            cursor = conn.execute(
                f"SELECT {', '.join(CSV_COLUMNS)} FROM feedback ORDER BY created, id"
            )
            return [dict(zip(CSV_COLUMNS, values, strict=True)) for values in cursor]


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The export: one header line, then one line per item; `created` in ISO 8601 UTC."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        created = datetime.fromtimestamp(row["created"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        writer.writerow(safe_cell(created if c == "created" else row[c]) for c in CSV_COLUMNS)
    return out.getvalue()


def get_feedback_store(request: Request) -> FeedbackStore:
    """The store `create_app` put on the app."""
    store: FeedbackStore = request.app.state.feedback_store
    return store


StoreDep = Annotated[FeedbackStore, Depends(get_feedback_store)]


def _unavailable(exc: FeedbackStoreError) -> ApiError:
    log.error(
        "feedback store failed",
        extra={"error": str(exc), "hint": messages.ADMIN_FEEDBACK_UNAVAILABLE},
    )
    return ApiError(503, "feedback_unavailable", messages.ERROR_FEEDBACK_UNAVAILABLE)


def _check_token(settings: Settings, authorization: str | None) -> None:
    expected = settings.feedback_token.get_secret_value()
    if not expected:
        raise ApiError(404, "not_found", messages.ERROR_NOT_FOUND)  # switched off
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        raise ApiError(
            401,
            "unauthorized",
            messages.ERROR_FEEDBACK_TOKEN,
            headers={"WWW-Authenticate": "Bearer"},
        )


_ERRORS: dict[int | str, dict[str, Any]] = {
    503: {"description": "Feedback kan niet worden bewaard"},
}


@router.post("/feedback", status_code=201, response_model=FeedbackStored, responses=_ERRORS)
def post_feedback(body: FeedbackRequest, store: StoreDep) -> FeedbackStored:
    """Store a thumb up or down on an answer; post again with the same id to add a comment."""
    try:
        store.save(body)
    except FeedbackStoreError as exc:
        raise _unavailable(exc) from exc
    log.info(
        "feedback stored",
        extra={
            "rating": body.rating,
            "mode": body.mode,
            "route": body.route,
            "comment_chars": len(body.comment or ""),
        },
    )
    return FeedbackStored(id=body.id)


@router.get(
    "/feedback.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "Alle feedback als CSV"},
        401: {"description": "Geen of een verkeerde toegangssleutel"},
        404: {"description": "Geen toegangssleutel ingesteld: de download staat uit"},
        **_ERRORS,
    },
)
def export_feedback(
    store: StoreDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    """All feedback as CSV, for staff with `Authorization: Bearer <feedback_token>`."""
    _check_token(settings, authorization)
    try:
        rows = store.rows()
    except FeedbackStoreError as exc:
        raise _unavailable(exc) from exc
    return Response(
        to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="feedback.csv"',
            "Cache-Control": "no-store",
        },
    )
