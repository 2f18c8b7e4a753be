"""The FastAPI application: built by `create_app`, heavy objects made once in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from ingest.embed import ModelMissingError
from ingest.store import IndexMissingError
from service.answer.pipeline import Assistant, build_assistant
from service.render import messages
from service.settings import Settings, get_settings
from service.web import documents, feedback, lifecycle
from service.web.api import probes, router
from service.web.cors import CorsAllowlist
from service.web.docs import install_docs
from service.web.errors import install_error_handlers
from service.web.hardening import BodyLimit, RateLimit, SecurityHeaders

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
        app.state.startup_error = messages.ADMIN_INDEX_MISSING

        def load(served: Assistant | None) -> Assistant:
            if served is not None and assistant_factory is build_assistant:
                # A new build needs no new model: reuse the one loaded at start.
                return build_assistant(settings, embeddings=served.embeddings)
            return assistant_factory(settings)

        try:
            app.state.assistant = load(None)
        except (IndexMissingError, ModelMissingError) as exc:
            # Serve anyway: people get "come back later", administrators the reason (in the
            # log and at /readyz), whether the model or the index is missing.
            app.state.startup_error = str(exc)
            log.error("not ready: %s", exc)
        # Switches to each build ingest publishes, in a thread beside the requests.
        app.state.lifecycle = lifecycle.IndexLifecycle(app.state, settings, load)
        app.state.lifecycle.start()
        try:
            yield
        finally:
            app.state.lifecycle.stop()

    app = FastAPI(
        title="Vraagbaak jaarverslagen",
        description="Vragen over gemeentelijke jaarverslagen, met letterlijke bronnen.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served from local files by install_docs, never from a CDN
        redoc_url=None,
    )
    app.dependency_overrides[get_settings] = lambda: settings
    app.state.feedback_store = feedback.FeedbackStore(settings.feedback_db)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RateLimit, rate=settings.rate_limit)
    app.add_middleware(CorsAllowlist, origins=settings.cors_origins)
    app.add_middleware(SecurityHeaders, origins=settings.cors_origins)
    install_error_handlers(app)
    install_docs(app)
    app.include_router(router)
    app.include_router(documents.router)
    app.include_router(feedback.router)
    app.include_router(lifecycle.router)
    app.include_router(probes)
    if STATIC.is_dir():
        app.mount("/widget", StaticFiles(directory=STATIC, html=True), name="widget")

        # The one-tag embed: <script src="https://host/widget.js" data-api="https://host">.
        @app.get("/widget.js", include_in_schema=False)
        def widget_script() -> FileResponse:
            return FileResponse(STATIC / "widget.js", media_type="text/javascript")

        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse("/widget/")

    return app
