"""The word lists are data: every file loads, every line is well formed, lookups are exact."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from service.core.text import fold
from service.lexicon import DATA, PhraseTable, lexicon
from service.lexicon.vocabulary import Vocabulary
from service.understand.frame import Amount, Asks, Operation

PAIR_FILES = {
    # file: the values its second column may hold (None: any non-empty text)
    "amounts.tsv": set(get_args(Amount)),
    "directions.tsv": {"up", "down"},
    "operations.tsv": set(get_args(Operation)),
    "questions.tsv": set(get_args(Asks)),
    "table_roles.tsv": {"actual", "budget", "total", "difference"},
    "years.tsv": {"-1", "0", "1"},
    "synonyms.tsv": None,
    "en_nl.tsv": None,
}
PATTERN_FILES = {
    "register.txt": {"greeting", "info", "overview", "claim", "context"},
    "refusals.txt": {"opinion", "person", "contact", "action"},
}
SECTION_FILES = {
    "function_words.txt": {"nl", "en", "generic_heads"},
    "followup.txt": {"references", "starters", "verbs", "request_verbs", "kinds", "determiners"},
}


def data_lines(name: str) -> list[str]:
    """The lines of a data file that hold data (no blanks, no comments)."""
    text = (DATA / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_every_data_file_is_known_to_these_tests() -> None:
    on_disk = {p.name for p in Path(DATA).iterdir() if p.is_file()}
    known = {*PAIR_FILES, *PATTERN_FILES, *SECTION_FILES, "municipalities.txt"}
    assert on_disk == known


@pytest.mark.parametrize("name", sorted(PAIR_FILES))
def test_pair_lines_have_one_phrase_and_one_allowed_value(name: str) -> None:
    allowed = PAIR_FILES[name]
    for line in data_lines(name):
        fields = line.split("\t")
        assert len(fields) == 2, f"{name}: {line!r} is not phrase<TAB>value"
        phrase, value = (f.strip() for f in fields)
        assert phrase and value, f"{name}: {line!r} has an empty side"
        if allowed is not None:
            assert value in allowed, f"{name}: {value!r} is no known value"


@pytest.mark.parametrize("name", sorted(PAIR_FILES))
def test_no_phrase_is_listed_twice(name: str) -> None:
    phrases = Counter(fold(line.split("\t")[0].strip()) for line in data_lines(name))
    assert [p for p, n in phrases.items() if n > 1] == []


@pytest.mark.parametrize("name", sorted(PATTERN_FILES))
def test_pattern_lines_have_a_known_kind_and_compile(name: str) -> None:
    for line in data_lines(name):
        kind, colon, pattern = line.partition(":")
        assert colon, f"{name}: {line!r} is not kind: regex"
        assert kind.strip() in PATTERN_FILES[name]
        re.compile(pattern.strip())  # raises on a broken expression
    loaded = lexicon().wrappers if name == "register.txt" else lexicon().refusals
    assert len(loaded) == len(data_lines(name))


@pytest.mark.parametrize("name", sorted(SECTION_FILES))
def test_word_lists_have_their_sections_and_lower_case_words(name: str) -> None:
    sections = lexicon().function_words if name == "function_words.txt" else lexicon().followup
    assert set(sections) == SECTION_FILES[name]
    for section, words in sections.items():
        assert words, f"{name}: [{section}] is empty"
        assert all(w == fold(w) for w in words)


def test_municipalities_file_lists_every_dutch_municipality_once() -> None:
    lines = data_lines("municipalities.txt")
    assert len(lines) == 342
    names = [fold(n.strip()) for line in lines for n in line.split("|")]
    assert all(names)
    assert [n for n, count in Counter(names).items() if count > 1] == []
    assert len(lexicon().municipalities) == 342


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("den haag", "'s-Gravenhage"),
        ("the hague", "'s-Gravenhage"),
        ("den bosch", "'s-Hertogenbosch"),
        ("capelle a/d ijssel", "Capelle aan den IJssel"),
        ("tilburg", "Tilburg"),
    ],
)
def test_municipality_aliases_resolve_to_the_official_name(written: str, official: str) -> None:
    found = lexicon().municipality_names().find(f"hoeveel inbraken in {written} in 2023")
    assert [m.value for m in found] == [official]


def test_phrases_are_found_on_word_boundaries_only() -> None:
    table = PhraseTable([("meer", "up"), ("wijk", "noun"), ("%", "percent")])
    assert table.find("meerzicht en buitenwijken") == []
    found = table.find("meer dan in de wijk, 30 % van de camera's")
    assert [m.phrase for m in found] == ["meer", "wijk", "%"]


def test_a_percent_sign_glued_to_its_number_is_found() -> None:
    assert [m.value for m in lexicon().amounts.find("meer dan 10% afgerond")] == ["percent"]


def test_the_longest_phrase_wins_and_offsets_point_into_the_text() -> None:
    table = PhraseTable([("hoeveel", "amount"), ("hoeveel meer", "diff")])
    text = "en hoeveel meer dan vorig jaar"
    (match,) = table.find(text)
    assert (match.phrase, match.value) == ("hoeveel meer", "diff")
    assert text[match.start : match.end] == "hoeveel meer"


def test_phrases_are_folded_when_loaded() -> None:
    table = PhraseTable([("Casuïstiek", "noun")])
    assert "casuistiek" in table
    assert table.first("lopende casuistiek") is not None


def test_synonyms_and_english_words_map_to_report_words() -> None:
    assert lexicon().synonyms_of("oud en nieuw") == ("jaarwisseling",)
    assert "realisatie" in lexicon().synonyms_of("actual")


# The corpus vocabulary: words are judged against the reports' own words.
VOCABULARY_TEXT = (
    "In Stadspolders daalde het aantal woninginbraken. "
    "Team Handhaving verwerkte meer meldingen over jeugdoverlast."
)


def test_vocabulary_corrects_a_typo_to_a_report_word() -> None:
    vocabulary = Vocabulary([VOCABULARY_TEXT])
    assert vocabulary.correct("handhavng") == "handhaving"
    assert vocabulary.correct("parkeren") == "parkeren"  # nothing close: left alone


def test_vocabulary_finds_the_report_compound_holding_a_word() -> None:
    vocabulary = Vocabulary([VOCABULARY_TEXT])
    assert vocabulary.compounds_with("inbraken") == ("woninginbraken",)


def test_a_place_name_is_one_stem_not_its_parts() -> None:
    assert Vocabulary([VOCABULARY_TEXT]).stems("Stadspolders") == {"stadspolder"}


def test_a_noun_no_report_uses_is_unknown() -> None:
    vocabulary = Vocabulary([VOCABULARY_TEXT])
    assert vocabulary.unknown_words("Hoeveel bushokjes zijn vernield in Stadspolders?") == [
        "bushokjes"
    ]
