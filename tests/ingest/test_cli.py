"""`python -m ingest`: a report of what was read, and one Dutch line (no traceback) on failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest.__main__ as cli
from service.settings import Settings
from tests.conftest import REPORT, REPORT_ID, FakeEmbeddings, add_report, valid_metadata


@pytest.fixture
def settings(corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = Settings(
        corpus_dir=corpus_copy, index_dir=tmp_path / "index", model_dir=tmp_path / "no-model"
    )
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    monkeypatch.setattr(cli, "load_embeddings", lambda _settings: FakeEmbeddings())
    return settings


def test_ingest_reports_what_it_read_per_document(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([]) == 0
    out, err = capsys.readouterr()
    assert "Klaar (nieuwe index gebouwd) in " in out
    [line] = [ln for ln in out.splitlines() if f"{REPORT_ID}.txt" in ln]
    assert "secties" in line and "zinnen" in line and "5 tabellen" in line
    assert "embeddings: chunks " in out
    assert "Verwerken: " in err and "zinnen: " in err  # progress goes to stderr


def test_a_pdf_in_the_corpus_is_reported_as_skipped(
    settings: Settings, corpus_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus_copy / "delft-2024.pdf").write_bytes(b"%PDF-1.7")
    assert cli.main([]) == 0
    assert "LET OP: delft-2024.pdf overgeslagen" in capsys.readouterr().out


def test_table_problems_are_reported_with_their_line(
    settings: Settings, corpus_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = REPORT.read_text("utf-8") + "\n\nTotaal per wijk\nCentrum 1 2 3\nMeerzicht 4 5\n"
    add_report(corpus_copy, "met-kapotte-tabel", broken)
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    problems = [ln for ln in out.splitlines() if "tabel niet gelezen" in ln]
    assert problems and all("regel " in ln for ln in problems)


def test_bad_metadata_is_one_dutch_line(
    settings: Settings, corpus_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = corpus_copy / f"{REPORT_ID}.meta.json"
    meta.write_text(json.dumps(valid_metadata(year="tweeduizend")), "utf-8")
    assert cli.main([]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    *_progress, error = err.splitlines()
    assert error == (
        f"Fout: {meta.name}: veld 'year' moet een jaartal zijn, niet 'tweeduizend'. "
        "De bestaande index is niet gewijzigd."
    )


def test_an_unexpected_failure_is_one_dutch_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Broken(FakeEmbeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            raise RuntimeError("geheugen\nvol")

    monkeypatch.setattr(cli, "load_embeddings", lambda _settings: Broken())
    assert cli.main([]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("Fout: onverwachte fout (RuntimeError: geheugen vol)")
    assert not any("Traceback" in ln for ln in err)


def test_check_prints_the_discrepancies_per_document(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# {REPORT_ID} — Jaarrekening 2024")
    assert "tegenstrijdige cijfers gevonden" in out
