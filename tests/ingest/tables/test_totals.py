"""Totals under the sign conventions of Dutch financial tables."""

from __future__ import annotations

from ingest.tables import validate_tables
from tests.ingest.tables.helpers import parse

RESERVES = """\
Financieel overzicht (bedragen x € 1.000)
Omschrijving Lasten Baten Toevoegingen Onttrekkingen Saldo
Beleidsveld A 1.200 300 100 50 -950
Beleidsveld B 800 900 0 0 100
Totaal 2.000 1.200 100 50 -850
"""


def test_outflows_printed_positive_count_against_the_saldo() -> None:
    (table,) = parse(RESERVES).tables
    assert table.columns[-1].is_total
    # -1.200 + 300 - 100 + 50 = -950 and -800 + 900 = 100: lasten and toevoegingen subtract.
    assert validate_tables([table]) == []


def test_a_saldo_that_is_off_is_reported_with_the_reading_that_comes_closest() -> None:
    source = RESERVES.replace("-950", "-940").replace("-850", "-840")
    (table,) = parse(source).tables
    mismatches = validate_tables([table])
    found = {(m.axis, m.label, m.total.raw, m.computed) for m in mismatches}
    assert ("rij", "Beleidsveld A", "-940", -950) in found
    row = next(m for m in mismatches if m.axis == "rij" and m.label == "Beleidsveld A")
    assert row.signs == (-1, 1, -1, 1)


GROUP_TOTALS = """\
Wat heeft het gekost?
Taakveld Begroting Realisatie
Lasten
Wegen 900 950
Groen 300 280
Totaal lasten 1.200 1.230
Baten
Wegen 100 120
Totaal baten 100 120
Saldo 1.100 1.110
Storting in reserves 50 50
Resultaat 1.150 1.160
"""


def test_saldo_of_group_totals_and_a_result_after_reserves() -> None:
    (table,) = parse(GROUP_TOTALS).tables
    assert [r.label for r in table.rows if r.is_total] == [
        "Totaal lasten",
        "Totaal baten",
        "Saldo",
        "Resultaat",
    ]
    # Saldo = lasten - baten; Resultaat = saldo + storting (both positive amounts of cost).
    assert validate_tables([table]) == []


def test_percentages_and_text_cells_are_never_summed() -> None:
    source = "Aandeel per wijk\nWijk Aandeel Bron\nNoord 40% CBS\nZuid 50% CBS\nTotaal 100% CBS\n"
    parsed = parse(source)
    assert validate_tables(parsed.tables) == []
