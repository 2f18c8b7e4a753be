"""Bad corpus files get a clear Dutch error naming the file, before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.corpus import CorpusError, ignored_files, load_corpus
from tests.conftest import REPORT, REPORT_ID, REPORT_NAME, add_report, valid_metadata


def test_real_corpus_loads_with_its_metadata() -> None:
    from tests.conftest import CORPUS

    [doc] = load_corpus(CORPUS)
    assert doc.id == REPORT_ID
    assert doc.meta.title == REPORT_NAME
    assert doc.meta.municipality == "Zoetermeer" and doc.meta.year == 2024
    assert doc.meta.programme == "Veiligheid"
    assert doc.root_heading == "Programma 5 Veiligheid"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "leeg"),
        (b"   \n\n  ", "leeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40, "binair"),
        ("Veiligheid in de wijk ".encode("latin-1") + "é".encode("latin-1") * 300, "UTF-8"),
        (b"Kort.", "te weinig tekst"),
    ],
)
def test_bad_file_is_rejected_with_its_name(
    corpus_copy: Path, content: bytes, message: str
) -> None:
    add_report(corpus_copy, "kapot-rapport", content)
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_copy)
    assert "kapot-rapport.txt" in str(info.value)
    assert message in str(info.value)


def test_report_without_metadata_is_refused(corpus_copy: Path) -> None:
    (corpus_copy / "delft-2024.txt").write_text(REPORT.read_text("utf-8"), "utf-8")
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_copy)
    assert str(info.value).startswith("delft-2024.txt: het metadatabestand delft-2024.meta.json")
    assert "'source_url'" in str(info.value)  # says which fields to write


def test_wrong_metadata_value_is_refused_naming_file_and_field(corpus_copy: Path) -> None:
    add_report(
        corpus_copy,
        "zoetermeer-2025",
        REPORT.read_text("utf-8"),
        valid_metadata(year="tweeduizend"),
    )
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_copy)
    assert str(info.value) == (
        "zoetermeer-2025.meta.json: veld 'year' moet een jaartal zijn, niet 'tweeduizend'."
    )


def test_broken_metadata_json_is_rejected(corpus_copy: Path) -> None:
    meta = next(corpus_copy.glob("*.meta.json"))
    meta.write_text("{niet: json", encoding="utf-8")
    with pytest.raises(CorpusError, match=f"{meta.name}: ongeldige JSON"):
        load_corpus(corpus_copy)


def test_metadata_of_a_missing_report_is_refused(corpus_copy: Path) -> None:
    (corpus_copy / "delft-2024.meta.json").write_text(json.dumps(valid_metadata()), "utf-8")
    with pytest.raises(CorpusError, match=r"delft-2024\.meta\.json: er is geen rapport"):
        load_corpus(corpus_copy)


@pytest.mark.parametrize("name", ["Delft 2024", "delft_2024", "Delft-2024"])
def test_file_name_must_be_a_valid_document_id(corpus_copy: Path, name: str) -> None:
    add_report(corpus_copy, name, REPORT.read_text("utf-8"))
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_copy)
    assert str(info.value).startswith(f"{name}.txt: de bestandsnaam")
    assert "kleine letters, cijfers en koppeltekens" in str(info.value)


def test_report_over_the_size_limit_is_refused_before_reading(corpus_copy: Path) -> None:
    add_report(corpus_copy, "groot-rapport", "Veiligheid in de wijk. " * 300_000)
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_copy, max_bytes=5_000_000)
    assert str(info.value) == (
        "groot-rapport.txt: het bestand is 6,9 MB groot; de grens is 5,0 MB "
        "(instelling VRAAGBAAK_MAX_DOCUMENT_BYTES)."
    )
    assert len(load_corpus(corpus_copy, max_bytes=10_000_000)) == 2


def test_an_upper_case_suffix_is_refused(corpus_copy: Path) -> None:
    add_report(corpus_copy, "delft-2024", "x")
    (corpus_copy / "delft-2024.txt").rename(corpus_copy / "delft-2024.TXT")
    with pytest.raises(CorpusError, match=r"delft-2024\.TXT: een rapport moet eindigen op \.txt"):
        load_corpus(corpus_copy)


def test_other_files_are_listed_as_ignored(corpus_copy: Path) -> None:
    (corpus_copy / "delft-2024.pdf").write_bytes(b"%PDF-1.7")
    assert ignored_files(corpus_copy) == ["delft-2024.pdf"]
    assert [d.id for d in load_corpus(corpus_copy)] == [REPORT_ID]


def test_hidden_files_are_ignored(corpus_copy: Path) -> None:
    (corpus_copy / ".~lock.rapport.txt").write_text("editor lock", "utf-8")
    assert [d.id for d in load_corpus(corpus_copy)] == [REPORT_ID]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="Geen rapporten"):
        load_corpus(tmp_path)
