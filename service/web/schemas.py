"""Typed values at the API boundary: the request, the answer and its citations."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, field_validator

Route = Literal["text", "table", "refusal"]

MAX_QUESTION_CHARS = 1000
MAX_HISTORY_TURNS = 20
MAX_COMMENT_CHARS = 1000
MAX_ANSWER_CHARS = 20_000
MAX_CITATIONS = 20
MAX_CITATIONS_JSON_CHARS = 100_000  # 20 citations with long quotes fit easily


class Turn(BaseModel):
    """One earlier turn of the conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: StrictStr = Field(max_length=4 * MAX_QUESTION_CHARS)


class AskRequest(BaseModel):
    """A question, optionally with the earlier turns of the conversation."""

    model_config = ConfigDict(extra="forbid")

    question: StrictStr = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    explain: StrictBool = Field(
        default=False, description="Also return how the question was understood (the frame)."
    )

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("question is blank")
        return value


class TableCell(BaseModel):
    """One value of a cited row under its column header, both as printed."""

    column: str
    value: str


class TableSource(BaseModel):
    """A cited table row laid out for people: the table's title, the header above the row
    labels, the row's label and each value under its column header."""

    title: str
    unit: str = Field(default="", description="How the figures read, e.g. 'bedragen x € 1.000'.")
    stub: str = Field(default="", description="The header above the row labels, e.g. 'Wijk'.")
    row: str
    cells: list[TableCell]


class Citation(BaseModel):
    """A verbatim passage of a report: `quote == source[start:end]` of document `document`.

    `title` names the report for people; `table_row` is set for a cited table row: the
    row as it reads with its table's title and column headers ("Tabel 3.1 … — Bloemendaal:
    Koop Lopende casuïstiek 4, …"), since a bare row of figures means little on its own;
    `table` is the same row as a small table.
    """

    id: int
    document: str
    title: str = ""
    section: str
    quote: str
    start: int
    end: int
    table_row: str | None = None
    table: TableSource | None = None


class PartSummary(BaseModel):
    """One part of a question with several parts: how it was read and how it went."""

    question: str
    route: Route
    answered: bool


class AskResponse(BaseModel):
    """The answer with its route and the passages it rests on."""

    answer: str
    route: Route
    citations: list[Citation] = Field(default_factory=list)
    resolved_question: str | None = None
    language: Literal["nl", "en"] = "nl"
    parts: list[PartSummary] = Field(default_factory=list)
    inconsistencies: list[str] = Field(
        default_factory=list,
        description="Where the report's text and tables disagree about a cited passage.",
    )
    question_id: str = Field(
        default="", description="The same for the same question and conversation; for feedback."
    )
    frame: dict[str, Any] | None = Field(
        default=None, description="How the question was understood; only with `explain`."
    )


class Suggestion(BaseModel):
    """A question the vraagbaak answers, to offer in an empty conversation."""

    question: str
    document: str
    title: str


class Suggestions(BaseModel):
    """A few suggested questions per report, newest report first."""

    suggestions: list[Suggestion]


class FeedbackRequest(BaseModel):
    """A thumb up or down on one answer, with an optional comment."""

    model_config = ConfigDict(extra="forbid")

    id: StrictStr = Field(
        pattern=r"^[A-Za-z0-9-]{8,64}$",
        description="Made by the client; a second post with the same id updates the first.",
    )
    question_id: StrictStr = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: StrictStr | None = Field(default=None, max_length=MAX_COMMENT_CHARS)
    answer: StrictStr = Field(max_length=MAX_ANSWER_CHARS)
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_CITATIONS)
    route: StrictStr | None = Field(default=None, max_length=20)
    mode: Literal["citizen", "staff"] = "citizen"

    @field_validator("comment")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return (value.strip() or None) if value is not None else None

    @field_validator("citations")
    @classmethod
    def _not_too_big(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(json.dumps(value, ensure_ascii=False)) > MAX_CITATIONS_JSON_CHARS:
            raise ValueError("citations are too large")
        return value


class FeedbackStored(BaseModel):
    """The answer to a stored feedback item."""

    id: str
    stored: bool = True


class ErrorDetail(BaseModel):
    """What was wrong with one field of a request."""

    field: str
    type: str


class ErrorInfo(BaseModel):
    """A machine-readable code, a Dutch sentence for people, and the fields at fault."""

    code: str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    error: ErrorInfo
