"""Each metric on small hand-made cases, including the cases where it must fail."""

from __future__ import annotations

import pytest

from evals import metrics

# --- answer facts ---------------------------------------------------------------------------


def test_number_matches_with_or_without_thousands_dot():
    assert metrics.contains_alternative("Er waren 13939 meldingen.", "13.939")
    assert metrics.contains_alternative("Er waren 13.939 meldingen.", "13939")
    assert metrics.contains_alternative("De schade was €63.857.", "€ 63.857")


def test_number_inside_a_longer_number_does_not_count():
    assert not metrics.contains_alternative("Er waren 13.939 meldingen.", "13.9")
    assert not metrics.contains_alternative("Het cijfer was 8,2.", "8")
    assert not metrics.contains_alternative("In 2026 niet.", "6")
    assert not metrics.contains_alternative("Er waren 1240 euro.", "124")


def test_words_match_case_and_accent_insensitive_but_whole():
    assert metrics.contains_alternative("De CASUISTIEK is afgerond", "casuïstiek")
    assert metrics.contains_alternative("Wijk Meerzicht.", "meerzicht")
    assert not metrics.contains_alternative("Buytenwegh", "Buytenweg")


def test_negative_table_value_matches_its_magnitude():
    assert metrics.contains_alternative("Het saldo is -3.372 (x € 1.000).", "3.372")
    assert metrics.contains_alternative("Het saldo is −3.372.", "-3.372")


def test_all_groups_must_be_present():
    groups = [["68"], ["afgerond", "gesloten"]]
    assert metrics.facts_present("68 casussen zijn afgerond", groups)
    assert metrics.facts_present("68 zijn gesloten", groups)
    assert not metrics.facts_present("68 casussen lopen nog", groups)


def test_right_facts_on_the_wrong_route_is_wrong():
    assert metrics.answer_correct("89 inbraken", "table", [["89"]], "table")
    assert not metrics.answer_correct("89 inbraken", "text", [["89"]], "table")
    assert not metrics.answer_correct("97 inbraken", "table", [["89"]], "table")


def test_refusal_is_correct_only_when_the_system_refuses():
    assert metrics.answer_correct("Dat staat niet in het verslag.", "refusal", [], "refusal")
    assert not metrics.answer_correct("Er waren 12 fietsendiefstallen.", "text", [], "refusal")


# --- citations and retrieval -----------------------------------------------------------------


def test_overlap_is_half_open():
    assert metrics.overlaps((0, 10), (9, 20))
    assert not metrics.overlaps((0, 10), (10, 20))


def test_citation_precision_and_recall_by_overlap():
    gold = [(100, 150), (300, 320)]
    counts = metrics.citation_counts([(90, 110), (500, 600)], gold)
    assert counts == metrics.CitationCounts(cited=2, relevant=1, gold=2, gold_found=1)
    precision, recall = metrics.citation_precision_recall([counts])
    assert precision == 0.5 and recall == 0.5


def test_citations_far_from_the_evidence_score_zero():
    counts = metrics.citation_counts([(0, 50)], [(100, 150)])
    assert metrics.citation_precision_recall([counts]) == (0.0, 0.0)


def test_citation_scores_are_micro_averaged():
    a = metrics.citation_counts([(0, 10)], [(0, 10)])
    b = metrics.citation_counts([(50, 60), (70, 80), (90, 95)], [(200, 210)])
    precision, recall = metrics.citation_precision_recall([a, b])
    assert precision == pytest.approx(1 / 4) and recall == pytest.approx(1 / 2)


def test_verbatim_requires_exact_text_at_the_offsets():
    source = "Het gaat om 3.877 meldingen."
    assert metrics.is_verbatim(source, 12, 17, "3.877")
    assert not metrics.is_verbatim(source, 11, 17, "3.877")
    assert not metrics.is_verbatim(source, 12, 17, "3877")
    assert not metrics.is_verbatim(source, 20, 99, "x")


def test_share_of_nothing_is_unknown_not_zero():
    assert metrics.share([]) is None
    assert metrics.share([True, False, True, True]) == 0.75


def test_recall_at_k_and_mrr():
    gold = [(100, 120), (400, 420)]
    ranked = [(0, 50), (390, 410), (95, 105)]
    assert metrics.recall_at_k(ranked, gold, 1) == 0.0
    assert metrics.recall_at_k(ranked, gold, 2) == 0.5
    assert metrics.recall_at_k(ranked, gold, 3) == 1.0
    assert metrics.reciprocal_rank(ranked, gold) == 0.5
    assert metrics.reciprocal_rank([(0, 50)], gold) == 0.0
    with pytest.raises(ValueError):
        metrics.recall_at_k(ranked, [], 1)


# --- refusals and routes ---------------------------------------------------------------------


def test_refusal_precision_and_recall():
    predicted = ["refusal", "refusal", "text", "table"]
    gold = ["refusal", "text", "refusal", "table"]
    assert metrics.refusal_precision_recall(predicted, gold) == (0.5, 0.5)


