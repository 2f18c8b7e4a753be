"""The chat widget in a real browser: axe-core (WCAG 2.0/2.1 A and AA), keyboard, reflow.

Runs Debian's Chromium through Playwright (never a downloaded browser) against the app
served on loopback. The assistant is a stand-in that returns fixed answers, so these tests
check what a person sees and can do, not how good the answers are.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn

from ingest.pipeline import run_ingest
from service.answer.pipeline import Assistant, build_assistant
from service.settings import Settings
from service.web.app import create_app
from service.web.schemas import AskRequest, AskResponse, Citation, PartSummary
from tests.conftest import CORPUS, FakeEmbeddings

pytestmark = pytest.mark.browser


def _missing(what: str) -> None:
    """Skip on a developer's machine; fail in CI, where a skip would hide a broken install."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must install it)", pytrace=False)
    pytest.skip(what, allow_module_level=True)


CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    _missing("Chromium is not installed: apt-get install chromium (.ci/run does)")
try:
    from axe_playwright_python.base import AXE_SCRIPT  # axe-core, bundled in the wheel
    from playwright import sync_api
except ImportError:
    _missing("Playwright or axe-playwright-python is missing: pip install -r requirements.lock")

# Chromium without these flags tries to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
MULTI_PART_QUESTION = (
    "Hoeveel lopende casussen had Meerzicht bij koopwoningen "
    "en hoeveel meldingen verwerkte Team Handhaving?"
)
ENGLISH_QUESTION = "and how many burglaries?"
RAW_ROW_LABEL = "Zo staat de regel in het verslag"
TITLE = "Jaarrekening 2024 — Programma 5 Veiligheid (Zoetermeer)"
DOCUMENT = "zoetermeer-jaarrekening-2024-programma-5-veiligheid"
TABLE_ROW = (
    "Tabel 5.1 Woonoverlast 2024 — Meerzicht: Koop Lopende casuïstiek 4, "
    "Koop Afgeronde casuïstiek 6, Corporatie Lopende casuïstiek 24, "
    "Corporatie Afgeronde casuïstiek 9, Particulier Lopende casuïstiek 3, "
    "Particulier Afgeronde casuïstiek 0, Totaal 46"
)

MULTI_PART_ANSWER = AskResponse(
    answer=(
        "1. Hoeveel lopende casussen had Meerzicht bij koopwoningen?\n"
        "Volgens de tabel ‘Tabel 5.1 Woonoverlast 2024’: Meerzicht, "
        "Koop Lopende casuïstiek: 4 [1].\n\n"
        "2. Hoeveel meldingen verwerkte Team Handhaving?\n"
        "Volgens het verslag: In 2024 heeft Team Handhaving in totaal 13.939 meldingen "
        "verwerkt. Dit is een stijging van 30,8% ten opzichte van 2023. [2]"
    ),
    route="table",
    citations=[
        Citation(
            id=1,
            document=DOCUMENT,
            title=TITLE,
            section=(
                "Doelstelling 5.1 Bevorderen van de veiligheid in de woning > "
                "Tabel 5.1 Woonoverlast 2024"
            ),
            quote="Meerzicht 4 6 24 9 3 0 46",
            start=2978,
            end=3003,
            table_row=TABLE_ROW,
        ),
        Citation(
            id=2,
            document=DOCUMENT,
            title=TITLE,
            section="Programma 5 Veiligheid > Doelstelling 5.2 > Handhaving",
            quote=(
                "In 2024 heeft Team Handhaving in totaal 13.939 meldingen verwerkt.\n"
                "Dit is een stijging van 30,8% ten opzichte van 2023."
            ),
            start=3862,
            end=3981,
        ),
    ],
    resolved_question=None,
    language="nl",
    parts=[
        PartSummary(
            question="Hoeveel lopende casussen had Meerzicht bij koopwoningen",
            route="table",
            answered=True,
        ),
        PartSummary(
            question="hoeveel meldingen verwerkte Team Handhaving?", route="text", answered=True
        ),
    ],
)

