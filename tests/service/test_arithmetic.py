"""Calculations over figures in the running text: planned from the question, shown, cited."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from service.arithmetic import (
    CalculationPlan,
    amounts,
    answer_calculation,
    plan_calculation,
)
from service.answer.grounding import ungrounded_numbers
from service.knowledge import SentenceUnit
from service.lexical import fold, stem
from service.web.schemas import AskResponse, Citation
from tests.conftest import REPORT_NAME, model_available

QUESTIONS = Path(__file__).resolve().parents[2] / "evals" / "questions.jsonl"

# --- planning -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "operation", "operands"),
    [
        (
            "hoeveel meer schade was er aan afvalbakken dan aan containers?",
            "difference",
            ("afvalbakken", "containers"),
        ),
        (
            "How much more damage was there to litter bins than to containers?",
            "difference",
            ("litter bins", "containers"),
        ),
        (
            "hoeveel meer schade aan afvalbakkne dan aan contaners",
            "difference",
            ("afvalbakkne", "contaners"),
        ),
        (
            "Wat is het verschil tussen de schade aan afvalbakken en de schade aan containers?",
            "difference",
            ("afvalbakken", "containers"),
        ),
        (
            "Hoeveel meer woonoverlastcasussen dan ondermijningscasussen werden er behandeld?",
            "difference",
            ("woonoverlastcasussen", "ondermijningscasussen"),
        ),
        (
            "Hoeveel bedroeg de schade aan afvalbakken, containers en verharding samen?",
            "sum",
            ("afvalbakken", "containers", "verharding"),
        ),
        (
            "Hoeveel jongeren werden in 2024 in totaal begeleid door IPTA en de RIO?",
            "sum",
            ("ipta", "rio"),
        ),
        (
            "How many new trajectories started in 2024 at IPTA and RIO combined?",
            "sum",
            ("ipta", "rio"),
        ),
        (
            "Met hoeveel ondernemers is gesproken via de controledagen en de knock and talk "
            "gesprekken samen?",
            "sum",
            ("controledagen", "knock and talk gesprekken"),
        ),
        (
            "Welk deel van de totale schade bij de jaarwisseling kwam door afvalbakken?",
            "share",
            ("afvalbakken", "totale schade bij de jaarwisseling"),
        ),
        (
            "What share of the enforcement reports concerned illegal parking?",
            "share",
            ("illegal parking", "enforcement reports"),
        ),
        (
            "Hoeveel gebiedsverboden hadden niets met wapens te maken?",
            "remainder",
            ("gebiedsverboden", "met wapens"),
        ),
        (
            "Met hoeveel euro is de schade aan containers gestegen ten opzichte van vorig jaar?",
            "change",
            ("containers",),
        ),
        ("hoeveel minder schade aan verharding dan vorig jaar", "change", ("verharding",)),
        (
            "Hoeveel meer vouchers voor zandzakken zijn ingeleverd dan bij de vorige "
            "jaarwisseling?",
            "change",
            ("zandzakken",),
        ),
        (
            "By how many percentage points did the share of weapon-related area bans rise "
            "compared to 2023?",
            "change",
            ("weapon-related area bans",),
        ),
    ],
)
def test_plan_reads_operation_and_operands(
    question: str, operation: str, operands: tuple[str, ...]
) -> None:
    plan = plan_calculation(question)
    assert plan is not None
    assert plan.operation == operation
    assert plan.operands == operands


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel meldingen verwerkte handhaving?",
        "Wat is de schade aan afvalbakken?",
        "Hoeveel jongeren zaten in de PGA?",
        "Met hoeveel procent is de digitale criminaliteit gestegen?",
        "Hoeveel meldingen over weesfietsen en wrakfietsen",
        "Hoeveel bedrijven zijn gecontroleerd en bij hoeveel controles werden honden ingezet?",
        "Hoeveel gebiedsverboden hadden te maken met wapens?",
        "Welke maatregelen nam de gemeente om schade bij de jaarwisseling te beperken?",
        "Welk deel daarvan kwam van partners?",
        "Hoeveel procent van de lopende casussen zat in Seghwaert en Noordhove samen?",
        "Wat vind jij van het veiligheidsbeleid van Zoetermeer?",
        "Hoeveel woninginbraken waren er in 2024?",
        "How many professionals were trained in 2024?",
        "Hoeveel jongeren zaten in totaal in de PGA en hoe lang?",
    ],
)
def test_questions_without_a_calculation_get_no_plan(question: str) -> None:
    assert plan_calculation(question) is None


def test_plan_carries_measure_context_unit_and_baseline() -> None:
    plan = plan_calculation(
        "Hoeveel jongeren werden in 2024 in totaal begeleid door IPTA en de RIO?"
    )
    assert plan is not None
    assert plan.measure == ("jongeren",)
    assert "begeleid" in plan.context
    assert plan.unit == "count"
    change = plan_calculation(
        "Met hoeveel euro is de schade aan containers gestegen ten opzichte van 2023?"
    )
    assert change is not None
    assert (change.unit, change.baseline_year, change.measure) == ("euro", 2023, ("schade",))
    relative = plan_calculation(
        "Met hoeveel procent is de schade aan containers gestegen sinds vorig jaar?"
    )
    assert relative is not None and relative.relative


# --- figures in a sentence ------------------------------------------------------------------


def test_amounts_skip_years_ages_and_mark_earlier_years_and_changes() -> None:
    found = amounts("Met € 6.600 ligt deze wel een stuk lager dan vorig jaar (2023: € 15.350).")
    assert [(a.value, a.euro, a.year) for a in found] == [
        (Decimal(6600), True, None),
        (Decimal(15350), True, "2023"),
    ]
    assert amounts("De doelgroep bestaat uit jongeren van 12 tot 23 jaar.") == []
    delta = amounts("Dit betekent een toename van € 11.070 ten opzichte van 2023-2024.")
    assert [a.delta for a in delta] == [True]
    vouchers = amounts(
        "zijn 971 vouchers ingeleverd, terwijl dit bij de jaarwisseling 2023/2024 507 vouchers"
    )
    assert [(a.value, a.year) for a in vouchers] == [(971, None), (507, "2023/2024")]
    assert [a.percent for a in amounts("In 2023 was dat percentage 46%.")] == [True]


# --- answering with a fake finder -------------------------------------------------------------

# (section, sentence as the index holds it: one line, spaces folded)
SENTENCES = [
    ("Handhaving", "In 2024 heeft Team Handhaving in totaal 13.939 meldingen verwerkt."),
    ("Handhaving", "Dit is een stijging van 30,8% ten opzichte van 2023."),
    (
        "Handhaving",
        "Meldingen die behoren tot de categorie ‘Voertuigen’ hadden vooral betrekking op "
        "foutgeparkeerde voertuigen.",
    ),
    ("Handhaving", "Het gaat om 3.877 meldingen."),
    ("Jaarwisseling", "De schade aan gemeentelijke eigendommen bedraagt dit jaar € 63.857."),
    (
        "Jaarwisseling",
        "Dit betekent een toename van € 11.070 ten opzichte van de schade tijdens de "
        "jaarwisseling 2023-2024.",
    ),
    (
        "Jaarwisseling",
        "De schade aan afvalbakken vormt met € 28.122 de hoogste schadepost deze jaarwisseling.",
    ),
    ("Jaarwisseling", "Dit is volledig veroorzaakt door zwaar (illegaal) vuurwerk."),
    (
        "Jaarwisseling",
        "Op de tweede plaats komt de schade aan mini- en ondergrondse containers (€ 12.615).",
    ),
    ("Jaarwisseling", "Dit is veel hoger dan vorig jaar (2023: € 2.305)."),
    (
        "Jaarwisseling",
        "Dit komt door de vernieling van een bedienzuil van een ondergrondse container (€ 12.035).",
    ),
    ("Jaarwisseling", "De op twee na grootste schadepost is die aan verharding."),
    ("Jaarwisseling", "Met € 6.600 ligt deze wel een stuk lager dan vorig jaar (2023: € 15.350)."),
    (
        "Integrale Persoonsgerichte Toeleiding naar Arbeid (IPTA)",
        "In 2024 zijn in totaal 54 jongeren begeleid, waarvan er 17 in dit jaar zijn gestart.",
    ),
    (
        "Re-integratie officier (RIO)",
        "Met de RIO- aanpak zijn in 2024 14 (ex-)detentiejongeren begeleid waarvan 4 "
        "begeleidingstrajecten in dit jaar zijn gestart.",
    ),
    ("Re-integratie officier (RIO)", "Vorig jaar hebben 41 personen een gebiedsverbod gekregen."),
    (
        "Re-integratie officier (RIO)",
        "Aan 27 van die 41 personen is in het kader van de aanpak "
        "‘Wapens en jongeren’ een gebiedsverbod opgelegd.",
    ),
]


def _span(source: str, sentence: str) -> tuple[int, int]:
    """Where a sentence sits in the report, across its line breaks and hyphenation."""
    if sentence in source:
        start = source.index(sentence)
        return start, start + len(sentence)
    pattern = r"\s*".join(re.escape(w) for w in sentence.split())
    match = re.search(pattern, source)
    assert match, sentence
    return match.start(), match.end()


class FakeFinder:
    """Ranks hand-made sentences by shared word stems; cites them from the real report."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.units = []
        for section, text in SENTENCES:
            start, end = _span(source, text)
            self.units.append(
                SentenceUnit(REPORT_NAME, f"Programma 5 > {section}", text, start, end)
            )
        self.units.sort(key=lambda u: u.start)

    @staticmethod
    def _stems(text: str) -> set[str]:
        return {stem(w)[:6] for w in re.findall(r"[^\W\d_]+", fold(text)) if len(w) > 2}

    def find_sentences(self, query: str, k: int) -> list[tuple[SentenceUnit, float]]:
        wanted = self._stems(query)
        scored = [
            (u, len(wanted & self._stems(f"{u.text} {u.section}")) + 0.001 * -i)
            for i, u in enumerate(self.units)
        ]
        return sorted(scored, key=lambda s: -s[1])[:k]

    def cite(self, number: int, unit: SentenceUnit) -> Citation:
        quote = self.source[unit.start : unit.end]
        return Citation(
            id=number,
            document=unit.document,
            section=unit.section,
            quote=quote,
            start=unit.start,
            end=unit.end,
        )


