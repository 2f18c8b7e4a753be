"""Which reports a part is answered from: named ones, else the default municipality's newest."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from service.answer.scope import Corpus, DocumentInfo, Selection
from service.understand.parse import understand

DOCUMENTS = [
    DocumentInfo(
        "dordrecht-2022-veiligheid",
        "Dordrecht",
        2022,
        "Veiligheid",
        "Jaarstukken 2022 — Programma 3 Veiligheid",
        frozenset({2021, 2022}),
    ),
    DocumentInfo(
        "dordrecht-2023-veiligheid",
        "Dordrecht",
        2023,
        "Veiligheid",
        "Jaarstukken 2023 — Programma 3 Veiligheid",
        frozenset({2022, 2023, 2024}),
    ),
    DocumentInfo(
        "dordrecht-2023-wonen",
        "Dordrecht",
        2023,
        "Wonen",
        "Jaarstukken 2023 — Programma 6 Wonen",
        frozenset({2023}),
    ),
    DocumentInfo(
        "tilburg-2024-veiligheid",
        "Tilburg",
        2024,
        "Veiligheid",
        "Jaarverslag Tilburg 2024 — Veiligheid",
        frozenset({2023, 2024}),
    ),
]


def select(question: str, default: str = "Dordrecht") -> Selection:
    corpus = Corpus(DOCUMENTS, default)
    frame = understand(question, corpus=corpus.facts())
    return corpus.select(frame.scope, frame.parts[0])


def test_unnamed_questions_go_to_the_default_municipalitys_newest_reports() -> None:
    selection = select("Hoeveel fietsendiefstallen waren er?")
    assert selection.documents == ("dordrecht-2023-veiligheid", "dordrecht-2023-wonen")
    assert not selection.named and selection.missing_year is None


def test_the_default_municipality_is_a_setting() -> None:
    selection = select("Hoeveel fietsendiefstallen waren er?", default="tilburg")
    assert selection.documents == ("tilburg-2024-veiligheid",)


def test_without_a_setting_the_municipality_with_most_reports_is_the_default() -> None:
    assert Corpus(DOCUMENTS).default == "Dordrecht"
    assert Corpus(DOCUMENTS, "Zwolle").default == "Dordrecht"  # not in the corpus


def test_a_named_municipality_chooses_its_reports() -> None:
    selection = select("Hoeveel fietsendiefstallen waren er in Tilburg?")
    assert selection.documents == ("tilburg-2024-veiligheid",)
    assert selection.named


def test_a_named_year_chooses_that_years_report() -> None:
    selection = select("Hoeveel fietsendiefstallen waren er in 2022?")
    assert selection.documents == ("dordrecht-2022-veiligheid",)
    assert (selection.year, selection.named) == (2022, True)


def test_a_year_only_a_later_report_looks_back_on_is_taken_from_that_report() -> None:
    selection = select("Hoeveel fietsendiefstallen waren er in 2021?")
    assert selection.documents == ("dordrecht-2022-veiligheid",)
    assert selection.missing_year is None


def test_a_named_programme_chooses_that_programmes_report() -> None:
    selection = select("Hoeveel woningen zijn er gebouwd binnen het programma Wonen?")
    assert selection.documents == ("dordrecht-2023-wonen",)


@pytest.mark.parametrize(
    ("question", "document"),
    [
        ("Hoeveel fietsendiefstallen waren er het jaar ervoor?", "dordrecht-2022-veiligheid"),
        ("Hoeveel fietsendiefstallen waren er vorig jaar?", "dordrecht-2023-veiligheid"),
    ],
)
def test_relative_years_count_from_the_newest_report(question: str, document: str) -> None:
    assert select(question).documents[0] == document


def test_a_year_no_report_covers_is_missing() -> None:
    selection = select("Hoeveel fietsendiefstallen waren er in 2015?")
    assert selection.missing_year == 2015
    assert selection.documents == ("dordrecht-2023-veiligheid", "dordrecht-2023-wonen")


def test_a_year_of_another_municipality_is_not_taken_from_the_default() -> None:
    assert select("Hoeveel inbraken had Tilburg in 2022?").missing_year == 2022


def test_others_are_every_report_not_chosen_newest_first() -> None:
    corpus = Corpus(DOCUMENTS, "Dordrecht")
    assert corpus.others(["dordrecht-2023-veiligheid", "dordrecht-2023-wonen"]) == (
        "tilburg-2024-veiligheid",
        "dordrecht-2022-veiligheid",
    )


def test_a_report_is_named_with_its_municipality_once() -> None:
    corpus = Corpus(DOCUMENTS)
    assert corpus.label("dordrecht-2023-veiligheid") == (
        "Jaarstukken 2023 — Programma 3 Veiligheid (Dordrecht)"
    )
    assert corpus.label("tilburg-2024-veiligheid") == "Jaarverslag Tilburg 2024 — Veiligheid"


def test_the_corpus_facts_are_its_metadata() -> None:
    facts = Corpus(DOCUMENTS).facts()
    assert facts.municipalities == ("Dordrecht", "Tilburg")
    assert facts.programmes == ("Veiligheid", "Wonen")
    assert facts.years == (2022, 2023, 2024)


def test_covered_years_are_read_from_the_report_text() -> None:
    meta = {
        "d": SimpleNamespace(
            municipality="Dordrecht", year=2023, programme="Veiligheid", title="Jaarstukken 2023"
        )
    }
    text = "In 2023 daalde het aantal tot 371; in 2022 waren het er 452. Doel voor 2025: 350."
    corpus = Corpus.from_metadata(meta, {"d": text})
    assert corpus.documents["d"].covered_years == frozenset({2022, 2023, 2025})
