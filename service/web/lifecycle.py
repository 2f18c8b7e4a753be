"""The index lifecycle of a running service: switch to a new build when ingest publishes it.

    ingest ──publish──▶ index/current ◀── IndexWatcher: a look every `reload_interval_seconds`
                                      ◀── POST /v1/admin/reload: the same, synchronously
    new Assistant built beside the served one ──one assignment──▶ app.state.assistant

A request holds its own reference to the assistant it started with, so a switch fails
none of them; the old build's vectors are let go once no request uses it any more
(`ingest.store.release_when_unused`). A build that fails to load is logged and the served
one stays. While it serves a build the process holds a lease on it (`ingest.store.Lease`),
so ingest never removes it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request

from ingest import store
from service.answer.pipeline import Assistant
from service.settings import Settings, get_settings
from service.web.errors import ApiError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/admin")

# Administrator-facing texts of the reload endpoint.
ERROR_ADMIN_TOKEN = "U heeft geen toegang tot het beheer. Gebruik de juiste beheersleutel."
ERROR_RELOAD_FAILED = (
    "De nieuwe index kon niet worden geladen; de vorige blijft in gebruik. Reden: {reason}"
)
ERROR_NOT_FOUND = "Deze pagina bestaat niet."
# A build that failed to load is tried again after this long, even if `current` stays put.
RETRY_FAILED_SECONDS = 60.0

Loader = Callable[[Assistant | None], Assistant]


@dataclass(frozen=True)
class ReloadOutcome:
    """What a look at `current` did: `switched`, `unchanged` or `failed` (with the reason)."""

    status: str
    build_id: str | None  # the build served afterwards
    previous: str | None = None
    target: str | None = None
    reason: str = ""


class IndexLifecycle:
    """Keeps `state.assistant` on the build `index/current` points at.

    `load` builds an assistant for the current build; it gets the served assistant (or
    None) so it can reuse its embedding model instead of loading it again.
    """

    def __init__(self, state: Any, settings: Settings, load: Loader) -> None:
        self.state = state
        self.index_dir = Path(settings.index_dir)
        self.interval = settings.reload_interval_seconds
        self.load = load
        self.lease = store.Lease(self.index_dir)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failed: tuple[str | None, float] | None = None

    @property
    def served(self) -> str | None:
        """The id of the build being served, or None."""
        assistant: Assistant | None = getattr(self.state, "assistant", None)
        return assistant.knowledge.build_id if assistant is not None else None

    def reload(self) -> ReloadOutcome:
        """Load the build `current` points at and swap it in, unless it is already served."""
        with self._lock:
            previous = self.served
            target = store.current_build_id(self.index_dir)
            if target is not None and target == previous:
                return ReloadOutcome("unchanged", previous, previous, target)
            # Claimed before loading, so an ingest cannot remove it halfway through.
            self.lease.hold({previous or "", target or ""})
            try:
                assistant = self.load(self.state.assistant)
            except Exception as exc:
                self._failed = (target, time.monotonic())
                self.lease.hold({previous or ""})
                log.error(
                    "index reload failed, still serving the previous build",
                    extra={"build_id": target, "served": previous, "error": str(exc)},
                    exc_info=not isinstance(exc, store.IndexMissingError),
                )
                return ReloadOutcome("failed", previous, previous, target, str(exc))
            # One assignment: a request reads either the old assistant or the new one.
            self.state.assistant = assistant
            self._failed = None
            loaded = assistant.knowledge.build_id
            self.lease.hold({loaded})
            log.info("index switched", extra={"build_id": loaded, "previous": previous})
            return ReloadOutcome("switched", loaded, previous, target)

    def check(self) -> ReloadOutcome | None:
        """Reload when `current` moved (one `readlink`); a build that failed waits a while."""
        target = store.current_build_id(self.index_dir)
        if target is None or target == self.served:
            return None
        failed = self._failed
        waiting = failed is not None and failed[0] == target
        if waiting and failed and time.monotonic() - failed[1] < RETRY_FAILED_SECONDS:
            return None
        return self.reload()

    def start(self) -> None:
        """Hold a lease on the served build and start watching `current` in a thread."""
        self.lease.hold({self.served or ""})
        self._thread = threading.Thread(target=self._run, name="index-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and give up the leases."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.lease.release()

    def _run(self) -> None:
        # With the watcher off the thread still renews the lease.
        tick = self.interval if self.interval > 0 else store.LEASE_RENEW_SECONDS
        renewed = time.monotonic()
        while not self._stop.wait(tick):
            try:
                if self.interval > 0:
                    self.check()
                if time.monotonic() - renewed >= min(store.LEASE_RENEW_SECONDS, tick):
                    self.lease.hold(self.lease.held or {self.served or ""})
                    renewed = time.monotonic()
            except Exception:  # the watcher must outlive any one bad look
                log.exception("index watcher failed")


def _lifecycle(request: Request) -> IndexLifecycle:
    lifecycle: IndexLifecycle | None = getattr(request.app.state, "lifecycle", None)
    if lifecycle is None:
        raise ApiError(503, "index_missing", ERROR_RELOAD_FAILED.format(reason="niet gestart"))
    return lifecycle


def _check_admin(settings: Settings, authorization: str | None) -> None:
    expected = settings.admin_token.get_secret_value()
    if not expected:
        raise ApiError(404, "not_found", ERROR_NOT_FOUND)  # switched off
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        raise ApiError(401, "unauthorized", ERROR_ADMIN_TOKEN, {"WWW-Authenticate": "Bearer"})


@router.post(
    "/reload",
    responses={
        401: {"description": "Geen of een verkeerde beheersleutel"},
        404: {"description": "Geen beheersleutel ingesteld: het beheer staat uit"},
        503: {"description": "De nieuwe index kon niet worden geladen; de vorige blijft"},
    },
)
def reload_index(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, str | None]:
    """Switch to the build `index/current` points at now, for staff with the admin token."""
    _check_admin(settings, authorization)
    outcome = _lifecycle(request).reload()
    if outcome.status == "failed":
        raise ApiError(503, "reload_failed", ERROR_RELOAD_FAILED.format(reason=outcome.reason))
    return {"status": outcome.status, "build_id": outcome.build_id, "previous": outcome.previous}