@pytest.fixture
def finder(source: str) -> FakeFinder:
    return FakeFinder(source)


def _answer(question: str, finder: FakeFinder) -> AskResponse | None:
    plan = plan_calculation(question)
    assert plan is not None, question
    return answer_calculation(question, plan, finder, plan.language)


def _assert_grounded_and_verbatim(response: AskResponse, source: str) -> None:
    assert response.route == "text"
    assert ungrounded_numbers(response) == []
    for citation in response.citations:
        assert source[citation.start : citation.end] == citation.quote
        assert f"[{citation.id}]" in response.answer


@pytest.mark.parametrize(
    ("question", "calculation", "quoted"),
    [
        (
            "hoeveel meer schade was er aan afvalbakken dan aan containers?",
            "€ 28.122 − € 12.615 = € 15.507",
            ["€ 28.122", "€ 12.615"],
        ),
        (
            "Hoeveel bedroeg de schade aan afvalbakken, containers en verharding samen?",
            "€ 28.122 + € 12.615 + € 6.600 = € 47.337",
            ["€ 28.122", "€ 12.615", "€ 6.600"],
        ),
        (
            "Hoeveel jongeren werden in 2024 in totaal begeleid door IPTA en de RIO?",
            "54 + 14 = 68",
            ["54 jongeren", "14 (ex-)detentiejongeren"],
        ),
        (
            "Welk deel van de totale schade bij de jaarwisseling kwam door afvalbakken?",
            "€ 28.122 / € 63.857 = 44,0%",
            ["€ 28.122", "€ 63.857"],
        ),
        (
            "Welk deel van de handhavingsmeldingen ging over foutparkeren?",
            "3.877 / 13.939 = 27,8%",
            ["3.877", "13.939"],
        ),
        (
            "Met hoeveel euro is de schade aan containers gestegen ten opzichte van vorig jaar?",
            "€ 12.615 − € 2.305 = € 10.310",
            ["€ 12.615", "€ 2.305"],
        ),
        (
            "Hoeveel gebiedsverboden hadden niets met wapens te maken?",
            "41 − 27 = 14",
            ["41 personen", "27 van die 41"],
        ),
        (
            "hoeveel minder schade aan verharding dan vorig jaar",
            "€ 15.350 − € 6.600 = € 8.750",
            ["verharding", "€ 6.600", "€ 15.350"],
        ),
    ],
)
def test_answer_shows_the_calculation_and_cites_each_operand(
    question: str, calculation: str, quoted: list[str], finder: FakeFinder, source: str
) -> None:
    response = _answer(question, finder)
    assert response is not None
    assert calculation in response.answer
    quotes = " ".join(" ".join(c.quote.split()) for c in response.citations)
    assert all(q in quotes for q in quoted)
    _assert_grounded_and_verbatim(response, source)


