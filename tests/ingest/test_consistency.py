"""The consistency report: printed totals that are not the sum of their parts."""

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
from ingest.tables import parse_tables
from tests.conftest import REPORT

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mini_report.txt"


def discrepancies_of(source: str, name: str) -> list[Discrepancy]:
    return find_discrepancies(source, parse_tables(source, name).tables)


def test_the_reports_two_saldo_totals_are_reported_with_their_sums(source: str) -> None:
    found = discrepancies_of(source, REPORT.stem)
    assert [d.kind for d in found] == ["totaal_klopt_niet", "totaal_klopt_niet"]
    row, column = found
    assert "-3.374 + 1 − 0 + 0 = -3.373" in row.explanation
    assert "afrondingsverschil" in row.explanation
    assert "-19.900" in column.explanation and "TOTAAL PROGRAMMA" in column.explanation
    assert row.table_id == f"{REPORT.stem}/totalen-per-doelstelling"


def test_every_cited_span_is_verbatim_and_the_figure_is_the_printed_total(source: str) -> None:
    for item in discrepancies_of(source, REPORT.stem):
        for span in item.spans:
            assert source[span.start : span.end] == span.quote
        ((start, end),) = item.figures
        assert re.fullmatch(r"-?[\d.]+", source[start:end])
    totals = {source[s:e] for d in discrepancies_of(source, REPORT.stem) for s, e in d.figures}
    assert totals == {"-3.372", "-19.901"}


def test_a_consistent_mini_report_gives_no_findings() -> None:
    source = FIXTURE.read_text(encoding="utf-8")
    assert discrepancies_of(source, "mini") == []
    assert format_report([]) == "Geen tegenstrijdige cijfers gevonden."


def test_a_changed_total_in_the_mini_report_is_found() -> None:
    source = FIXTURE.read_text(encoding="utf-8").replace(
        "Totaal 6 3 10 7 1 3 30", "Totaal 6 3 10 7 1 3 31"
    )
    found = discrepancies_of(source, "mini")
    assert {d.kind for d in found} == {"totaal_klopt_niet"}
    assert any("Totaal" in d.explanation and "31" in d.explanation for d in found)


def test_report_and_json_round_trip(tmp_path: Path, source: str) -> None:
    found = discrepancies_of(source, REPORT.stem)
    path = tmp_path / "consistency.json"
    write_consistency(found, path)
    assert read_consistency(path) == found
    assert read_consistency(tmp_path / "absent.json") == []
    report = format_report(found)
    assert report.startswith("2 tegenstrijdige cijfers gevonden:")
    assert "TOTAAL PROGRAMMA -21.342" in report
