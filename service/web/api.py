"""HTTP routes: `/v1/ask`, `/v1/consistency`, `/v1/health`."""

from __future__ import annotations

import logging
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from service.answer.pipeline import Assistant
from service.settings import Settings, get_settings
from service.web.errors import ServiceUnavailable, error_body
from service.web.schemas import AskRequest, AskResponse

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1")

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Ongeldige vraag",
        "content": {
            "application/json": {
                "example": error_body("invalid_request", "Stel een vraag: het vraagveld is leeg.")
            }
        },
    },
    503: {"description": "Index ontbreekt"},
}


def get_assistant(request: Request) -> Assistant:
    """The assistant built in the app's lifespan, or a clear 503 when there is no index."""
    assistant: Assistant | None = getattr(request.app.state, "assistant", None)
    if assistant is None:
        raise ServiceUnavailable(request.app.state.startup_error)
    return assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@router.post("/ask", response_model=AskResponse, responses=_ERRORS)
def ask(body: AskRequest, assistant: AssistantDep, settings: SettingsDep) -> AskResponse:
    """Answer a Dutch (or English) question about the report, with verbatim citations."""
    began = time.perf_counter()
    response = assistant.ask(body)
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


@router.get("/consistency")
def consistency(assistant: AssistantDep) -> list[dict[str, Any]]:
    """Places where the report's text and tables disagree, with both sources."""
    return [d.to_dict() for d in assistant.discrepancies]


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    """Whether an index is loaded, and which build."""
    assistant: Assistant | None = getattr(request.app.state, "assistant", None)
    if assistant is None:
        return {"status": "no_index", "message": request.app.state.startup_error}
    return {"status": "ok", "build_id": assistant.knowledge.build_id}