def test_english_question_is_answered_in_english(finder: FakeFinder, source: str) -> None:
    response = _answer("How much more damage was there to litter bins than to containers?", finder)
    assert response is not None
    assert response.language == "en"
    assert response.answer.startswith("Litter bins: € 28.122 [1]. Containers: € 12.615 [2].")
    assert "Calculation: € 28.122 − € 12.615 = € 15.507." in response.answer
    _assert_grounded_and_verbatim(response, source)


def test_a_reversed_difference_says_less_instead_of_a_negative(finder: FakeFinder) -> None:
    response = _answer("Hoeveel meer schade aan containers dan aan afvalbakken?", finder)
    assert response is not None
    assert "€ 28.122 − € 12.615 = € 15.507" in response.answer
    assert "lager" in response.answer
    assert "-" not in response.answer.replace("−", "")


def test_new_trajectories_pick_the_started_figure_not_the_total(finder: FakeFinder) -> None:
    response = _answer(
        "How many new trajectories started in 2024 at IPTA and RIO combined?", finder
    )
    assert response is not None
    assert "17 + 4 = 21" in response.answer


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel schade was er aan bushokjes en afvalbakken samen?",
        "Hoeveel meer fietsendiefstallen dan woninginbraken?",
        "Welk deel van de signalen kwam van partners?",  # no such sentences in the fake
    ],
)
def test_an_operand_the_report_does_not_state_gives_no_answer(
    question: str, finder: FakeFinder
) -> None:
    assert _answer(question, finder) is None