ENGLISH_ANSWER = AskResponse(
    answer=(
        "According to the table ‘Aantal woninginbraken per jaar (Realisatie 2024)’: "
        "‘Realisatie’, ‘2024’: 89 [1]."
    ),
    route="table",
    citations=[
        Citation(
            id=1,
            document=DOCUMENT,
            title=TITLE,
            section="Doelstelling 5.1 > Aantal woninginbraken per jaar (Realisatie 2024)",
            quote="Realisatie 97 89",
            start=3554,
            end=3570,
            table_row=(
                "Aantal woninginbraken per jaar (Realisatie 2024) — Realisatie: 2023 97, 2024 89"
            ),
        )
    ],
    resolved_question="How many burglaries were there in 2024?",
    language="en",
)


class CannedAssistant:
    """The real assistant over a fake-embedder index, but with fixed answers to `ask`."""

    def __init__(self, real: Assistant) -> None:
        self.knowledge = real.knowledge
        self.requests: list[AskRequest] = []

    def ask(self, request: AskRequest) -> AskResponse:
        self.requests.append(request)
        return ENGLISH_ANSWER if request.question == ENGLISH_QUESTION else MULTI_PART_ANSWER


@dataclass
class _Served:
    """The app on a free loopback port, in a thread, and the stand-in that answers."""

    url: str
    assistant: CannedAssistant


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Served]:
    root = tmp_path_factory.mktemp("browser")
    settings = Settings(corpus_dir=CORPUS, index_dir=root / "index", model_dir=root / "no-model")
    run_ingest(settings, FakeEmbeddings)
    holder: dict[str, CannedAssistant] = {}

    def factory(s: Settings) -> Any:
        holder["assistant"] = CannedAssistant(build_assistant(s, embeddings=FakeEmbeddings()))
        return holder["assistant"]

    app = create_app(settings, factory)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield _Served(f"http://127.0.0.1:{port}", holder["assistant"])
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # launch() starts Chromium with a new, empty profile (its own --user-data-dir).
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _open(browser: Any, served: _Served, width: int = 1024, height: int = 768) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    page = context.new_page()
    # The widget asks /v1/health on load and shows an error when the service is down.
    with page.expect_response("**/v1/health"):
        page.goto(f"{served.url}/widget/")
    return page


def _ask(page: Any, question: str) -> None:
    answers = page.locator(".turn--answer").count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    page.locator(".turn--answer").nth(answers).wait_for()
    page.wait_for_function("!document.getElementById('send').disabled")


def _axe_violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]],
        }
        for v in result["violations"]
    ]


def test_empty_widget_has_no_axe_violations(browser: Any, served: _Served) -> None:
    page = _open(browser, served)
    assert _axe_violations(page) == []
    page.context.close()


def test_multi_part_answer_with_table_sources_has_no_axe_violations(
    browser: Any, served: _Served
) -> None:
    page = _open(browser, served)
    _ask(page, MULTI_PART_QUESTION)
    _ask(page, ENGLISH_QUESTION)
    assert _axe_violations(page) == []
    page.context.close()


