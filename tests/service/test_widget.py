"""The chat widget: served by the app, accessible markup, safe script, readable colours."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from service.answer.pipeline import build_assistant
from service.settings import Settings
from service.web.app import create_app
from service.web.schemas import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS
from tests.conftest import FakeEmbeddings, fake_index

TEXT_CONTRAST = 4.5  # WCAG 2.1 SC 1.4.3
NON_TEXT_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11: focus outlines, borders


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    settings = fake_index(tmp_path_factory.mktemp("widget"))
    app = create_app(settings, lambda s: build_assistant(s, embeddings=FakeEmbeddings()))
    with TestClient(app) as client:
        yield client


class _Elements(HTMLParser):
    """Collects every start tag with its attributes, and the text of each heading."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str | None = None, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if (tag is None or t == tag)
            and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


@pytest.fixture(scope="module")
def page(client: TestClient) -> _Elements:
    response = client.get("/widget/")
    assert response.status_code == 200
    parser = _Elements()
    parser.feed(response.text)
    return parser


@pytest.fixture(scope="module")
def script(client: TestClient) -> str:
    """widget.js without its comments, so only code is checked."""
    source = client.get("/widget/widget.js").text
    return re.sub(r"^\s*//.*$", "", re.sub(r"/\*.*?\*/", "", source, flags=re.S), flags=re.M)


@pytest.fixture(scope="module", params=["widget.css", "page.css"])
def css(client: TestClient, request: pytest.FixtureRequest) -> str:
    return client.get(f"/widget/{request.param}").text


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    light, dark = sorted(
        (_luminance(first.lstrip("#")), _luminance(second.lstrip("#"))), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


def _colour_properties(css: str) -> dict[str, str]:
    colours = {}
    for name, value in re.findall(r"(--[\w-]+)\s*:\s*#([0-9a-fA-F]{3,6})\s*;", css):
        if len(value) == 3:
            value = "".join(c * 2 for c in value)
        colours[name] = value.lower()
    return colours


def _declared_pairs(css: str) -> list[tuple[str, str, str, float]]:
    """The `kind --fg on --bg ratio:1` lines of the contrast comment at the top of widget.css."""
    pattern = r"\b(text|non-text)\s+(--[\w-]+) on (--[\w-]+)\s+(\d+(?:\.\d+)?):1"
    return [(kind, fg, bg, float(ratio)) for kind, fg, bg, ratio in re.findall(pattern, css)]


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_root_redirects_to_widget(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in {302, 307}
    assert response.headers["location"] == "/widget/"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/widget/", "text/html"),
        ("/widget/widget.js", "javascript"),
        ("/widget/widget.css", "text/css"),
    ],
)
def test_widget_files_are_served_with_their_content_type(
    client: TestClient, path: str, content_type: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert content_type in response.headers["content-type"]


def test_page_is_dutch_and_holds_the_same_component_as_the_embed(page: _Elements) -> None:
    assert page.find("html", lang="nl")
    assert page.find("title")
    (widget,) = page.find("vraagbaak-widget")
    assert widget["layout"] == "page"
    assert page.find("script", src="widget.js")


def test_page_can_zoom_and_loads_nothing_from_elsewhere(page: _Elements) -> None:
    (viewport,) = page.find("meta", name="viewport")
    assert "user-scalable" not in viewport["content"] and "maximum-scale" not in viewport["content"]
    for _, attrs in page.elements:
        for key in ("src", "href"):
            assert not re.match(r"(https?:)?//", attrs.get(key, "")), attrs


def test_script_inserts_api_text_as_text_only(script: str) -> None:
    assert "textContent" in script
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_script_keeps_questions_out_of_console_storage_and_urls(script: str) -> None:
    for leak in ("console.", "localStorage", "location.search", "URLSearchParams", "cookie"):
        assert leak not in script
    # The conversation is kept for this tab only, in one place, so it survives a reload.
    assert script.count("sessionStorage") == 2
    assert '"POST"' in script


def test_page_and_script_use_no_inline_event_handlers_or_styles(
    page: _Elements, script: str
) -> None:
    for tag, attrs in page.elements:
        assert not [a for a in attrs if a.startswith("on") or a == "style"], (tag, attrs)
        assert not (tag == "script" and "src" not in attrs), "inline script"
    assert not re.search(r"\.on[a-z]+\s*=", script)
    assert "addEventListener" in script


def test_script_sends_both_sides_of_the_conversation_back(script: str) -> None:
    assert 'role: "user"' in script and 'role: "assistant"' in script
    assert "history: recentHistory(this.state.history)" in script


def test_script_marks_english_answers_and_keeps_its_own_labels_dutch(script: str) -> None:
    assert 'body.language === "en"' in script
    assert re.search(r'\.lang = "en"', script)
    assert "article.lang" not in script


def test_script_limits_mirror_the_api(script: str) -> None:
    assert f"MAX_QUESTION_CHARS = {MAX_QUESTION_CHARS};" in script
    assert f"MAX_HISTORY_TURNS = {MAX_HISTORY_TURNS};" in script
    assert f"MAX_HISTORY_CHARS = {Settings().max_history_chars};" in script


def test_script_reads_the_fields_the_api_returns(client: TestClient, script: str) -> None:
    body = client.post(
        "/v1/ask", json={"question": "Hoeveel meldingen heeft Team Handhaving verwerkt?"}
    ).json()
    assert {"answer", "citations", "resolved_question", "language", "parts"} <= set(body)
    assert {"id", "document", "title", "section", "quote", "table_row"} <= set(body["citations"][0])
    for use in (
        "body.answer",
        "body.citations",
        "body.resolved_question",
        "body.language",
        "body.parts",
        "citation.id",
        "citation.document",
        "citation.title",
        "citation.section",
        "citation.quote",
        "citation.table_row",
        "body.error.message",
    ):
        assert use in script
    error = client.post("/v1/ask", json={"question": ""}).json()
    assert error["error"]["message"]


def test_declared_colour_pairs_meet_wcag_contrast(css: str) -> None:
    colours = _colour_properties(css)
    pairs = _declared_pairs(css)
    assert colours and pairs
    for kind, fg, bg, stated in pairs:
        ratio = contrast(colours[fg], colours[bg])
        minimum = TEXT_CONTRAST if kind == "text" else NON_TEXT_CONTRAST
        assert ratio >= minimum, f"{fg} on {bg}: {ratio:.2f}:1 < {minimum}:1"
        assert ratio == pytest.approx(stated, abs=0.01), f"comment says {stated}:1 for {fg} on {bg}"
    paired = {name for _, fg, bg, _ in pairs for name in (fg, bg)}
    assert set(colours) <= paired, f"colours without a checked pair: {set(colours) - paired}"


def test_css_sets_colours_only_through_checked_custom_properties(css: str) -> None:
    code = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    declarations = re.sub(r"--[\w-]+\s*:\s*#[0-9a-fA-F]{3,8}\s*;", "", code)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", declarations)
    assert not re.search(r"\b(rgba?|hsla?)\(", declarations)


def test_css_respects_reduced_motion_and_shows_focus(css: str) -> None:
    assert "prefers-reduced-motion: reduce" in css
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px solid var\(--focus\)", css)
