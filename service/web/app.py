"""The FastAPI application: built by `create_app`, heavy objects made once in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from ingest.embed import ModelMissingError
from ingest.store import IndexMissingError
from service.answer.pipeline import Assistant, build_assistant
from service.render import messages
from service.settings import Settings, get_settings
from service.web.api import router
from service.web.errors import install_error_handlers

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def create_app(
    settings: Settings | None = None,
    assistant_factory: Callable[[Settings], Assistant] = build_assistant,
) -> FastAPI:
    """The app; tests pass their own settings and a factory that builds a fake-backed assistant."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.assistant = None
        app.state.startup_error = messages.ERROR_INDEX_MISSING
        try:
            app.state.assistant = assistant_factory(settings)
        except (IndexMissingError, ModelMissingError) as exc:
            # Serve anyway, so /v1/health and every /v1/ask say clearly what to do.
            app.state.startup_error = messages.ERROR_INDEX_MISSING
            log.error("no index loaded: %s", exc)
        yield

    app = FastAPI(
        title="Vraagbaak jaarverslagen",
        description="Vragen over gemeentelijke jaarverslagen, met letterlijke bronnen.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.dependency_overrides[get_settings] = lambda: settings
    install_error_handlers(app)
    app.include_router(router)
    if STATIC.is_dir():
        app.mount("/widget", StaticFiles(directory=STATIC, html=True), name="widget")

        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse("/widget/")

    return app
