"""HTTP routes: `/v1/ask`, `/v1/suggestions`, `/v1/consistency`, `/v1/health`, and the
orchestrator's probes `/healthz` (alive) and `/readyz` (model and index loaded)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from service.answer.pipeline import Assistant
from service.render import messages
from service.settings import Settings, get_settings
from service.web.errors import ServiceUnavailable, error_body
from service.web.schemas import AskRequest, AskResponse, Suggestion, Suggestions

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1")
probes = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Ongeldige vraag",
        "content": {
            "application/json": {
                "example": error_body("invalid_request", "Stel een vraag: het vraagveld is leeg.")
            }
        },
    },
    503: {"description": "De vraagbaak is niet bereikbaar (geen model of index)"},
}


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


@router.post("/ask", response_model=AskResponse, responses=_ERRORS)
def ask(body: AskRequest, assistant: AssistantDep, settings: SettingsDep) -> AskResponse:
    """Answer a Dutch (or English) question about the report, with verbatim citations."""
    began = time.perf_counter()
    response = assistant.ask(body)
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


@router.get("/consistency")
def consistency(assistant: AssistantDep) -> list[dict[str, Any]]:
    """Places where the report's text and tables disagree, with both sources."""
    return [d.to_dict() for d in assistant.discrepancies]


@router.get("/health")
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
