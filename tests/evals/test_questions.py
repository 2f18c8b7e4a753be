"""The question set is well-formed: every gold span is a verbatim, unique part of the report."""

from __future__ import annotations

import json
import re

import pytest

from evals.dataset import (
    BLIND_PATH,
    CALIBRATION_PATH,
    CATEGORIES,
    MIN_PER_CATEGORY,
    MIN_QUESTIONS,
    QUESTIONS_PATH,
    REPORT_PATH,
    ROUTES,
    category_counts,
    evidence_offsets,
    load_questions,
    load_report,
)

QUESTIONS = load_questions()
REPORT = load_report()
# Headings the `section` field may name; multi-passage questions join several with "; ".
SECTIONS = {
    "Veiligheid en leefbaarheid",
    "Huiselijk geweld",
    "Woonoverlast",
    "Tabel 5.1 woonoverlast",
    "Aantal woninginbraken per jaar",
    "Handhaving",
    "Cameratoezicht",
    "Jaarwisseling",
    "Rapportcijfer veiligheid in de buurt",
    "Aanpak problematische jeugd(groepen)",
    "PGA Jeugd",
    "IPTA",
    "RIO",
    "Gebiedsverboden en wapens",
    "Extremisme en Maatschappelijk Ongenoegen",
    "Preventie",
    "Deskundigheidsbevordering",
    "PGA CTER",
    "Ondermijning",
    "Crisisbeheersing",
    "Rapportcijfer veiligheid in de stad",
    "Totalen per doelstelling",
    "Financiën op hoofdlijnen",
}


def test_every_line_is_json_with_exactly_the_agreed_fields():
    fields = {
        "id",
        "question",
        "history",
        "category",
        "route",
        "gold_answer",
        "must_contain",
        "evidence",
        "section",
    }
    for line in QUESTIONS_PATH.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == fields


def test_ids_are_unique_and_well_formed():
    ids = [q.id for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"q\d{3}", i) for i in ids)


def test_set_is_large_enough_and_every_category_has_its_minimum():
    assert len(QUESTIONS) >= MIN_QUESTIONS
    counts = category_counts(QUESTIONS)
    for category in CATEGORIES:
        assert counts[category] >= MIN_PER_CATEGORY[category], category


def test_categories_and_routes_are_valid():
    for q in QUESTIONS:
        assert q.category in CATEGORIES
        assert q.route in ROUTES


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_evidence_span_occurs_verbatim_and_once_in_the_report(question):
    for span in question.evidence:
        assert REPORT.count(span) == 1, span
    for start, end in evidence_offsets(question, REPORT):
        assert REPORT[start:end] in question.evidence


def test_unanswerable_questions_have_no_evidence_and_route_to_refusal():
    for q in QUESTIONS:
        if q.category == "unanswerable":
            assert q.route == "refusal"
            assert q.evidence == [] and q.must_contain == [] and q.section == ""
        else:
            assert q.route != "refusal", q.id
            assert q.evidence and q.must_contain, q.id
            assert all(group and all(alt.strip() for alt in group) for group in q.must_contain)


def test_sections_name_known_headings():
    for q in QUESTIONS:
        if q.section:
            assert set(q.section.split("; ")) <= SECTIONS, q.id


def test_followups_carry_only_earlier_user_turns():
    followups = [q for q in QUESTIONS if q.category == "followup"]
    assert all(q.history and all(t.role == "user" for t in q.history) for q in followups)
    assert all(not q.history for q in QUESTIONS if q.category != "followup")


def test_inconsistency_questions_follow_the_table():
    for q in QUESTIONS:
        if q.category == "inconsistency":
            assert q.route == "table"
            rows = [
                s
                for s in q.evidence
                if s.startswith(("Totaal ", "TOTAAL", "Behouden", "Bevorderen", "Meerzicht"))
            ]
            assert rows, q.id


def test_report_path_is_the_corpus_file():
    assert REPORT_PATH.is_file()


def _table_store():
    from ingest.tables import TableStore, parse_tables

    return TableStore.from_tables(parse_tables(load_report(), REPORT_PATH.stem).tables)


def test_every_table_value_in_a_gold_answer_is_a_cell_of_its_cited_row():
    """Gold figures of table questions come from the table store, not from memory."""
    from service.core.numbers import parse_nl_number

    source = load_report()
    rows = {
        # Lasten are printed negative; money may be written out in euros (× € 1.000).
        source[row.start : row.end]: {
            abs(c.value) * k for c in row.cells if c and c.value is not None for k in (1, 1000)
        }
        for table in _table_store().tables
        for row in table.rows
    }
    checked = 0
    for q in load_questions():
        if q.category != "table_cell":
            continue
        cited = [rows[span] for span in q.evidence if span in rows]
        assert cited, f"{q.id}: evidence is not a table row"
        for group in q.must_contain:
            values = {abs(v) for alt in group if (v := parse_nl_number(alt)) is not None}
            if values:
                assert any(values & cells for cells in cited), f"{q.id}: {group} not in its row"
                checked += 1
    assert checked >= 25


# -- the sets written blind to the code (blind, calibration) ---------------------------------
_REGISTER_SETS = [BLIND_PATH, CALIBRATION_PATH]


@pytest.mark.parametrize("path", _REGISTER_SETS, ids=lambda p: p.stem)
def test_register_sets_are_well_formed(path):
    questions = load_questions(path)
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        assert q.answerable is not None and q.route is None, q.id
        for span in q.evidence:
            assert REPORT.count(span) == 1, (q.id, span[:60])
        if q.answerable:
            assert q.must_contain and all(all(alt.strip() for alt in g) for g in q.must_contain)
        else:
            assert not q.must_contain and not q.evidence, q.id


def test_blind_set_has_what_the_issue_asks_for():
    questions = load_questions(BLIND_PATH)
    counts = category_counts(questions)
    council = [q for q in questions if q.category == "council"]
    assert len(questions) >= 140
    assert len(council) >= 35 and sum(q.multipart for q in council) >= len(council) // 2
    claims = [q for q in questions if q.claim is not None]
    assert len(claims) >= 10 and {q.claim for q in claims} == {True, False}
    assert counts["citizen"] >= 30 and sum(q.language == "en" for q in questions) >= 8
    assert counts["staff"] >= 20 and counts["followup"] >= 20
    assert counts["table_calc"] >= 15 and counts["unanswerable"] >= 20
    assert sum(q.paraphrase for q in questions if q.answerable) >= 20
    assert all(q.history for q in questions if q.category == "followup")