# Everything a keyboard user should reach, in page order, each numbered so it can be told apart.
_FOCUSABLE = """() => Array.from(document.querySelectorAll(
  'a[href], button:not([disabled]), textarea, summary, [tabindex]:not([tabindex="-1"])'
)).map((e, i) => {
  e.dataset.order = i;
  return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '.' + e.className + ':' + e.textContent);
})"""
_ACTIVE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  return {
    order: e.dataset.order === undefined ? null : Number(e.dataset.order),
    id: e.id,
    outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
  };
}"""


def _tab_through(page: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """What should take focus, and what Tab from the top of the page reaches, in order."""
    expected = page.evaluate(_FOCUSABLE)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator("h1").click()  # moves Chromium's Tab starting point to the top of the page
    reached: list[dict[str, Any]] = []
    for _ in range(len(expected) + 2):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE)
        if active is None or (reached and active["order"] == reached[0]["order"]):
            break
        reached.append(active)
    return expected, reached


def test_empty_widget_is_usable_with_the_keyboard_alone(browser: Any, served: _Served) -> None:
    page = _open(browser, served)
    expected, reached = _tab_through(page)
    assert expected == ["textarea#question", "button#send", "button#reset"]
    assert [r["order"] for r in reached] == [0, 1, 2]
    assert all(r["outline"] >= 2 for r in reached), reached
    # Ask without a mouse: Tab to the field, type, Enter.
    page.keyboard.press("Tab")
    page.keyboard.type(MULTI_PART_QUESTION)
    page.keyboard.press("Enter")
    page.locator(".turn--answer").wait_for()
    page.context.close()


def test_answer_links_and_details_follow_reading_order_with_visible_focus(
    browser: Any, served: _Served
) -> None:
    page = _open(browser, served)
    _ask(page, MULTI_PART_QUESTION)
    _ask(page, ENGLISH_QUESTION)
    expected, reached = _tab_through(page)
    assert expected == [
        "a.marker:bron [1]",
        "a.marker:bron [2]",
        "summary.:" + RAW_ROW_LABEL,
        "a.marker:bron [1]",
        "summary.:" + RAW_ROW_LABEL,
        "textarea#question",
        "button#send",
        "button#reset",
    ]
    assert [r["order"] for r in reached] == list(range(len(expected)))
    assert all(r["outline"] >= 2 for r in reached), reached

    # A [n] link takes the keyboard user to its source; the raw row opens with Enter.
    page.evaluate("document.activeElement.blur()")
    page.locator("a.marker").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate(_ACTIVE) == {"order": None, "id": "antwoord-1-bron-1", "outline": 3}
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator("details.source__raw").first.get_attribute("open") is not None
    page.context.close()


def test_answer_shows_parts_sources_table_rows_and_languages(browser: Any, served: _Served) -> None:
    page = _open(browser, served)
    _ask(page, MULTI_PART_QUESTION)
    first = page.locator(".turn--answer").nth(0)
    assert first.locator("ol.parts > li h3").all_inner_texts() == [
        "Hoeveel lopende casussen had Meerzicht bij koopwoningen?",
        "Hoeveel meldingen verwerkte Team Handhaving?",
    ]
    assert first.locator(".source__title").all_inner_texts() == [f"[1] {TITLE}", f"[2] {TITLE}"]
    assert TABLE_ROW in first.locator(".source__row").inner_text()
    raw = first.locator("details.source__raw blockquote")
    assert not raw.is_visible() and raw.text_content() == "Meerzicht 4 6 24 9 3 0 46"
    quote = MULTI_PART_ANSWER.citations[1].quote
    assert first.locator("blockquote:visible").text_content() == quote
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert first.locator("[lang]").count() == 0

    _ask(page, ENGLISH_QUESTION)
    second = page.locator(".turn--answer").nth(1)
    assert second.locator(".resolved").inner_text() == (
        "Begrepen als: How many burglaries were there in 2024?"
    )
    assert second.locator(".answer").get_attribute("lang") == "en"
    assert second.locator(".resolved span").get_attribute("lang") == "en"
    assert page.locator(".turn--question .turn__text").nth(1).get_attribute("lang") == "en"
    assert second.locator(".turn__label, .sources").evaluate_all(
        "nodes => nodes.map(n => n.closest('[lang]').lang)"
    ) == ["nl", "nl"]

    # The follow-up was sent with the whole earlier exchange, both sides.
    sent = served.assistant.requests[-1]
    assert [(t.role, t.content) for t in sent.history] == [
        ("user", MULTI_PART_QUESTION),
        ("assistant", MULTI_PART_ANSWER.answer),
    ]
    page.context.close()


_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const style = getComputedStyle(e);
    if (e.closest('.visually-hidden') || style.display === 'none') continue;
    const box = e.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) out.push(e.outerHTML.slice(0, 80));
    const clips = ['hidden', 'clip'].includes(style.overflowX);
    if (clips && e.scrollWidth > e.clientWidth + 1) out.push('clipped ' + e.outerHTML.slice(0, 80));
  }
  return {scroll: document.documentElement.scrollWidth, width, out};
}"""


@pytest.mark.parametrize(
    ("width", "text_size"),
    [(320, "100%"), (640, "200%")],
    ids=["reflow-320px", "text-200pct-at-zoomed-width"],
)
def test_conversation_reflows_without_horizontal_scrolling(
    browser: Any, served: _Served, width: int, text_size: str
) -> None:
    page = _open(browser, served, width=width, height=640)
    page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
    _ask(page, MULTI_PART_QUESTION)
    _ask(page, ENGLISH_QUESTION)
    page.locator("details.source__raw").evaluate_all("nodes => nodes.forEach(n => n.open = true)")
    layout = page.evaluate(_OVERFLOW)
    assert layout["scroll"] <= layout["width"], layout
    assert layout["out"] == []
    page.context.close()
