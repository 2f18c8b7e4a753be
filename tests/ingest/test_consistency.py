"""The consistency report: text against tables, and totals, on the report and a clean fixture."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.consistency import (
    Discrepancy,
    find_discrepancies,
    format_report,
    read_consistency,
    write_consistency,
)
from ingest.parse import parse_document
from ingest.tables import find_tables
from tests.conftest import REPORT, REPORT_NAME

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mini_report.txt"


def discrepancies_of(source: str, name: str) -> list[Discrepancy]:
    """The consistency check fed by the real parser, as ingest does it."""
    tables = find_tables(source, name)
    document = parse_document(
        source, name, "Programma", [(t.start, t.end, t.title) for t in tables]
    )
    return find_discrepancies(source, document.sentences(), tables)


def test_finds_the_reports_discrepancies() -> None:
    source = REPORT.read_text(encoding="utf-8")
    found = discrepancies_of(source, REPORT_NAME)
    text_quotes = {s.quote.split("\n")[0][:40] for d in found for s in d.spans if s.role == "tekst"}
    assert {d.kind for d in found} == {"tekst_wijkt_af", "jaar_wijkt_af", "totaal_klopt_niet"}
    assert len(found) == 6
    assert "In 39 van die lopende casussen " in text_quotes
    assert "In 2023 was dat met 31 openstaande " in text_quotes
    assert "Om de veiligheid in de stad te waarborge" in text_quotes
    assert "De inkomsten van € 1,1 mln. " in text_quotes
    totals = [d for d in found if d.kind == "totaal_klopt_niet"]
    assert any("-3.373" in d.explanation for d in totals)
    assert any("-19.900" in d.explanation for d in totals)
    # "€ 3,4 mln." for lasten 3.374 is right after rounding: not flagged.
    assert not any("3,4 mln" in s.quote for d in found for s in d.spans)


def test_every_cited_span_is_verbatim_source() -> None:
    source = REPORT.read_text(encoding="utf-8")
    for item in discrepancies_of(source, REPORT_NAME):
        assert item.spans and item.figures and item.explanation
        for span in item.spans:
            assert source[span.start : span.end] == span.quote
        for start, end in item.figures:
            assert re.fullmatch(r"-?[\d.,]+", source[start:end])


def test_the_39_finding_names_the_table_figure_and_the_mixup() -> None:
    source = REPORT.read_text(encoding="utf-8")
    item = next(d for d in discrepancies_of(source, REPORT_NAME) if "39" in d.explanation)
    assert "99" in item.explanation and "afgerond" in item.explanation
    assert any(s.quote.startswith("Totaal 34 24 99 39") for s in item.spans)


def test_a_consistent_mini_report_gives_no_findings() -> None:
    source = FIXTURE.read_text(encoding="utf-8")
    assert discrepancies_of(source, "mini") == []
    assert format_report([]) == "Geen tegenstrijdige cijfers gevonden."


def test_a_changed_figure_in_the_mini_report_is_found() -> None:
    source = FIXTURE.read_text(encoding="utf-8").replace("€ 2,5 mln.", "€ 2,9 mln.")
    (item,) = discrepancies_of(source, "mini")
    assert item.kind == "tekst_wijkt_af" and "2,9 mln" in item.explanation


def test_report_and_json_round_trip(tmp_path: Path) -> None:
    source = REPORT.read_text(encoding="utf-8")
    found = discrepancies_of(source, REPORT_NAME)
    path = tmp_path / "consistency.json"
    write_consistency(found, path)
    assert read_consistency(path) == found
    assert read_consistency(tmp_path / "absent.json") == []
    report = format_report(found)
    assert report.startswith("6 tegenstrijdige cijfers gevonden:")
    assert "In 39 van die lopende casussen" in report