def test_an_earlier_year_is_never_taken_for_this_year(finder: FakeFinder) -> None:
    plan = CalculationPlan("sum", ("verharding", "afvalbakken"), measure=("schade",), unit="euro")
    response = answer_calculation("schade verharding en afvalbakken samen", plan, finder, "nl")
    assert response is not None
    assert "€ 6.600 + € 28.122 = € 34.722" in response.answer
    assert "€ 15.350 +" not in response.answer


# --- the real assistant on the evaluation set --------------------------------------------------


def _eval_questions(category: str) -> list[dict]:
    """Standalone questions of one category (a follow-up needs its history, which we skip)."""
    rows = [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["category"] == category and not r["history"]]


@pytest.fixture(scope="module")
def assistant():  # type: ignore[no-untyped-def]
    from service.answer import build_assistant
    from service.settings import Settings

    return build_assistant(Settings())


@pytest.mark.integration
@pytest.mark.skipif(not model_available(), reason="model not built: run `make model`")
def test_multi_hop_text_questions_are_mostly_right(assistant, capsys) -> None:  # type: ignore[no-untyped-def]
    from evals.metrics import facts_present
    from service.web.schemas import AskRequest

    questions = [q for q in _eval_questions("multi_hop") if q["route"] == "text"]
    right = []
    for q in questions:
        plan = plan_calculation(q["question"])
        response = (
            answer_calculation(q["question"], plan, assistant, plan.language) if plan else None
        )
        if response is None:
            response = assistant.ask(AskRequest(question=q["question"]))
        else:
            assert ungrounded_numbers(response) == []
        if facts_present(response.answer, q["must_contain"]):
            right.append(q["id"])
    with capsys.disabled():
        print(f"\nmulti_hop text questions right: {len(right)}/{len(questions)}")
    assert len(right) >= 0.7 * len(questions)


@pytest.mark.integration
@pytest.mark.skipif(not model_available(), reason="model not built: run `make model`")
@pytest.mark.parametrize("category", ["text_number", "text_fact", "unanswerable"])
def test_other_questions_never_get_a_wrong_calculation(assistant, category: str) -> None:  # type: ignore[no-untyped-def]
    from evals.metrics import facts_present

    for q in _eval_questions(category):
        plan = plan_calculation(q["question"])
        response = (
            answer_calculation(q["question"], plan, assistant, plan.language) if plan else None
        )
        if response is None:
            continue
        assert q["route"] == "text", q["id"]
        assert facts_present(response.answer, q["must_contain"]), q["id"]
