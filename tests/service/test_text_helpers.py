"""Small pure pieces of the text route: derivations, abbreviations, follow-ups, Dutch words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.answer.definitions import explain, find_abbreviations
from service.answer.figures import derive_earlier
from service.answer.text import _states_change_since
from service.lexicon.vocabulary import Vocabulary, could_be_noun, rewrite_phrases
from service.understand.parse import CorpusFacts, read_part, read_scope, understand
from service.understand.register import detect_language, read_register

FACTS = CorpusFacts(municipalities=("Zoetermeer",), programmes=("Veiligheid",), years=(2024,))


def test_earlier_year_is_worked_out_from_level_and_change() -> None:
    level = "In 2024 heeft de politie 228 meldingen geregistreerd."
    change = "Dat zijn er 35 meer dan in 2023."
    found = derive_earlier(2023, level, change)
    assert found is not None and found.result == Decimal(193)
    assert found.calculation() == "228 − 35 = 193"


def test_a_decrease_is_added_back_and_euros_stay_euros() -> None:
    found = derive_earlier(
        2023, "De schade bedraagt dit jaar € 6.600.", "Dat is een daling van € 8.750 sinds 2023."
    )
    assert found is not None and found.calculation() == "€ 6.600 + € 8.750 = € 15.350"


def test_no_derivation_without_that_year_or_a_change() -> None:
    assert (
        derive_earlier(2022, "Er waren 228 meldingen.", "Dat zijn er 35 meer dan in 2023.") is None
    )
    assert derive_earlier(2023, "Er waren 228 meldingen.", "In 2023 waren het er minder.") is None


def test_abbreviations_come_from_the_reports_own_definitions(source: str) -> None:
    found = find_abbreviations([source])
    assert found["RIO"] == "Re-integratie officier"
    assert found["HIC"] == "high impact crime"
    assert found["OMO"] == "Ondersteuningsnetwerk Maatschappelijk Onrust"
    assert found["PGA"] == "Persoonsgerichte aanpak"
    assert explain("Met de RIO-aanpak zijn 14 jongeren begeleid.", found) == [
        ("RIO", "Re-integratie officier")
    ]
    assert explain("De Re-integratie officier (RIO) begeleidt.", found) == []


def test_follow_up_carries_the_topic_and_a_new_question_does_not() -> None:
    earlier = ["Hoeveel signalen over ondermijning kwamen binnen?"]
    follow = understand("welk deel daarvan kwam van partners?", earlier, FACTS)
    assert follow.followup and "ondermijning" in follow.parts[0].carried
    assert follow.resolved is not None and "over:" in follow.resolved
    fresh = understand("Hoeveel gebiedsverboden zijn opgelegd in 2024?", earlier, FACTS)
    assert not fresh.followup and fresh.parts[0].carried == ()


@pytest.mark.parametrize(
    ("question", "language"),
    [("How many burglaries were there?", "en"), ("Hoeveel inbraken waren er?", "nl")],
)
def test_language_is_detected(question: str, language: str) -> None:
    assert detect_language(question) == language


def test_unknown_nouns_are_found_but_verbs_and_adjectives_are_not() -> None:
    lexicon = Vocabulary(["De schade aan afvalbakken tijdens de jaarwisseling.", "Woninginbraken."])
    assert lexicon.unknown_words("Hoeveel schade was er aan bushokjes?") == ["bushokjes"]
    assert lexicon.unknown_words("Welke buitenlandse afvalbakken werden beeindigd?") == []
    assert lexicon.unknown_words("Hoeveel inbraken?") == []  # inside "woninginbraken"
    assert could_be_noun("telefoonnummer") and not could_be_noun("afgehandeld")


def test_a_typo_of_a_function_word_is_no_topic() -> None:
    vocabulary = Vocabulary(["Er waren 89 woninginbraken in de gemeente."])
    topics = [phrase for phrase, _ in vocabulary.concept_spans("hoeveel inbraken warren er?")]
    assert topics == ["inbraken"]
    assert vocabulary.unknown_words("hoeveel inbraken warren er?") == []


def test_everyday_phrases_bring_the_reports_words() -> None:
    assert (
        rewrite_phrases("Hoeveel schade met oud en nieuw?")
        == "Hoeveel schade met oud en nieuw (jaarwisseling)?"
    )


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Moet de gemeente meer camera's ophangen?", "opinion"),
        ("Wat vindt u van het beleid?", "opinion"),
        ("Wie is de burgemeester?", "person"),
        ("Kun je mijn buurman aangeven voor overlast?", "action"),
        ("Wat is het telefoonnummer van het team?", "contact"),
    ],
)
def test_rules_refuse_before_any_search(question: str, reason: str) -> None:
    assert read_register(question).refusal == reason


def test_a_factual_question_passes_the_rules() -> None:
    assert read_register("Hoeveel meldingen verwerkte handhaving in 2024?").refusal is None
    assert read_register("Kunt u aangeven hoeveel meldingen er waren?").refusal is None
    assert read_scope("Hoeveel inbraken in Delft?", FACTS).elsewhere == ("Delft",)
    scope = read_scope("Werkt Zoetermeer samen met Delft?", FACTS)
    assert scope.municipalities == ("Zoetermeer",) and scope.elsewhere == ("Delft",)


def test_which_questions_prefer_sentences_that_name_something_new() -> None:
    from service.answer.extract import _names_new

    question = "Welke instanties deden mee aan de controledagen?"
    named = "Ook hebben de Nederlandse Arbeidsinspectie, Douane en Stedin deelgenomen."
    assert _names_new(named, question)
    assert not _names_new("In 2024 hebben 6 integrale controledagen plaatsgevonden.", question)
    assert _names_new("Lichte criminaliteit (zoals winkeldiefstal, vandalisme).", "Wat voor …?")


@pytest.mark.parametrize(
    ("question", "quote", "year", "answers"),
    [
        (
            "Met hoeveel is het aantal zaken toegenomen sinds 2022?",
            "Het aantal steeg van 40 naar 52.",
            2022,
            True,
        ),
        (
            "Met hoeveel is het aantal zaken toegenomen sinds 2021?",
            "Het aantal steeg van 40 naar 52.",
            2021,
            False,
        ),
        (
            "Met hoeveel is het aantal zaken toegenomen sinds 2022?",
            "Er waren 52 zaken.",
            2022,
            False,
        ),
        ("Hoeveel zaken waren er in 2022?", "Het aantal steeg van 40 naar 52.", 2022, False),
    ],
)
def test_a_stated_change_answers_a_change_since_the_year_before(
    question: str, quote: str, year: int, answers: bool
) -> None:
    assert _states_change_since(quote, year, 2023, read_part(question)) is answers


def test_a_verb_form_in_dt_is_no_noun() -> None:
    assert not could_be_noun("inhoudt") and not could_be_noun("wordt")
    assert could_be_noun("stad") and could_be_noun("bedrijf")


def test_a_phrase_the_reports_use_keeps_its_own_words() -> None:
    vocabulary = Vocabulary(["Hulp bij het huishouden 812.", "Rapportcijfer veiligheid 7,6."])
    ((_, dutch),) = vocabulary.concept_spans("hulp bij het huishouden")
    assert "hulp" in dutch and "huishoud" in dutch
    english = dict(vocabulary.concept_spans("safety score"))
    assert not any(t.startswith(("safety", "score")) for c in english.values() for t in c)
    # an idiom the reports never write stands for the report's word only
    ((_, idiom),) = Vocabulary(["Het nieuwe jaar, de jaarwisseling."]).concept_spans("oud en nieuw")
    assert "jaarwissel" in idiom and not any(t.startswith("nieuw") for t in idiom)


def test_a_hyphenated_kind_is_narrowed_only_before_a_word_the_report_does_not_use() -> None:
    vocabulary = Vocabulary(["Wmo maatwerkvoorzieningen, woonvoorzieningen en winkeldiefstallen."])
    assert vocabulary.narrowed("Hoeveel auto-diefstallen?") == {"autodiefstallen"}
    assert vocabulary.narrowed("Hoeveel Wmo-voorzieningen?") == set()
    # the narrowed word is a kind of its own, never "corrected" into a report word
    concepts = dict(vocabulary.concept_spans("Hoeveel auto-diefstallen?"))
    assert not any("winkeldiefstal" in t for c in concepts.values() for t in c if c[t] >= 1.0)