def test_a_system_that_never_refuses_has_zero_recall_and_no_precision():
    assert metrics.refusal_precision_recall(["text", "text"], ["refusal", "text"]) == (None, 0.0)


def test_route_accuracy():
    assert metrics.route_accuracy(
        ["text", "table", "text"], ["text", "text", "text"]
    ) == pytest.approx(2 / 3)


# --- grounding -------------------------------------------------------------------------------


def test_extracts_dutch_numbers_with_their_values():
    tokens = metrics.extract_numbers("€ 63.857, 30,8% en een 7,5; daarnaast 13.939 meldingen.")
    assert [t.text for t in tokens] == ["63.857", "30,8", "7,5", "13.939"]
    assert (
        63857.0 in tokens[0].values and tokens[1].values == {30.8} and 13939.0 in tokens[3].values
    )


def test_numbers_from_the_cited_quote_are_grounded():
    quote = "In 2024 heeft Team Handhaving in totaal 13.939 meldingen verwerkt."
    assert (
        metrics.grounding_violations("Team Handhaving verwerkte 13939 meldingen [1].", [quote])
        == []
    )


def test_an_invented_number_is_a_violation():
    quote = "In 2024 heeft Team Handhaving in totaal 13.939 meldingen verwerkt."
    assert metrics.grounding_violations("Het waren 14.200 meldingen [1].", [quote]) == ["14.200"]


def test_the_headings_of_a_multi_part_answer_restate_the_question_and_claim_nothing():
    quote = "Realisatie 97 89"
    answer = "1. Waren er meer dan 100 inbraken?\nNee: 89 [1].\n\n2. En in 2023?\n97 [1]."
    assert metrics.grounding_violations(answer, [quote]) == []
    assert metrics.grounding_violations("1. Hoeveel?\nHet waren er 120 [1].", [quote]) == ["120"]


def test_a_shown_calculation_grounds_its_result_but_a_wrong_one_does_not():
    quotes = ["met € 28.122 de hoogste schadepost", "containers (€ 12.615)"]
    assert metrics.grounding_violations("€ 28.122 − € 12.615 = € 15.507 [1][2]", quotes) == []
    assert metrics.grounding_violations("€ 28.122 − € 12.615 = € 16.000", quotes) == ["16.000"]
    assert metrics.grounding_violations("4 + 24 + 3 = 31", ["4 6 24 9 3 0 46"]) == []


def test_a_result_stated_before_its_calculation_is_grounded():
    answer = "Er waren 58 casussen. Berekening: 34 + 24 = 58."
    assert metrics.grounding_violations(answer, ["Totaal 34 24 99 39 9 5 210"]) == []


def test_calculations_with_brackets_and_percentages_count():
    assert metrics.shown_results("144 + (-3.372) + (-16.672) = -19.900") == {19900.0}
    assert metrics.shown_results("16 / 34 = 47,1%") == {47.1}
    assert metrics.shown_results("16 / 34 = 52%") == set()


def test_table_amounts_written_out_in_euros_need_the_unit_named():
    quote = ["Bevorderen /behouden veiligheid en leefbaarheid in de wijk (5.2) -3.374 1 0 0 -3.372"]
    assert metrics.grounding_violations("€ 3.374.000 (-3.374 x € 1.000)", quote) == []
    assert metrics.grounding_violations("€ 3.374.000", quote) == ["3.374.000"]


def test_the_reports_own_year_is_context_not_a_claim():
    quote = ["Realisatie 97 89"]
    assert metrics.grounding_violations("In 2024 waren er 89.", quote, "", [2024]) == []
    assert metrics.grounding_violations("In 2019 waren er 89.", quote, "", [2024]) == ["2019"]


def test_markers_units_identifiers_and_question_years_are_not_claims():
    answer = "In 2024 was het saldo van doelstelling 5.3 -16.672 (x € 1.000) [1]."
    quote = "Behouden veiligheid in de stad (5.3) -17.912 1.240 0 0 -16.672"
    assert metrics.grounding_violations(answer, [quote], "Wat was het saldo in 2024?") == []
    assert metrics.grounding_violations(answer, [quote], "Wat was het saldo?") == ["2024"]


# --- latency ---------------------------------------------------------------------------------


def test_percentiles_interpolate_and_handle_empty():
    assert metrics.percentile([10, 20, 30, 40, 50], 50) == 30
    assert metrics.percentile([10, 20], 50) == 15
    assert metrics.percentile([10.0] * 19 + [1000.0], 95) == pytest.approx(59.5)
    assert metrics.percentile([], 95) is None


def test_latency_is_grouped_per_route():
    summary = metrics.latency_by_route([("text", 10), ("table", 2), ("text", 30)])
    assert summary["text"] == {"n": 2, "p50": 20, "p95": 29}
    assert summary["table"]["p50"] == 2
