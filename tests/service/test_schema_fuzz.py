"""The API against its own OpenAPI schema: schemathesis sends generated requests (valid and
invalid) to every operation of the fake-index app; no answer may be a 5xx, every answer must
match the schema, and an answer to a question is never empty.

Bounded and deterministic: a fixed number of examples per operation, derandomized, so a run
takes seconds and a failure repeats.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from service.answer.pipeline import build_assistant
from service.settings import Settings
from service.web.app import create_app
from tests.conftest import CORPUS, FakeEmbeddings, fake_index

MAX_EXAMPLES = 50


@schemathesis.check
def answer_is_never_empty(ctx: Any, response: Any, case: Any) -> bool | None:
    """An answered question always says something, a refusal at least."""
    if case.path == "/v1/ask" and response.status_code == 200:
        answer = response.json()["answer"]
        if not answer.strip():
            raise AssertionError("empty answer")
    return None


# The schema is read when the module is collected; the index is built (and the lifespan run)
# only when the tests run, into the same folder.
_ROOT = Path(tempfile.mkdtemp(prefix="vraagbaak-fuzz-"))
_OVERRIDES: dict[str, Any] = {"feedback_db": _ROOT / "feedback.sqlite3", "rate_limit": ""}
app = create_app(
    Settings(
        corpus_dir=CORPUS, index_dir=_ROOT / "index", model_dir=_ROOT / "no-model", **_OVERRIDES
    ),
    lambda s: build_assistant(s, embeddings=FakeEmbeddings()),
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _served_index() -> Iterator[None]:
    fake_index(_ROOT, **_OVERRIDES)
    try:
        with TestClient(app):  # runs the lifespan: the assistant is loaded for every call
            yield
    finally:
        shutil.rmtree(_ROOT, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema_and_never_fails(case: Any) -> None:
    case.call_and_validate(additional_checks=[answer_is_never_empty])
