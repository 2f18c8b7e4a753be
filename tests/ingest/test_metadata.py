"""Metadata files are validated field by field, with a Dutch message naming file and field."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.metadata import (
    FIELDS,
    MAX_YEAR,
    MIN_YEAR,
    DocumentMeta,
    MetadataError,
    is_document_id,
    parse_metadata,
)
from tests.conftest import valid_metadata

FILE = "zoetermeer-2025.meta.json"
REQUIRED = [name for name in FIELDS if name != "language"]


def _error(**changes: Any) -> str:
    with pytest.raises(MetadataError) as info:
        parse_metadata(valid_metadata(**changes), FILE)
    return str(info.value)


def test_valid_metadata_gives_a_typed_value() -> None:
    meta = parse_metadata(valid_metadata(), FILE)
    assert isinstance(meta, DocumentMeta)
    assert meta.year == 2024 and meta.municipality == "Zoetermeer"
    assert meta.source_url == "https://www.zoetermeer.nl/jaarstukken"  # kept as written
    assert meta.root_heading == "Programma 5 Veiligheid"


def test_language_defaults_to_dutch() -> None:
    data = valid_metadata()
    del data["language"]
    assert parse_metadata(data, FILE).language == "nl"


def test_a_year_in_words_is_named_in_the_message() -> None:
    assert _error(year="tweeduizend") == (
        f"{FILE}: veld 'year' moet een jaartal zijn, niet 'tweeduizend'."
    )


@pytest.mark.parametrize("field", REQUIRED)
def test_every_required_field_must_be_there(field: str) -> None:
    data = valid_metadata()
    del data[field]
    with pytest.raises(MetadataError) as info:
        parse_metadata(data, FILE)
    assert str(info.value) == f"{FILE}: veld '{field}' ontbreekt."


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("year", "2024", "zonder aanhalingstekens"),
        ("year", 2024.0, "moet een jaartal zijn, niet 2024.0"),
        ("year", True, "moet een jaartal zijn, niet true"),
        ("year", None, "moet een jaartal zijn, niet null"),
        ("year", MIN_YEAR - 1, f"tussen {MIN_YEAR} en {MAX_YEAR}"),
        ("year", MAX_YEAR + 1, f"tussen {MIN_YEAR} en {MAX_YEAR}"),
        ("municipality", 79, "moet tekst zijn, niet 79"),
        ("municipality", "  ", "mag niet leeg zijn"),
        ("programme", ["Veiligheid"], "moet tekst zijn"),
        ("title", "", "mag niet leeg zijn"),
        ("publisher", {"naam": "Gemeente"}, "moet tekst zijn"),
        ("source_url", "www.zoetermeer.nl", "http:// of https://"),
        ("source_url", "ftp://zoetermeer.nl/jaarstukken", "http:// of https://"),
        ("source_url", 5, "moet tekst zijn"),
        ("language", "en", "moet 'nl' zijn, niet 'en'"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_field(field: str, value: Any, expected: str) -> None:
    message = _error(**{field: value})
    assert message.startswith(f"{FILE}: veld '{field}'")
    assert expected in message


def test_an_unknown_field_is_refused() -> None:
    message = _error(yaer=2024)
    assert "onbekend veld 'yaer'" in message and "'year'" in message


def test_all_problems_are_listed_in_one_message() -> None:
    message = _error(year="volgend jaar", source_url="geen adres")
    assert "'year'" in message and "'source_url'" in message
    assert "\n" not in message


@pytest.mark.parametrize("data", [[], "Zoetermeer", 2024, None])
def test_metadata_must_be_an_object(data: Any) -> None:
    with pytest.raises(MetadataError, match=f"{FILE}: verwacht een JSON-object"):
        parse_metadata(data, FILE)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("zoetermeer-jaarrekening-2024-programma-5-veiligheid", True),
        ("delft-2025", True),
        ("Zoetermeer-2025", False),
        ("zoetermeer 2025", False),
        ("zoetermeer_2025", False),
        ("zoetermeer--2025", False),
        ("-zoetermeer", False),
        ("s-gravenhage-2024", True),
        ("'s-gravenhage-2024", False),
        ("a" * 101, False),
    ],
)
def test_document_ids_are_lowercase_digits_and_hyphens(text: str, valid: bool) -> None:
    assert is_document_id(text) is valid
