"""Typed values at the API boundary: the request, the answer and its citations."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

Route = Literal["text", "table", "refusal"]

MAX_QUESTION_CHARS = 1000
MAX_HISTORY_TURNS = 20


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
    explain: bool = Field(
        default=False, description="Also return how the question was understood (the frame)."
    )

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("question is blank")
        return value


class Citation(BaseModel):
    """A verbatim passage of a report: `quote == source[start:end]` of document `document`.

    `title` names the report for people; `table_row` is set for a cited table row: the
    row as it reads with its table's title and column headers ("Tabel 3.1 … — Bloemendaal:
    Koop Lopende casuïstiek 4, …"), since a bare row of figures means little on its own.
    """

    id: int
    document: str
    title: str = ""
    section: str
    quote: str
    start: int
    end: int
    table_row: str | None = None


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
    frame: dict[str, Any] | None = Field(
        default=None, description="How the question was understood; only with `explain`."
    )
