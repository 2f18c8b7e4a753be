"""The naive baseline and the runner, offline: a hashing fake stands in for the model."""

from __future__ import annotations

import json

import pytest

import evals.__main__ as runner
from evals.baselines import CHUNK_SIZE, build_naive, split_report
from evals.dataset import load_questions, load_report
from evals.evaluate import evaluate_system
from service.web.schemas import AskRequest
from tests.conftest import FakeEmbeddings

DOCUMENT = "Jaarrekening 2024 — Programma 5 Veiligheid"
REPORT = load_report()


@pytest.fixture(scope="module")
def naive():
    return build_naive(REPORT, DOCUMENT, FakeEmbeddings())


def test_naive_chunks_point_verbatim_into_the_report():
    chunks = split_report(REPORT, DOCUMENT)
    assert len(chunks) > 10
    for chunk in chunks:
        assert len(chunk.page_content) <= CHUNK_SIZE
        assert REPORT[chunk.metadata["start"] : chunk.metadata["end"]] == chunk.page_content


def test_naive_answers_with_its_top_chunk_on_the_text_route(naive):
    response = naive.ask(AskRequest(question="schade afvalbakken jaarwisseling"))
    assert response.route == "text"
    [citation] = response.citations
    assert response.answer == citation.quote == REPORT[citation.start : citation.end]
    assert len(naive.retriever.invoke("woninginbraken")) == 5


def test_naive_never_refuses(naive):
    questions = [q for q in load_questions() if q.category == "unanswerable"][:5]
    results = evaluate_system(naive, questions, REPORT)
    assert all(r.route == "text" and not r.correct for r in results)


def test_runner_writes_summary_report_and_chart(tmp_path, monkeypatch, naive):
    monkeypatch.setattr(runner, "build_systems", lambda names, report: {"naive": naive})
    monkeypatch.setattr(runner, "BASELINE_PATH", tmp_path / "baseline" / "summary.json")
    out = tmp_path / "run"
    assert (
        runner.main(
            ["--systems", "naive", "--sets", "main,holdout", "--limit", "12", "--out", str(out)]
        )
        == 0
    )
    run = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(run["sets"]) == {"main", "holdout"}
    summary = json.loads((out / "main" / "summary.json").read_text(encoding="utf-8"))
    block = summary["systems"]["naive"]
    assert summary["questions"] == 12
    assert set(block) >= {
        "accuracy",
        "citations",
        "retrieval",
        "refusal",
        "route_accuracy",
        "grounding",
        "latency_ms",
    }
    assert block["citations"]["verbatim_share"] == 1.0
    assert (out / "main" / "chart.png").stat().st_size > 0
    assert "## Nauwkeurigheid per categorie" in (out / "main" / "report.md").read_text(
        encoding="utf-8"
    )
    assert (out / "main" / "answers-naive.jsonl").is_file()
    assert (out / "report.md").is_file()
    assert not (tmp_path / "baseline" / "summary.json").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--systems", "naive", "--check"],
        ["--systems", "naive", "--write-baseline"],
        ["--sets", "main", "--write-baseline"],
    ],
)
def test_check_and_baseline_need_the_full_system_on_every_gated_set(argv):
    with pytest.raises(SystemExit):
        runner.parse_args(argv)
