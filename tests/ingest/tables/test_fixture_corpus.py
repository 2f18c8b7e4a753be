"""Larger documents of other municipalities: every table listed in LAYOUTS.md is read.

The documents and LAYOUTS.md (each table's first line and layout) were written separately
from the reader; the cells checked below were read off the documents by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.tables import Table, TableParse, validate_tables
from tests.ingest.tables.helpers import parse

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"

# (document, first line in LAYOUTS.md) -> cells (sub-heading, row label, column, printed value)
EXPECTED: dict[tuple[str, int], list[tuple[str, str, str, str]]] = {
    ("zoetermeer-jaarrekening-2025-programma-5-veiligheid", 46): [
        ("", "Meerzicht", "Corporatie Lopende casuïstiek", "19"),
        ("", "Oosterheem", "Totaal", "22"),
        ("", "Totaal", "Koop Afgeronde casuïstiek", "27"),
    ],
    ("zoetermeer-jaarrekening-2025-programma-5-veiligheid", 72): [
        ("", "Realisatie", "2025", "81"),
        ("", "Begroting", "2024", "180"),
    ],
    ("zoetermeer-jaarrekening-2025-programma-5-veiligheid", 141): [
        ("", "Realisatie", "2025", "7,8"),
    ],
    ("zoetermeer-jaarrekening-2025-programma-5-veiligheid", 300): [
        ("", "Realisatie", "2025", "7,7"),
    ],
    ("zoetermeer-jaarrekening-2025-programma-5-veiligheid", 311): [
        ("", "TOTAAL PROGRAMMA", "Saldo", "-20.771"),
        ("", "Behouden veiligheid in de stad (5.3)", "Toevoegingen", "-120"),
    ],
    ("deventer-jaarverslag-2023-openbare-ruimte", 40): [
        ("", "Straatverlichting", "Aantal 2023", "1.652"),
        ("", "Totaal", "% binnen 5 werkdagen afgehandeld 2023", "88,5%"),
    ],
    ("deventer-jaarverslag-2023-openbare-ruimte", 87): [
        ("", "Gemiddeld rapportcijfer onderhoud groen in de buurt", "Realisatie 2023", "6,8"),
        ("", "Percentage gescheiden ingezameld huishoudelijk afval", "Nulmeting", "61,2 % (2020)"),
        ("", "Aantal nieuw geplante bomen per jaar", "Bron", "Eigen registratie"),
    ],
    ("deventer-jaarverslag-2023-openbare-ruimte", 123): [
        ("Lasten", "Beheer wegen en verkeer", "Realisatie 2023", "15.402"),
        ("Lasten", "Klimaatadaptatie", "Rekening 2022", "-"),
        ("Baten", "Totaal baten", "Realisatie 2023", "37.218"),
    ],
    ("amersfoort-jaarverslag-2023-programma-2-veiligheid", 32): [
        ("", "Vathorst", "2023", "118"),
        ("", "Totaal Amersfoort", "Verschil", "-136"),
    ],
    ("amersfoort-jaarverslag-2023-programma-2-veiligheid", 74): [
        ("", "Aantal meldingen overlast jeugd", "R2023", "812"),
        ("", "Verwijzingen Halt per 1.000 jongeren van 12-17 jaar", "Bron", "Stichting Halt"),
    ],
    ("amersfoort-jaarverslag-2023-programma-2-veiligheid", 96): [
        ("Lasten", "1.2 Openbare orde en veiligheid", "Realisatie 2023", "-7.118"),
        ("", "Gerealiseerd resultaat", "Verschil 2023", "90"),
    ],
    ("apeldoorn-jaarstukken-2022-sociaal-domein", 52): [
        ("", "Vervoersvoorzieningen (incl. regiotaxipas)", "Aandeel 2022", "28,2%"),
    ],
    ("apeldoorn-jaarstukken-2022-sociaal-domein", 96): [
        ("", "Netto arbeidsparticipatie", "Realisatie 2022", "69,3 %"),
        ("", "Inwoners dat zich (zeer) ernstig eenzaam voelt", "Realisatie 2020", "n.b."),
    ],
    ("apeldoorn-jaarstukken-2022-sociaal-domein", 118): [
        ("Lasten", "6.72 Maatwerkdienstverlening 18-", "Verschil", "-1.475"),
        ("", "Resultaat", "Realisatie 2022", "152.237"),
    ],
    ("leeuwarden-jaarstukken-2024-programma-wonen", 32): [
        ("", "De Zuidlanden", "Sociale huur", "40"),
        ("", "Grou", "Totaal", "50"),
    ],
    ("leeuwarden-jaarstukken-2024-programma-wonen", 87): [
        ("", "Gemiddelde WOZ-waarde woningen", "Realisatie 2024", "262"),
        ("", "Aandeel sociale huurwoningen in de woningvoorraad", "Bron", "Woningcorporaties"),
    ],
    ("leeuwarden-jaarstukken-2024-programma-wonen", 154): [
        ("Baten", "Grondexploitatie woningbouw", "Realisatie 2024", "24.630 V"),
        ("", "Resultaat", "Verschil", "450 V"),
    ],
}


def layouts() -> dict[str, list[int]]:
    """First line of every table per document, from the tables in LAYOUTS.md."""
    listed: dict[str, list[int]] = {}
    document = ""
    for line in (CORPUS / "LAYOUTS.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## (\S+)\.txt", line)
        if heading:
            document = heading.group(1)
        row = re.match(r"\| (\d+) \| (\d+) \|", line)
        if row and document:
            listed.setdefault(document, []).append(int(row.group(2)))
    return listed


@pytest.fixture(scope="module")
def parsed() -> dict[str, TableParse]:
    result = {}
    for path in sorted(CORPUS.glob("*.txt")):
        meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
        result[path.stem] = parse(path.read_text(encoding="utf-8"), path.stem, meta["year"])
    return result


def _covering(tables: tuple[Table, ...], source: str, line: int) -> Table | None:
    texts = source.splitlines(keepends=True)
    start = sum(len(text) for text in texts[: line - 1])
    end = start + len(texts[line - 1].rstrip())
    return next((t for t in tables if t.start < end and start <= t.end), None)


def test_every_document_has_a_layout_entry_and_every_entry_a_check() -> None:
    listed = layouts()
    assert sorted(listed) == sorted(p.stem for p in CORPUS.glob("*.txt"))
    assert sorted((d, n) for d, lines in listed.items() for n in lines) == sorted(EXPECTED)


@pytest.mark.parametrize(("document", "line"), sorted(EXPECTED))
def test_each_listed_table_is_read_with_its_cells(
    parsed: dict[str, TableParse], document: str, line: int
) -> None:
    source = (CORPUS / f"{document}.txt").read_text(encoding="utf-8")
    table = _covering(parsed[document].tables, source, line)
    assert table is not None, f"{document}: geen tabel op regel {line}"
    for group, label, column, raw in EXPECTED[(document, line)]:
        row = next(r for r in table.rows if r.label == label and r.group == group)
        index = next(i for i, c in enumerate(table.columns) if c.label == column)
        cell = row.cells[index]
        assert cell is not None and cell.raw == raw, (label, column)


def test_no_document_has_an_unread_or_an_unlisted_table(parsed: dict[str, TableParse]) -> None:
    listed = layouts()
    for document, result in parsed.items():
        assert result.problems == (), document
        assert len(result.tables) == len(listed[document]), document


def test_printed_totals_of_the_fixture_documents_add_up(parsed: dict[str, TableParse]) -> None:
    # The synthetic Zoetermeer 2025 copy has consistent totals; so do the other documents.
    for result in parsed.values():
        assert validate_tables(result.tables) == []
