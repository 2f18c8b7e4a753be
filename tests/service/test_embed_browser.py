"""The one-tag embed in a real browser, against the real service on loopback.

The service (real model, real index of the real report) runs on one loopback port; host
pages run on two others, so they are other origins: one the service's CORS allowlist
names, one it does not. The host pages carry a strict Content-Security-Policy and a
stylesheet that hides every button and recolours everything, as a careless intranet
theme might. Answers are the real ones: these tests follow what a person sees and does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from service.settings import Settings
from service.web.app import create_app
from tests.conftest import model_available
from tests.service.browser_support import axe_violations, chromium, free_socket, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not model_available(), reason="model not built: run `make model`"),
]

TOKEN = "test-token-for-feedback"
UNREACHABLE = "De vraagbaak is even niet bereikbaar. Probeer het over een paar minuten opnieuw."
TABLE_QUESTION = "Hoeveel woninginbraken waren er in 2024?"
FOLLOW_UP = "En in 2023?"
REFUSED = "Wat vindt de burgemeester van de nieuwe bibliotheek?"
HOSTILE_CSS = """
button, [role=button] { display: none !important; }
* { color: #ff00ff !important; background: #ffff00 !important; font-size: 30px !important;
    font-family: cursive !important; line-height: 3 !important; }
"""
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Intranet</title>
<link rel="stylesheet" href="/host.css"></head>
<body><h1>Intranet page</h1><p>Some text of the host page.</p>
<script src="{script}/widget.js" data-api="{api}" data-mode="{mode}" defer></script>
</body></html>"""


def host_app(service: str) -> Starlette:
    """Pages of another site that embed the widget with one tag, under a strict CSP.
    `?api=` points the widget at another API than the service that serves the script."""

    def page(request: Request) -> HTMLResponse:
        mode = request.path_params["mode"]
        api = request.query_params.get("api", service)
        csp = (
            f"default-src 'none'; script-src {service}; style-src 'self' {service} {api}; "
            f"connect-src {api}; img-src 'self'; base-uri 'none'; form-action 'none'"
        )
        body = HOST_PAGE.format(script=service, api=api, mode=mode)
        return HTMLResponse(body, headers={"Content-Security-Policy": csp})

    def css(_: Request) -> HTMLResponse:
        return HTMLResponse(HOSTILE_CSS, media_type="text/css")

    return Starlette(routes=[Route("/host.css", css), Route("/{mode}", page)])


@dataclass
class Sites:
    api: str
    allowed: str  # a host page the service allows
    other: str  # a host page the service does not allow
    feedback_db: Path


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    root = tmp_path_factory.mktemp("embed")
    allowed_sock = free_socket()  # bound now, so its origin can go into the allowlist
    allowed = f"http://127.0.0.1:{allowed_sock.getsockname()[1]}"
    settings = Settings(
        cors_origins=[allowed],
        feedback_db=root / "feedback.sqlite3",
        feedback_token=TOKEN,
    )
    with ExitStack() as stack:
        api = stack.enter_context(serve(create_app(settings)))
        allowed_site = stack.enter_context(serve(host_app(api), allowed_sock))
        other_site = stack.enter_context(serve(host_app(api)))
        yield Sites(api, allowed_site, other_site, settings.feedback_db)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def open_page(browser: Any, url: str, width: int = 1024, height: int = 768) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rsplit("/", 1)[0])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    page.goto(url)
    page.locator("vraagbaak-widget .launcher").wait_for()
    return page


def launch(page: Any) -> None:
    page.locator(".launcher").click()
    page.locator("#question").wait_for()


def ask(page: Any, question: str) -> Any:
    answers = page.locator(".turn--answer").count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    answer = page.locator(".turn--answer").nth(answers)
    answer.wait_for()
    return answer


