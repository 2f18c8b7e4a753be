"""The API documentation works without internet: every file it needs is served locally."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.store import IndexMissingError
from service.settings import Settings
from service.web.app import create_app
from service.web.docs import ASSETS_URL


def _no_index(settings: Settings) -> object:
    raise IndexMissingError("geen index in deze test")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("docs")
    settings = Settings(feedback_db=root / "f.sqlite3", index_dir=root / "index")
    with TestClient(create_app(settings, _no_index)) as client:
        yield client


def _linked_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_other_hosts(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "cdn" not in html.lower()
    assert not re.search(r"https?://", html), "a docs page names another host"
    assert "fonts.googleapis" not in html
    urls = _linked_urls(html)
    assert urls and all(u.startswith(ASSETS_URL + "/") for u in urls)
    for url in urls:
        assert client.get(url).status_code == 200


def test_swagger_ui_does_not_call_the_online_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("swagger-ui-bundle.js", "javascript"),
        ("swagger-ui.css", "text/css"),
        ("redoc.standalone.js", "javascript"),
        ("favicon.png", "image/png"),
    ],
)
def test_docs_assets_are_served(client: TestClient, name: str, content_type: str) -> None:
    response = client.get(f"{ASSETS_URL}/{name}")
    assert response.status_code == 200
    assert content_type in response.headers["content-type"]
    assert len(response.content) > 1000


def test_openapi_lists_the_feedback_routes_but_not_the_docs_pages(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/feedback", "/v1/feedback.csv"} <= set(paths)
    assert "/docs" not in paths and "/redoc" not in paths


def test_docs_assets_come_from_the_installed_package() -> None:
    from service.web.docs import ASSETS

    assert isinstance(ASSETS, Path)
    assert (ASSETS / "swagger-ui-bundle.js").is_file()
