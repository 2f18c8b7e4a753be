"""The gate passes a faithful system and fails one whose retrieval returns irrelevant passages."""

from __future__ import annotations

from langchain_core.documents import Document

from evals.dataset import evidence_offsets, load_questions, load_report
from evals.evaluate import evaluate_system, summarize
from evals.gate import check_regression
from service.web.schemas import AskRequest, AskResponse, Citation

DOCUMENT = "Jaarrekening 2024 — Programma 5 Veiligheid"
REPORT = load_report()
QUESTIONS = load_questions()[::4]  # every fourth question keeps the test fast but mixed
BY_TEXT = {q.question: q for q in QUESTIONS}


class _ListRetriever:
    def __init__(self, rank):
        self._rank = rank

    def invoke(self, query: str) -> list[Document]:
        return [
            Document(
                page_content=REPORT[s:e], metadata={"start": s, "end": e, "document": DOCUMENT}
            )
            for s, e in self._rank(query)
        ]


class OracleAssistant:
    """Answers with the gold answer and cites the gold evidence: the ceiling."""

    def __init__(self):
        self.retriever = _ListRetriever(self._gold)

    def _gold(self, query: str) -> list[tuple[int, int]]:
        q = BY_TEXT.get(query)
        return evidence_offsets(q, REPORT) if q else []

    def source(self, document: str) -> str:
        if document != DOCUMENT:
            raise KeyError(document)
        return REPORT

    def ask(self, request: AskRequest) -> AskResponse:
        q = BY_TEXT[request.question]
        spans = evidence_offsets(q, REPORT)
        citations = [
            Citation(id=i, document=DOCUMENT, section=q.section, quote=REPORT[s:e], start=s, end=e)
            for i, (s, e) in enumerate(spans, start=1)
        ]
        return AskResponse(answer=q.gold_answer, route=q.route, citations=citations)


class BrokenAssistant(OracleAssistant):
    """Retrieval returns the report's first lines whatever the question; answers quote them."""

    IRRELEVANT = (0, 120)

    def __init__(self):
        self.retriever = _ListRetriever(lambda query: [self.IRRELEVANT])

    def ask(self, request: AskRequest) -> AskResponse:
        s, e = self.retriever.invoke(request.question)[0].metadata["start"], self.IRRELEVANT[1]
        quote = REPORT[s:e]
        citation = Citation(id=1, document=DOCUMENT, section="", quote=quote, start=s, end=e)
        return AskResponse(answer=quote, route="text", citations=[citation])


def _summary(system) -> dict:
    return {"systems": {"full": summarize(evaluate_system(system, QUESTIONS, REPORT))}}


def test_the_oracle_scores_full_marks_on_every_metric():
    block = _summary(OracleAssistant())["systems"]["full"]
    assert block["accuracy"]["overall"] == 1.0
    assert block["citations"]["precision"] == 1.0 and block["citations"]["recall"] == 1.0
    assert block["citations"]["verbatim_share"] == 1.0
    assert block["retrieval"]["recall@1"] > 0 and block["retrieval"]["recall@10"] == 1.0
    assert block["retrieval"]["mrr"] == 1.0
    assert block["refusal"] == {"precision": 1.0, "recall": 1.0}
    assert block["route_accuracy"] == 1.0


def test_gate_passes_a_system_equal_to_its_baseline():
    baseline = _summary(OracleAssistant())
    assert check_regression(_summary(OracleAssistant()), baseline) == []


def test_gate_fails_a_system_with_irrelevant_retrieval():
    baseline = _summary(OracleAssistant())
    broken = _summary(BrokenAssistant())
    failures = check_regression(broken, baseline)
    assert any("overall accuracy dropped" in f for f in failures)
    assert any("citation precision dropped" in f for f in failures)
    block = broken["systems"]["full"]
    assert block["retrieval"]["recall@10"] < 0.1 and block["refusal"]["recall"] == 0.0


def test_gate_tolerates_a_drop_within_the_tolerance_only():
    def with_accuracy(value: float) -> dict:
        return {
            "systems": {"full": {"accuracy": {"overall": value}, "citations": {"precision": 0.9}}}
        }

    assert check_regression(with_accuracy(0.785), with_accuracy(0.80)) == []
    assert len(check_regression(with_accuracy(0.77), with_accuracy(0.80))) == 1


def test_gate_reports_a_missing_system():
    assert check_regression({"systems": {}}, {"systems": {"full": {}}}) != []
