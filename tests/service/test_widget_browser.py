"""The full-page widget (/widget/) in a real browser: axe-core (WCAG 2.0/2.1 A and AA),
keyboard, reflow, languages.

Runs Debian's Chromium through Playwright (never a downloaded browser) against the app
served on loopback. The assistant is a stand-in that returns fixed answers, so these tests
check what a person sees and can do, not how good the answers are (the one-tag embed with
real answers is in test_embed_browser.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from service.answer.pipeline import Assistant, build_assistant
from service.answer.suggestions import Suggestion
from service.settings import Settings
from service.web.app import create_app
from service.web.schemas import (
    AskRequest,
    AskResponse,
    Citation,
    PartSummary,
    TableCell,
    TableSource,
)
from tests.conftest import FakeEmbeddings, fake_index
from tests.service.browser_support import axe_violations, chromium, serve

pytestmark = pytest.mark.browser


MULTI_PART_QUESTION = (
    "Hoeveel lopende casussen had Meerzicht bij koopwoningen "
    "en hoeveel meldingen verwerkte Team Handhaving?"
)
ENGLISH_QUESTION = "and how many burglaries?"
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
            table=TableSource(
                title="Tabel 5.1 Woonoverlast 2024",
                stub="Woonoverlast 2024",
                row="Meerzicht",
                cells=[
                    TableCell(column=c, value=v)
                    for c, v in zip(
                        [
                            "Koop Lopende casuïstiek",
                            "Koop Afgeronde casuïstiek",
                            "Corporatie Lopende casuïstiek",
                            "Corporatie Afgeronde casuïstiek",
                            "Particulier Lopende casuïstiek",
                            "Particulier Afgeronde casuïstiek",
                            "Totaal",
                        ],
                        ["4", "6", "24", "9", "3", "0", "46"],
                        strict=True,
                    )
                ],
            ),
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
        self.corpus = real.corpus
        self.requests: list[AskRequest] = []

    def ask(self, request: AskRequest) -> AskResponse:
        self.requests.append(request)
        return ENGLISH_ANSWER if request.question == ENGLISH_QUESTION else MULTI_PART_ANSWER

    def suggestions(self) -> list[Suggestion]:
        return [Suggestion(MULTI_PART_QUESTION, DOCUMENT, TITLE)]


@dataclass
class _Served:
    """The app on a free loopback port, in a thread, and the stand-in that answers."""

    url: str
    assistant: CannedAssistant


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Served]:
    root = tmp_path_factory.mktemp("browser")
    settings = fake_index(root, feedback_db=root / "feedback.sqlite3")
    holder: dict[str, CannedAssistant] = {}

    def factory(s: Settings) -> Any:
        holder["assistant"] = CannedAssistant(build_assistant(s, embeddings=FakeEmbeddings()))
        return holder["assistant"]

    with serve(create_app(settings, factory)) as url:
        yield _Served(url, holder["assistant"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _open(browser: Any, served: _Served, width: int = 1024, height: int = 768) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    page = context.new_page()
    # The widget asks /v1/health on load and shows an error when the service is down.
    with page.expect_response("**/v1/health"):
        page.goto(f"{served.url}/widget/")
    page.locator(".suggestion").first.wait_for()
    return page


def _ask(page: Any, question: str) -> None:
    answers = page.locator(".turn--answer").count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    page.locator(".turn--answer").nth(answers).wait_for()
    page.locator("#question").evaluate("e => e.getRootNode().activeElement")
    page.wait_for_function(
        "!document.querySelector('vraagbaak-widget').shadowRoot"
        ".querySelector('button[type=submit]').disabled"
    )


def test_empty_widget_has_no_axe_violations(browser: Any, served: _Served) -> None:
    page = _open(browser, served)
    assert axe_violations(page) == []
    # One h1; the field has a visible label and no name, so the question never ends up in
    # a URL; the conversation is a polite log, errors an alert, progress a status.
    assert page.locator("h1").count() == 1
    assert page.locator("label[for=question]").is_visible()
    assert page.locator("#question").get_attribute("name") is None
    assert page.locator("form").get_attribute("action") is None
    assert page.locator("[role=log][aria-live=polite]").count() == 1
    assert page.locator("[role=alert]").count() == 1
    assert page.locator(".ask [role=status]").count() == 1
    page.context.close()


def test_multi_part_answer_with_table_sources_has_no_axe_violations(
    browser: Any, served: _Served
) -> None:
    page = _open(browser, served)
    _ask(page, MULTI_PART_QUESTION)
    _ask(page, ENGLISH_QUESTION)
    page.locator("details.source__details").evaluate_all("ns => ns.forEach(n => n.open = true)")
    assert axe_violations(page) == []
    page.context.close()


# Everything a keyboard user should reach inside the widget, in order, each numbered.
_FOCUSABLE = """() => {
  const root = document.querySelector('vraagbaak-widget').shadowRoot;
  return Array.from(root.querySelectorAll(
    'a[href], button:not([disabled]), textarea, summary, [tabindex]:not([tabindex="-1"])'
  )).filter(e => e.getClientRects().length && !e.closest('details:not([open]) > :not(summary)'))
    .map((e, i) => {
    e.dataset.order = i;
    return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '.' + e.className);
  });
}"""
_ACTIVE = """() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
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
    page.locator("h1").click()  # moves Chromium's Tab starting point to the top
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
    assert expected == [
        "button.button button--secondary",
        "div.panel__body",
        "button.suggestion",
        "textarea#question",
        "button.button button--primary",
    ]
    assert [r["order"] for r in reached] == list(range(len(expected)))
    assert all(r["outline"] >= 2 for r in reached), reached
    # Ask without a mouse: a suggestion, then Enter.
    page.locator(".suggestion").first.focus()
    page.keyboard.press("Enter")
    page.locator(".turn--answer").wait_for()
    page.context.close()


