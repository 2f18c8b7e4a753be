"""A question word standing for a sentence word: forms, typos, compounds."""

from __future__ import annotations

from service.answer.word_match import STRONG, coverage, same_word, split_compound, word_score


def test_inflections_participles_and_typos_are_the_same_word() -> None:
    assert same_word("gebiedsverbod", "gebiedsverboden")
    assert same_word("foutparkeren", "foutgeparkeerde")
    assert same_word("toeschouwrs", "toeschouwers")
    assert not same_word("boete", "boot")


def test_a_compound_is_a_kind_of_its_head_but_not_the_other_way_round() -> None:
    assert word_score("jongeren", "detentiejongeren") >= STRONG
    assert word_score("detentiejongeren", "jongeren") < STRONG
    assert word_score("jongeren", "jongerenwerk") < STRONG


def test_a_compound_the_report_never_joins_is_split_into_its_words() -> None:
    vocabulary = {"handhaving", "meldingen", "verwerkt"}
    assert split_compound("handhavingsmeldingen", vocabulary) == ["handhaving", "meldingen"]
    assert split_compound("meldingen", vocabulary) == ["meldingen"]


def test_coverage_counts_a_heading_word_half() -> None:
    assert coverage(["schade"], ["schade", "bedraagt"], []) == 1.0
    assert coverage(["schade"], ["bedraagt"], ["schade"]) == 0.5
    assert coverage(["schade"], ["bedraagt"], []) == 0.0
