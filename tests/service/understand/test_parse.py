"""Reading one part: what it asks, which operation, what kind of figure, which years and
which place; and the question's scope against the corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.understand.parse import (
    CorpusFacts,
    read_part,
    read_scope,
    spell_question_words,
    understand,
)

CORPUS = CorpusFacts(
    municipalities=("Dordrecht", "Tilburg"), programmes=("Veiligheid",), years=(2023, 2024)
)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Hoeveel meldingen kreeg handhaving?", "amount"),
        ("Welk bedrag ging naar cameratoezicht?", "amount"),
        ("Welke wijk had de meeste overlastzaken?", "which"),
        ("Wie voert de aanpak van ondermijning uit?", "who"),
        ("Waar werden de meeste fietsen gestolen?", "where"),
        ("Wanneer is het project gestart?", "when"),
        ("Waarom zijn de lasten gestegen?", "why"),
        ("Hoe komt het dat er minder boetes waren?", "why"),
        ("Wat betekent BIBOB?", "definition"),
        ("Waar staat BOA voor?", "definition"),
        ("Is het doel gehaald?", "yesno"),
        ("Hoe veranderde het aantal overlastzaken?", "amount"),
        ("Hoe gaat de gemeente om met overlast?", "how"),
        ("overlastzaken Krispijn 2023", "keywords"),
        ("How many bicycles were stolen?", "amount"),
        ("Which district had the most cases?", "which"),
    ],
)
def test_what_a_part_asks(question: str, asks: str) -> None:
    assert read_part(question).asks == asks


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        ("Hoeveel fietsendiefstallen waren er in 2023?", "value"),
        ("Welke wijk had de meeste overlastzaken?", "max"),
        ("Welke wijk had de minste overlastzaken?", "min"),
        ("Hoeveel zaken hadden Krispijn en Dubbeldam samen?", "sum"),
        ("Hoeveel zaken waren er in totaal?", "sum"),
        ("Hoeveel meer zaken had Dubbeldam dan Krispijn?", "diff"),
        ("Wat is het verschil tussen begroting en realisatie?", "diff"),
        ("Hoeveel euro bleef toezicht onder de begroting?", "diff"),
        ("Hoeveel lager waren de lasten dan begroot?", "diff"),
        ("Met hoeveel procent is het aantal diefstallen gedaald?", "change"),
        ("Hoeveel is het aantal meldingen gestegen ten opzichte van 2022?", "change"),
        ("Welk aandeel van de zaken was afgerond?", "share"),
        ("Wat was het gemiddelde aantal zaken per wijk?", "average"),
        ("Is de streefwaarde gehaald?", "target"),
        ("Heeft de gemeente het doel behaald?", "target"),
        ("Welke wijken hadden geen overlastzaken?", "filter"),
        ("Welke wijken hadden meer dan 30 zaken?", "filter"),
        ("Which district had the most cases?", "max"),
    ],
)
def test_which_operation_a_part_asks(question: str, operation: str) -> None:
    assert read_part(question).operation == operation


def test_a_difference_wins_over_a_sum_when_both_are_named() -> None:
    assert read_part("Hoeveel meer zaken hadden Krispijn en Dubbeldam samen?").operation == "diff"


def test_samen_as_a_verb_particle_is_no_sum() -> None:
    assert read_part("Met wie werkt handhaving samen?").operation == "value"


@pytest.mark.parametrize(
    ("question", "threshold"),
    [
        ("Welke wijken hadden geen overlastzaken?", ("=", 0)),
        ("Welke wijken hadden meer dan 30 zaken?", (">", 30)),
        ("Welke wijken hadden minder dan 10 zaken?", ("<", 10)),
        ("Welke doelstellingen hadden een positief saldo?", (">", 0)),
        ("Welke doelstellingen hadden een negatief saldo?", ("<", 0)),
    ],
)
def test_a_selection_reads_its_threshold(question: str, threshold: tuple[str, int]) -> None:
    part = read_part(question)
    assert part.operation == "filter"
    assert part.threshold == (threshold[0], Decimal(threshold[1]))


def test_the_words_that_select_are_no_topic() -> None:
    assert read_part("Welke wijken hadden meer dan 30 zaken?").terms == ("wijken", "zaken")


def test_top_n_is_read_from_the_question() -> None:
    part = read_part("Welke drie wijken met de meeste zaken?")
    assert (part.operation, part.top_n) == ("top", 3)


def test_welke_drie_wijken_asks_the_top_three_wijken() -> None:
    part = read_part("Welke drie wijken hadden de meeste zaken?")
    assert (part.operation, part.top_n, part.group) == ("top", 3, "wijken")


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        ("Hoeveel euro kostte cameratoezicht?", "money"),
        ("Wat waren de lasten van toezicht?", "money"),
        ("Welk percentage van de zaken werd afgerond?", "percent"),
        ("Welk rapportcijfer gaven inwoners hun buurt?", "score"),
        ("Hoeveel meldingen kwamen er binnen?", "count"),
        ("Wanneer is het project gestart?", None),
    ],
)
def test_the_kind_of_figure_asked(question: str, amount: str | None) -> None:
    assert read_part(question).amount == amount


@pytest.mark.parametrize(
    ("question", "years", "relative"),
    [
        ("Hoeveel meldingen waren er in 2022 en 2023?", (2022, 2023), ()),
        ("Hoeveel meldingen waren er het jaar ervoor?", (), (-1,)),
        ("Hoeveel meldingen waren er het jaar daarvoor?", (), (-1,)),
        ("Hoeveel meldingen waren er vorig jaar?", (), (0,)),  # the report's own year
        ("Hoeveel meldingen komen er volgend jaar?", (), (1,)),
        ("Hoeveel meldingen waren er?", (), ()),
    ],
)
def test_years_and_years_relative_to_the_report(
    question: str, years: tuple[int, ...], relative: tuple[int, ...]
) -> None:
    part = read_part(question)
    assert (part.years, part.relative_years) == (years, relative)


def test_years_and_plain_counts_are_no_topic_words_but_codes_are() -> None:
    assert read_part("Hoeveel meldingen waren er in 2023?").terms == ("meldingen",)
    assert "2.3" in read_part("Wat waren de lasten van doelstelling 2.3?").terms


def test_since_a_year_is_read() -> None:
    part = read_part("Hoeveel inbraken waren er sinds 2021?")
    assert part.since and part.years == (2021,)
    assert not read_part("Hoeveel inbraken waren er van 2021 tot 2023?").since


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("Welke wijk had de meeste overlastzaken?", "wijk"),
        ("Welke doelstellingen hadden een positief saldo?", "doelstellingen"),
        ("Which district had the most cases?", "district"),
    ],
)
def test_the_group_noun_of_a_which_question(question: str, group: str) -> None:
    assert read_part(question).group == group


def test_which_kinds_of_costs_is_a_fact_not_a_figure() -> None:
    part = read_part("Welke kosten maakte de gemeente voor toezicht?")
    assert part.kind == "fact"


@pytest.mark.parametrize(
    "question", ["Wat is IPTA?", "Wat is de PGA Jeugd?", "Wat betekent BIBOB?", "Wat is een BOA?"]
)
def test_a_short_subject_asked_with_wat_is_is_a_definition(question: str) -> None:
    assert read_part(question).kind == "definition"


@pytest.mark.parametrize(
    "question",
    [
        "Wat is het kerndoel van IPTA?",
        "Wat waren de lasten van toezicht in 2023?",
        "Wat is het percentage afgeronde zaken?",
    ],
)
def test_a_question_about_something_of_the_subject_is_no_definition(question: str) -> None:
    assert read_part(question).kind != "definition"


def test_asking_what_a_figure_was_is_no_definition() -> None:
    assert read_part("Wat was het saldo?").kind != "definition"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel fietsendiefstallen waren er?", "figure"),
        ("Hoeveel zaken waren er samen?", "calculation"),
        ("Waarom daalde het aantal fietsendiefstallen?", "reason"),
        ("Wie voert de aanpak uit?", "fact"),
    ],
)
def test_the_kind_of_part(question: str, kind: str) -> None:
    assert read_part(question).kind == kind


def test_a_calculation_over_stated_figures_names_its_operands() -> None:
    plan = read_part("Hoeveel schade was er aan afvalbakken, containers en verharding samen?")
    assert plan.calculation is not None
    assert plan.calculation.operation == "sum"
    assert plan.calculation.operands == ("afvalbakken", "containers", "verharding")
    assert plan.calculation.unit == "euro"


# -- scope ------------------------------------------------------------------------------------


def test_a_municipality_of_the_corpus_is_in_scope() -> None:
    scope = read_scope("Hoeveel inbraken waren er in Tilburg in 2024?", CORPUS)
    assert scope.municipalities == ("Tilburg",)
    assert scope.elsewhere == ()
    assert scope.years == (2024,)


@pytest.mark.parametrize(
    ("question", "official"),
    [
        ("Hoeveel inbraken had Den Haag?", "'s-Gravenhage"),
        ("Hoeveel inbraken had Den Bosch?", "'s-Hertogenbosch"),
        ("How many burglaries in The Hague?", "'s-Gravenhage"),
        ("Hoeveel inbraken had Utrecht?", "Utrecht"),
    ],
)
def test_another_dutch_municipality_is_elsewhere(question: str, official: str) -> None:
    scope = read_scope(question, CORPUS)
    assert scope.municipalities == ()
    assert scope.elsewhere == (official,)


def test_one_of_the_corpus_and_one_elsewhere_are_told_apart() -> None:
    scope = read_scope("Hoeveel kostte veiligheid in Dordrecht en in Utrecht?", CORPUS)
    assert scope.municipalities == ("Dordrecht",)
    assert scope.elsewhere == ("Utrecht",)
    assert scope.programmes == ("Veiligheid",)


@pytest.mark.parametrize(
    ("question", "elsewhere"),
    [
        ("Wat deed Best aan veiligheid?", ("Best",)),
        ("Wat was het best bezochte evenement?", ()),
        ("Hoeveel inbraken waren er in Ede?", ("Ede",)),
        ("waar ging ede heen", ()),
    ],
)
def test_short_names_count_only_when_written_as_a_name(
    question: str, elsewhere: tuple[str, ...]
) -> None:
    assert read_scope(question, CORPUS).elsewhere == elsewhere


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel klachten over overlast van buren waren er?",
        "Hoeveel meldingen over overlast door duiven waren er?",
        "hoeveel inbraken in huizen waren er in 2024?",  # all lower case, a word of the list
        "hoeveel gedoe met lastige buren was er?",
    ],
)
def test_a_common_noun_in_lower_case_is_no_municipality(question: str) -> None:
    assert read_scope(question, CORPUS).elsewhere == ()


@pytest.mark.parametrize(
    ("question", "elsewhere"),
    [
        ("hoeveel inbraken waren er in de gemeente huizen?", ("Huizen",)),
        ("Hoeveel inbraken waren er in Huizen?", ("Huizen",)),
        ("hoeveel inbraken waren er in zwolle?", ("Zwolle",)),
    ],
)
def test_a_name_that_is_also_a_word_counts_when_written_or_called_a_municipality(
    question: str, elsewhere: tuple[str, ...]
) -> None:
    assert read_scope(question, CORPUS).elsewhere == elsewhere


def test_a_part_that_names_its_municipality_searches_without_the_name() -> None:
    frame = understand("Hoeveel inbraken waren er in Tilburg?", corpus=CORPUS)
    part = frame.parts[0]
    assert "Tilburg" not in part.search_text and "inbraken" in part.search_text
    assert "Tilburg" in part.asked  # tables still see it


@pytest.mark.parametrize(
    ("question", "relative"),
    [
        ("Hoeveel hoger was de schade dan een jaar eerder?", (-1, 0)),
        ("Hoeveel fietsendiefstallen waren er het jaar ervoor?", (-1,)),
        ("Hoeveel hoger was de schade in 2023 dan een jaar eerder?", (-1,)),
    ],
)
def test_a_change_since_a_relative_year_spans_that_year_and_the_reports(
    question: str, relative: tuple[int, ...]
) -> None:
    assert read_part(question).relative_years == relative


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("hoevel inbraken waren er in 2023?", "amount"),
        ("Wanner begon de campagne?", "when"),
        ("warom stegen de meldingen?", "why"),
    ],
)
def test_a_typo_in_a_question_word_still_asks_what_it_meant(question: str, asks: str) -> None:
    assert read_part(spell_question_words(question)).asks == asks
    assert understand(question).parts[0].asks == asks


@pytest.mark.parametrize("word", ["hoewel", "Waarop", "zaken", "Hoeveelheid"])
def test_words_near_a_question_word_but_not_one_are_left_alone(word: str) -> None:
    assert spell_question_words(f"{word} staat er?") == f"{word} staat er?"