def test_answer_links_and_sources_follow_reading_order_with_visible_focus(
    browser: Any, served: _Served
) -> None:
    page = _open(browser, served)
    _ask(page, MULTI_PART_QUESTION)
    expected, reached = _tab_through(page)
    assert expected[:2] == ["button.button button--secondary", "div.panel__body"]
    answer_part = expected[2:9]
    assert answer_part == [
        "a.marker",
        "a.marker",
        "summary.source__summary",
        "summary.source__summary",
        "button.button button--secondary thumb thumb--up",
        "button.button button--secondary thumb thumb--down",
        "textarea#question",
    ]
    assert [r["order"] for r in reached] == list(range(len(expected)))
    assert all(r["outline"] >= 2 for r in reached), reached

    # A [n] link opens its source and takes the keyboard user there.
    page.locator("a.marker").first.focus()
    page.keyboard.press("Enter")
    active = page.evaluate(_ACTIVE)
    assert active is not None and active["outline"] == 3
    assert page.locator("#antwoord-1-bron-1").get_attribute("open") is not None
    page.context.close()


def test_answer_shows_parts_sources_table_rows_and_languages(browser: Any, served: _Served) -> None:
    page = _open(browser, served)
    _ask(page, MULTI_PART_QUESTION)
    first = page.locator(".turn--answer").nth(0)
    assert first.locator("ol.parts > li h3").all_inner_texts() == [
        "Hoeveel lopende casussen had Meerzicht bij koopwoningen?",
        "Hoeveel meldingen verwerkte Team Handhaving?",
    ]
    first.locator("details.source__details").evaluate_all("ns => ns.forEach(n => n.open = true)")
    assert (
        first.locator(".source__document a").all_text_contents()
        == [TITLE + " (opent in een nieuw tabblad)"] * 2
    )
    table = first.locator("table.source__table")
    assert table.locator("caption").inner_text() == "Tabel 5.1 Woonoverlast 2024"
    assert table.locator("thead th").all_inner_texts() == ["Woonoverlast 2024", "Meerzicht"]
    assert table.locator("tbody th").first.inner_text() == "Koop Lopende casuïstiek"
    assert table.locator("tbody td").all_inner_texts() == ["4", "6", "24", "9", "3", "0", "46"]
    quote = MULTI_PART_ANSWER.citations[1].quote
    assert first.locator("blockquote").text_content() == quote
    assert first.evaluate("e => e.closest('[lang]').lang") == "nl"
    assert first.locator("[lang]").count() == 0

    _ask(page, ENGLISH_QUESTION)
    second = page.locator(".turn--answer").nth(1)
    assert second.locator(".resolved").inner_text() == (
        "Begrepen als: How many burglaries were there in 2024?"
    )
    assert second.locator(".answer").get_attribute("lang") == "en"
    # What the English answer quotes from the report is marked as Dutch.
    assert second.locator(".answer [lang=nl]").all_inner_texts()[0] == (
        "‘Aantal woninginbraken per jaar (Realisatie 2024)’"
    )
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
  const root = document.querySelector('vraagbaak-widget').shadowRoot;
  const out = [];
  for (const e of root.querySelectorAll('*')) {
    const style = getComputedStyle(e);
    if (e.closest('.visually-hidden') || style.display === 'none' || !e.getClientRects().length) {
      continue;
    }
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
    page.locator("details.source__details").evaluate_all("ns => ns.forEach(n => n.open = true)")
    layout = page.evaluate(_OVERFLOW)
    assert layout["scroll"] <= layout["width"], layout
    assert layout["out"] == []
    # The question field stays on the screen.
    field = page.locator("#question").bounding_box()
    assert field["y"] >= 0 and field["y"] + field["height"] <= 640
    page.context.close()
