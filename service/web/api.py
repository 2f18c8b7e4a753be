"""HTTP routes: `/v1/ask`, `/v1/suggestions`, `/v1/consistency`, `/v1/health`, and the
orchestrator's probes `/healthz` (alive) and `/readyz` (model and index loaded)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from service.answer.pipeline import Assistant
from service.core.numbers import format_number
from service.render import messages
from service.settings import Settings, get_settings
from service.web.errors import ApiError, ServiceUnavailable, error_body
from service.web.schemas import AskRequest, AskResponse, ErrorResponse, Suggestion, Suggestions

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1")
probes = APIRouter()


def _error(description: str, example: dict[str, Any] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"example": example}} if example else {}
    return {"model": ErrorResponse, "description": description, "content": content}


# Every route can answer these: from the middlewares (hardening, CORS) or the error handlers.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    403: _error("Deze website mag de vraagbaak niet gebruiken (CORS)"),
    413: _error("De aanvraag is te groot"),
    422: _error(
        "Ongeldige aanvraag",
        error_body("invalid_request", "Stel een vraag: het vraagveld is leeg."),
    ),
    429: _error("Te veel aanvragen kort na elkaar; zie Retry-After"),
    500: _error("Onverwachte fout"),
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    **COMMON_ERRORS,
    503: _error(
        "De vraagbaak is niet bereikbaar (geen model of index), of het antwoord duurt te lang"
    ),
}
# Questions are answered here, not in the server's shared thread pool: a question that runs
# past its budget keeps its thread until it finishes, and a small pool caps how many such
# threads there can be (the rest wait in line, which counts against their own budget).
_ANSWER_THREADS = 4
_answer_pool: ThreadPoolExecutor | None = None


def answer_pool() -> ThreadPoolExecutor:
    """The worker threads that answer questions, made on first use."""
    global _answer_pool
    if _answer_pool is None:
        _answer_pool = ThreadPoolExecutor(_ANSWER_THREADS, thread_name_prefix="answer")
    return _answer_pool


def get_assistant(request: Request) -> Assistant:
    """The assistant built in the app's lifespan, or a 503 that tells people to come back
    later (what an administrator should do is in the log and at /readyz)."""
    assistant: Assistant | None = getattr(request.app.state, "assistant", None)
    if assistant is None:
        raise ServiceUnavailable(messages.ERROR_UNAVAILABLE)
    return assistant


def question_id(request: AskRequest) -> str:
    """The same id for the same question in the same conversation (never the text itself)."""
    turns = [[t.role, " ".join(t.content.split())] for t in request.history]
    key = json.dumps([" ".join(request.question.split()), turns], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def check_history(request: AskRequest, limit: int) -> None:
    """A 422 when the earlier turns together are longer than `limit` characters."""
    if sum(len(turn.content) for turn in request.history) > limit:
        raise ApiError(
            422,
            "invalid_request",
            messages.ERROR_HISTORY_CHARS.format(limit=format_number(Decimal(limit))),
            details=[{"field": "history", "type": "too_long"}],
        )


async def answer_in_time(assistant: Assistant, request: AskRequest, seconds: float) -> AskResponse:
    """The assistant's answer, or a 503 once `seconds` have passed.

    Python cannot stop a thread: a question past its budget keeps computing in the
    background and its answer is dropped; the client is not kept waiting for it.
    """
    future = answer_pool().submit(assistant.ask, request)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), seconds)
    except TimeoutError:
        future.cancel()  # still waiting for a thread: never starts
        log.warning(
            "answer took too long",
            extra={"seconds": seconds, "question_chars": len(request.question)},
        )
        raise ApiError(503, "answer_timeout", messages.ERROR_TIMEOUT) from None


@router.post("/ask", response_model=AskResponse, responses=_ERRORS)
async def ask(body: AskRequest, assistant: AssistantDep, settings: SettingsDep) -> AskResponse:
    """Answer a Dutch (or English) question about the report, with verbatim citations."""
    check_history(body, settings.max_history_chars)
    began = time.perf_counter()
    response = await answer_in_time(assistant, body, settings.answer_timeout_seconds)
    response.question_id = question_id(body)
    fields: dict[str, Any] = {
        "route": response.route,
        "citations": len(response.citations),
        "question_chars": len(body.question),
        "turns": len(body.history),
        "ms": round((time.perf_counter() - began) * 1000, 1),
    }
    if settings.log_questions:
        fields["question"] = body.question
    log.info("answered", extra=fields)
    return response


@router.get("/suggestions", response_model=Suggestions, responses=_ERRORS)
def suggestions(assistant: AssistantDep) -> Suggestions:
    """A few questions per report that the vraagbaak answers, for an empty conversation."""
    return Suggestions(
        suggestions=[
            Suggestion(question=s.question, document=s.document, title=s.title)
            for s in assistant.suggestions()
        ]
    )


@router.get("/consistency", responses=_ERRORS)
def consistency(assistant: AssistantDep) -> list[dict[str, Any]]:
    """Places where the report's text and tables disagree, with both sources."""
    return [d.to_dict() for d in assistant.discrepancies]


@router.get("/health", responses=COMMON_ERRORS)
def health(request: Request) -> dict[str, Any]:
    """Whether an index is loaded, and which build."""
    assistant: Assistant | None = getattr(request.app.state, "assistant", None)
    if assistant is None:
        return {"status": "no_index", "message": messages.ERROR_UNAVAILABLE}
    return {"status": "ok", "build_id": assistant.knowledge.build_id}


@probes.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    """Alive: the process answers HTTP."""
    return {"status": "alive"}


@probes.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """Ready: model and index are loaded; otherwise 503 with what an administrator should do."""
    assistant: Assistant | None = getattr(request.app.state, "assistant", None)
    if assistant is None:
        reason = request.app.state.startup_error
        return JSONResponse({"status": "not_ready", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ready", "build_id": assistant.knowledge.build_id})
