"""Bad corpus files get a clear error naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus import CorpusError, load_corpus
from tests.conftest import REPORT_NAME


def test_real_corpus_loads_with_its_metadata() -> None:
    from tests.conftest import CORPUS

    [doc] = load_corpus(CORPUS)
    assert doc.name == REPORT_NAME
    assert doc.metadata["municipality"] == "Zoetermeer"
    assert doc.programme == "Programma 5 Veiligheid"


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
    (corpus_copy / "kapot-rapport.txt").write_bytes(content)
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_copy)
    assert "kapot-rapport" in str(info.value)
    assert message in str(info.value)


def test_broken_metadata_is_rejected(corpus_copy: Path) -> None:
    meta = next(corpus_copy.glob("*.meta.json"))
    meta.write_text("{niet: json", encoding="utf-8")
    with pytest.raises(CorpusError, match=meta.name):
        load_corpus(corpus_copy)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="Geen rapporten"):
        load_corpus(tmp_path)
