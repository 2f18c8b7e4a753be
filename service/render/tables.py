"""How table answers read, in Dutch (B1) and English.

Labels are the table's own (row labels and column headers as printed); in English they
are quoted, so it is clear they are the report's Dutch words. Money is shown in euros
with the table's own figure next to it, so it can be found in the report.
"""

from __future__ import annotations

from decimal import Decimal

from ingest.tables.model import Cell, Table
from service.core.numbers import format_euro, format_number, format_percent
from service.understand.frame import Language

TEXT = {
    "source": {"nl": "Volgens de tabel ‘{title}’:", "en": "According to the table ‘{title}’:"},
    "cell": {"nl": "{label}: {value} [{n}].", "en": "‘{label}’: {value} [{n}]."},
    "sum": {"nl": "{label}: {calculation} [{n}].", "en": "‘{label}’: {calculation} [{n}]."},
    "most": {
        "nl": "Het hoogst: {names} ({value}).",
        "en": "Highest: {names} ({value}).",
    },
    "least": {
        "nl": "Het laagst: {names} ({value}).",
        "en": "Lowest: {names} ({value}).",
    },
    "top": {"nl": "De hoogste {n}: {items}.", "en": "The top {n}: {items}."},
    "difference": {
        "nl": "Het verschil: {calculation}.",
        "en": "The difference: {calculation}.",
    },
    "change": {
        "nl": "Van {old_year} naar {new_year}: {calculation}; dat is {percent}.",
        "en": "From {old_year} to {new_year}: {calculation}; that is {percent}.",
    },
    "share": {"nl": "Het aandeel: {calculation}.", "en": "The share: {calculation}."},
    "average": {"nl": "Het gemiddelde: {calculation}.", "en": "The average: {calculation}."},
    "selection": {"nl": "Dat geldt voor: {names}.", "en": "That applies to: {names}."},
    "selection_none": {"nl": "Dat geldt voor geen enkele rij.", "en": "That applies to none."},
    "target_note": {"nl": "Het verslag zegt: {note} [{n}]", "en": "The report says: {note} [{n}]"},
    "target_met": {"nl": "Het doel is gehaald.", "en": "The target was met."},
    "target_missed": {"nl": "Het doel is niet gehaald.", "en": "The target was not met."},
    "no_year": {
        "nl": "De tabel ‘{title}’ geeft geen cijfer voor {year}; wel voor {years}.",
        "en": "The table ‘{title}’ gives no figure for {year}; it does for {years}.",
    },
    "no_label": {
        "nl": "De tabel ‘{title}’ geeft geen cijfer voor {what}.",
        "en": "The table ‘{title}’ gives no figure for {what}.",
    },
    "explanation": {
        "nl": "Toelichting: {note} [{n}]",
        "en": "Explanation (in Dutch): {note} [{n}]",
    },
    "contradiction": {
        "nl": "Let op, het verslag spreekt zichzelf hier tegen: {detail}",
        "en": "Note, the report contradicts itself here (in Dutch): {detail}",
    },
    "rounded": {"nl": "afgerond {value}%", "en": "rounded {value}%"},
    "behind": {
        "nl": "De cijfers achter dit bedrag:",
        "en": "The figures behind this amount:",
    },
}


def say(key: str, language: Language, **values: str) -> str:
    """One table sentence in the asker's language."""
    return TEXT[key][language].format(**values)


def is_money(table: Table) -> bool:
    """True for a table of amounts in euros."""
    return table.unit.startswith("€")


def show_cell(table: Table, cell: Cell) -> str:
    """A cell as an answer states it: euros with the printed figure, a percentage, a number."""
    if cell.value is None:
        return cell.raw
    if cell.nil:
        return f"{cell.raw} (nihil)"
    if is_money(table):
        euros = format_euro(cell.value, table.scale)
        if table.scale != 1:
            return f"{euros} (in de tabel {cell.raw}, {_unit(table)})"
        return euros
    if cell.percent or table.unit == "%":
        return format_percent(cell.value, _places(cell.value))
    return cell.raw


def show_value(table: Table, value: Decimal, percent: bool = False) -> str:
    """A computed value in the table's unit (money in the table's own figures)."""
    if percent or table.unit == "%":
        return format_percent(value, _places(value))
    return format_number(value)


def _unit(table: Table) -> str:
    return f"bedragen x {table.unit}"


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 1


def label(parts: list[str], language: Language) -> str:
    """A cell's name from its row and column labels: "Bloemendaal, Koop Lopende casuïstiek"."""
    shown = [p for p in parts if p]
    return ", ".join(shown) if language == "nl" else "’, ‘".join(shown)