def test_one_script_tag_on_another_origin_gives_a_working_widget(
    browser: Any, sites: Sites
) -> None:
    page = open_page(browser, f"{sites.allowed}/citizen")
    launcher = page.locator(".launcher")
    # The host hides every button and paints everything magenta on yellow: not ours.
    assert launcher.is_visible()
    style = launcher.evaluate(
        "e => { const s = getComputedStyle(e); return [s.color, s.fontFamily, s.fontSize]; }"
    )
    assert style[0] == "rgb(255, 255, 255)" and "cursive" not in style[1] and style[2] != "30px"
    # ... and the widget's styles do not restyle the host page.
    assert page.locator("h1").evaluate("e => getComputedStyle(e).fontSize") == "30px"
    launch(page)
    assert page.evaluate("document.activeElement.tagName") == "VRAAGBAAK-WIDGET"
    assert page.locator("#question").evaluate("e => e.getRootNode().activeElement === e")

    answer = ask(page, TABLE_QUESTION)
    assert "89" in answer.locator(".answer").inner_text()
    # The source is a small table: its title, the row and each value under its header.
    marker = answer.locator("a.marker").first
    marker.focus()
    page.keyboard.press("Enter")
    source = answer.locator("details.source__details").first
    assert source.get_attribute("open") is not None
    assert source.locator("summary").evaluate("e => e.getRootNode().activeElement === e")
    table = source.locator("table.source__table")
    assert "Aantal woninginbraken per jaar" in table.locator("caption").inner_text()
    headers = table.locator("tbody th").all_inner_texts()
    values = table.locator("tbody td").all_inner_texts()
    assert dict(zip(headers, values, strict=True)) == {"2023": "97", "2024": "89"}
    assert table.locator("thead th").all_inner_texts()[1] == "Realisatie"
    link = source.locator(".source__document a")
    assert "Jaarrekening 2024" in link.inner_text()

    # The document link opens the report's text with the quoted row marked.
    href = link.get_attribute("href")
    report = httpx.get(href.split("#")[0])
    assert report.status_code == 200 and '<mark id="bron"' in report.text
    assert "Realisatie 97 89" in report.text.split('<mark id="bron" tabindex="-1">')[1]

    # A follow-up is read with the conversation before it.
    second = ask(page, FOLLOW_UP)
    assert "97" in second.locator(".answer").inner_text()
    # A question the report does not answer is refused honestly, without sources.
    third = ask(page, REFUSED)
    assert third.locator(".source__details").count() == 0
    assert third.locator(".answer").inner_text().strip()
    assert page.errors == []
    page.context.close()


def test_conversation_survives_a_reload_and_new_conversation_clears_it(
    browser: Any, sites: Sites
) -> None:
    page = open_page(browser, f"{sites.allowed}/citizen")
    launch(page)
    assert page.locator(".suggestion").count() >= 1
    ask(page, TABLE_QUESTION)
    page.reload()
    page.locator("vraagbaak-widget .turn--answer").wait_for()
    assert page.locator(".turn--question .turn__text").all_inner_texts() == [TABLE_QUESTION]
    # The follow-up still knows what came before the reload.
    assert "97" in ask(page, FOLLOW_UP).locator(".answer").inner_text()
    page.locator("button", has_text="Nieuw gesprek").click()
    assert page.locator(".turn").count() == 0
    page.reload()
    page.locator("vraagbaak-widget .launcher").wait_for(state="attached")
    assert page.locator(".turn").count() == 0
    page.context.close()


