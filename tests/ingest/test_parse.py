"""The document tree of the real report: sections, offsets, PDF artefacts."""

from __future__ import annotations

import pytest

from ingest.parse import is_junk_line, normalise, parse_document
from ingest.tables import parse_tables
from tests.conftest import REPORT_NAME


@pytest.fixture(scope="module")
def document(source: str):
    tables = parse_tables(source, REPORT_NAME).tables
    return parse_document(
        source, REPORT_NAME, "Programma 5 Veiligheid", [(t.start, t.end, t.title) for t in tables]
    )


def test_goals_are_top_level_sections_with_their_subsections(document) -> None:
    top = [s.title for s in document.root.children]
    assert top[1:4] == [
        "Doelstelling 5.1 Bevorderen van de veiligheid in de woning",
        "Doelstelling 5.2 Bevorderen/ behouden veiligheid en leefbaarheid in de wijk",
        "Doelstelling 5.3 Behouden veiligheid in de stad",
    ]
    by_title = {s.title: s for s in document.sections()}
    assert [c.title for c in by_title[top[1]].children][:2] == ["Huiselijk geweld", "Woonoverlast"]
    subsections_53 = [c.title for c in by_title[top[3]].children]
    for expected in (
        "Persoonsgerichte aanpak Jeugd (PGA Jeugd)",
        "Ondermijning",
        "Crisisbeheersing",
    ):
        assert expected in subsections_53
    assert by_title["Jaarwisseling"].path.startswith("Programma 5 Veiligheid > Doelstelling 5.2")


def test_every_sentence_round_trips_to_the_source(document, source: str) -> None:
    sentences = document.sentences()
    assert len(sentences) > 150
    for s in sentences:
        quote = source[s.start : s.end]
        assert quote == quote.strip()
        assert normalise(quote) == s.text


def test_sentences_survive_dutch_abbreviations(document) -> None:
    texts = [s.text for s in document.sentences()]
    assert (
        "Hierbij zijn o.a. milieuovertredingen en gebrekkige administratie geconstateerd." in texts
    )
    assert any(
        t.startswith("Hiervan was 69% afkomstig") and t.endswith("handhavers).") for t in texts
    )


def test_line_break_hyphenation_is_undone_in_search_text_only(document, source: str) -> None:
    texts = " ".join(s.text for s in document.sentences())
    assert "convenant cameratoezicht" in texts
    assert "politie-eenheid Den Haag" in texts  # a real hyphen (klinkerbotsing) stays
    assert "politie-\neenheid" in source


def test_junk_line_and_tables_are_not_running_text(document, source: str) -> None:
    texts = " ".join(s.text for s in document.sentences())
    assert "Afgeronde Afgeronde" not in texts
    assert "Meerzicht 4 6 24 9 3 0 46" not in texts
    assert len(document.skipped) == 1
    assert is_junk_line(source[document.skipped[0].start : document.skipped[0].end])


def test_text_after_a_table_belongs_to_that_table(document) -> None:
    doel = next(
        s
        for s in document.sentences()
        if s.text == "Toelichting: Het aantal woninginbraken blijft dalen."
    )
    assert doel.section.endswith("Aantal woninginbraken per jaar (Realisatie 2024)")


def test_lost_bullets_become_separate_paragraphs(document) -> None:
    woonoverlast = next(s for s in document.sections() if s.title == "Woonoverlast")
    starts = [p.sentences[0].text for p in woonoverlast.paragraphs]
    assert "Personen die kampen met verzamelwoede." in starts


def test_list_items_are_marked(document) -> None:
    items = [s.text for s in document.sentences() if s.item]
    assert "Personen die kampen met verzamelwoede." in items
    assert "2. Ondermijning" in items
    assert not any(s.startswith("In 2024 heeft Team Handhaving") for s in items)