def test_staff_copy_a_council_ready_answer_and_leave_feedback(browser: Any, sites: Sites) -> None:
    page = open_page(browser, f"{sites.allowed}/staff")
    launch(page)
    answer = ask(page, TABLE_QUESTION)
    # Staff see how the question was read and which route answered it.
    assert answer.locator(".route").inner_text() == "Gevonden via: een tabel"
    answer.locator("button.copy").click()
    answer.locator(".actions__status", has_text="gekopieerd").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    text = answer.locator(".answer").inner_text()
    assert copied.startswith(text.strip().split(" [")[0])
    assert "\n\nBronnen:\n[1] Jaarrekening 2024 — Programma 5 Veiligheid (Zoetermeer), " in copied
    row = "Aantal woninginbraken per jaar (Realisatie 2024) — Realisatie: 2023 97, 2024 89"
    assert row in copied
    assert "bron" not in copied.split("Bronnen:")[0].lower()

    answer.locator("button.thumb--down").click()
    answer.locator(".actions__status", has_text="Bedankt").wait_for()
    answer.locator(".feedback__comment textarea").fill("Graag ook 2022.")
    answer.locator(".feedback__comment button").click()
    page.wait_for_timeout(300)
    export = httpx.get(f"{sites.api}/v1/feedback.csv", headers={"Authorization": f"Bearer {TOKEN}"})
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == 1, rows  # the comment updated the thumb's row
    row = rows[0]
    assert (
        row["rating"] == "down" and row["comment"] == "Graag ook 2022." and row["mode"] == "staff"
    )
    assert len(row["question_id"]) == 16 and "89" in row["answer"]
    assert "127.0.0.1" not in export.text and TABLE_QUESTION not in export.text
    page.context.close()


def test_a_site_not_on_the_allowlist_gets_no_answers(browser: Any, sites: Sites) -> None:
    page = open_page(browser, f"{sites.other}/citizen")
    launch(page)
    page.locator(".error--shown", has_text=UNREACHABLE).wait_for()
    page.locator("#question").fill(TABLE_QUESTION)
    page.locator("#question").press("Enter")
    page.locator(".error--shown", has_text=UNREACHABLE).wait_for()
    assert page.locator(".turn--answer").count() == 0
    page.context.close()


def test_service_down_gives_the_honest_error_and_a_retry(browser: Any, sites: Sites) -> None:
    closed = free_socket()
    down = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()  # nothing listens here any more
    # The script still comes from the real service; its API is the stopped one.
    page = open_page(browser, f"{sites.allowed}/citizen?api={down}")
    launch(page)
    page.locator(".error--shown", has_text=UNREACHABLE).wait_for()
    assert "make" not in page.locator(".error--shown").inner_text()
    page.locator("#question").fill(TABLE_QUESTION)
    page.locator("#question").press("Enter")
    error = page.locator(".error--shown", has_text=UNREACHABLE)
    error.wait_for()
    assert error.locator("button", has_text="Probeer opnieuw").is_visible()
    page.context.close()


@pytest.mark.parametrize("mode", ["citizen", "staff"])
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (320, 640)], ids=["desktop", "320px"])
def test_embedded_widget_has_no_axe_violations_and_keeps_the_field_in_view(
    browser: Any, sites: Sites, mode: str, width: int, height: int
) -> None:
    page = open_page(browser, f"{sites.allowed}/{mode}", width, height)
    # Only the widget is ours to check: the host's own colours are deliberately poor.
    assert axe_violations(page, "vraagbaak-widget") == []
    launch(page)
    assert axe_violations(page, "vraagbaak-widget") == []
    ask(page, TABLE_QUESTION)
    answer = ask(page, REFUSED if mode == "citizen" else FOLLOW_UP)
    page.locator("details.source__details").evaluate_all("ns => ns.forEach(n => n.open = true)")
    assert axe_violations(page, "vraagbaak-widget") == []
    # The field stays on the first screen, the newest answer is in view, focus stays put.
    field = page.locator("#question").bounding_box()
    assert field["y"] >= 0 and field["y"] + field["height"] <= height
    assert page.locator("#question").evaluate("e => e.getRootNode().activeElement === e")
    top = answer.evaluate("e => e.getBoundingClientRect().top")
    scroller = page.locator(".panel__body").bounding_box()
    assert scroller["y"] - 1 <= top <= scroller["y"] + scroller["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.context.close()
