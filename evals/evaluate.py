"""Run one system over the question set and score it; the runner and the tests share this."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

from langchain_core.documents import Document

from evals import metrics
from evals.dataset import ALL_CATEGORIES, Question
from service.web.schemas import AskRequest, AskResponse

log = logging.getLogger(__name__)

RECALL_KS = (1, 5, 10)


class Retriever(Protocol):
    """Anything with LangChain's `invoke(query) -> list[Document]`, ranked best first."""

    def invoke(self, input: str, /, **kwargs: Any) -> list[Document]: ...


class System(Protocol):
    """What the evals need of a system: the API's `ask`, its retriever and its sources."""

    retriever: Any

    def ask(self, request: AskRequest) -> AskResponse: ...

    def source(self, document: str) -> str: ...


@dataclass
class QuestionResult:
    """Everything measured for one question, kept for the report's failure list."""

    question: Question
    answer: str = ""
    route: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    correct: bool = False
    facts_ok: bool = False
    citation: metrics.CitationCounts | None = None
    verbatim: list[bool] = field(default_factory=list)
    recall: dict[int, float] = field(default_factory=dict)
    reciprocal_rank: float | None = None
    violations: list[str] = field(default_factory=list)
    unlike_sums: int = 0
    latency_ms: float = 0.0
    error: str | None = None

    def reason(self) -> str:
        """Why the answer failed, in a few words."""
        if self.error:
            return f"error: {self.error}"
        reasons = []
        expected = self.question.route or ("answer" if self.question.should_answer else "refusal")
        if not metrics.route_fits(self.route, self.question.route, self.question.should_answer):
            reasons.append(f"route {self.route or '-'} ≠ {expected}")
        if not self.facts_ok:
            missing = [
                "/".join(group)
                for group in self.question.must_contain
                if not metrics.facts_present(self.answer, [group])
            ]
            reasons.append("missing " + ", ".join(missing))
        return "; ".join(reasons)


class _Sources:
    """Which documents a system cites are the evaluated report, resolved once per name."""

    def __init__(self, system: System, report: str) -> None:
        self._system = system
        self._report = report
        self._texts: dict[str, str | None] = {}
        self._slots: dict[str, int] = {}

    def text(self, document: str) -> str | None:
        if document not in self._texts:
            try:
                self._texts[document] = self._system.source(document)
            except (KeyError, LookupError, ValueError):
                self._texts[document] = None
        return self._texts[document]

    def is_report(self, document: str | None) -> bool:
        return document is None or self.text(document) == self._report

    def slot(self, document: str | None) -> int | None:
        """A number per known document (0 for the evaluated report), None when unknown."""
        if self.is_report(document):
            return 0
        if document is None or self.text(document) is None:
            return None
        return self._slots.setdefault(document, len(self._slots) + 1)


# Spans of several documents are compared on one line: each document gets its own stretch.
_DOCUMENT_STRIDE = 10**9


def _placed(
    sources: _Sources, document: str | None, start: int, end: int
) -> tuple[int, int] | None:
    """A span of a document as a span on the one line all documents share."""
    slot = sources.slot(document)
    return (
        None if slot is None else (slot * _DOCUMENT_STRIDE + start, slot * _DOCUMENT_STRIDE + end)
    )


@lru_cache(maxsize=4)
def _tables(report: str) -> tuple[Any, ...]:
    from ingest.tables import parse_tables

    return parse_tables(report, "report").tables


def _cited_rows(report: str, start: int, end: int) -> list[list[tuple[str, bool, bool, Decimal]]]:
    """The table rows a citation quotes, as (column, total row, total column, value) per cell."""
    out = []
    for table in _tables(report):
        for row in table.rows:
            if row.start < end and start < row.end:
                out.append(
                    [
                        (f"{table.id}/{i}", row.is_total, column.is_total, cell.value)
                        for i, (column, cell) in enumerate(
                            zip(table.columns, row.cells, strict=True)
                        )
                        if cell is not None and cell.value is not None
                    ]
                )
    return out


def _gold_spans(question: Question, report: str, sources: _Sources) -> list[tuple[int, int]]:
    """Where each evidence span is: in the documents the question names (else the report)."""
    spans = []
    for span in question.evidence:
        places: list[str | None] = [*question.documents] or [None]
        for document in places:
            text = report if document is None else sources.text(document)
            at = text.find(span) if text else -1
            if at >= 0:
                placed = _placed(sources, document, at, at + len(span))
                if placed is not None:
                    spans.append(placed)
                break
        else:
            raise ValueError(f"{question.id}: evidence not found verbatim: {span[:60]!r}")
    return spans


def passage_span(doc: Document) -> tuple[int, int] | None:
    """Offsets of a retrieved passage: metadata `start`/`end`, or LangChain's `start_index`."""
    meta = doc.metadata
    start = meta.get("start", meta.get("start_index"))
    if start is None:
        return None
    end = meta.get("end", start + len(doc.page_content))
    return int(start), int(end)


def evaluate_question(
    system: System,
    question: Question,
    report: str,
    sources: _Sources,
    context_years: Sequence[int] = (),
) -> QuestionResult:
    """Ask one question through the system's `ask`, then probe its retriever."""
    result = QuestionResult(question=question)
    request = AskRequest(question=question.question, history=question.history)
    began = time.perf_counter()
    try:
        response = system.ask(request)
    except Exception as exc:  # one broken answer must not stop the whole evaluation
        result.latency_ms = (time.perf_counter() - began) * 1000
        result.error = f"{type(exc).__name__}: {exc}"
        log.warning("ask failed", extra={"question_id": question.id, "error": type(exc).__name__})
        return result
    result.latency_ms = (time.perf_counter() - began) * 1000
    result.answer, result.route = response.answer, response.route
    result.citations = [c.model_dump() for c in response.citations]
    result.facts_ok = metrics.facts_present(response.answer, question.must_contain)
    result.correct = result.facts_ok and metrics.route_fits(
        response.route, question.route, question.should_answer
    )

    for c in response.citations:
        text = sources.text(c.document)
        result.verbatim.append(
            text is not None and metrics.is_verbatim(text, c.start, c.end, c.quote)
        )

    context = " ".join([question.question, *(t.content for t in question.history)])
    if response.resolved_question:
        context += " " + response.resolved_question
    if response.route != "refusal":
        result.violations = metrics.grounding_violations(
            response.answer, [c.quote for c in response.citations], context, context_years
        )
        rows = [
            cells
            for c in response.citations
            if sources.is_report(c.document)
            for cells in _cited_rows(report, c.start, c.end)
        ]
        result.unlike_sums = metrics.unlike_sums(response.answer, rows)

    if question.evidence:
        gold = _gold_spans(question, report, sources)
        cited = [
            span
            for c in response.citations
            if (span := _placed(sources, c.document, c.start, c.end)) is not None
        ]
        # A citation into a document the set does not know still counts against precision.
        foreign = len(response.citations) - len(cited)
        counts = metrics.citation_counts(cited, gold)
        result.citation = metrics.CitationCounts(
            counts.cited + foreign, counts.relevant, counts.gold, counts.gold_found
        )
        query = response.resolved_question or question.question
        try:
            docs = system.retriever.invoke(query)
        except Exception as exc:  # a failing retriever scores zero, it does not crash the run
            log.warning(
                "retrieval failed", extra={"question_id": question.id, "error": type(exc).__name__}
            )
            docs = []
        ranked = [
            placed
            for doc in docs
            if (span := passage_span(doc)) is not None
            and (placed := _placed(sources, doc.metadata.get("document"), *span)) is not None
        ]
        result.recall = {k: metrics.recall_at_k(ranked, gold, k) for k in RECALL_KS}
        result.reciprocal_rank = metrics.reciprocal_rank(ranked, gold)
    return result


def evaluate_system(
    system: System,
    questions: Sequence[Question],
    report: str,
    context_years: Sequence[int] = (),
) -> list[QuestionResult]:
    """Every question through one system, in order; `context_years` are the report's own."""
    sources = _Sources(system, report)
    return [evaluate_question(system, q, report, sources, context_years) for q in questions]


def summarize(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """The per-system block of `summary.json`."""
    categories = [c for c in ALL_CATEGORIES if any(r.question.category == c for r in results)]
    by_category = {
        category: metrics.share(r.correct for r in results if r.question.category == category)
        for category in categories
    }
    counts = [r.citation for r in results if r.citation is not None]
    precision, recall = metrics.citation_precision_recall(counts)
    retrieved = [r for r in results if r.question.evidence]
    expected_routes = [_expected_route(r.question) for r in results]
    refusal_precision, refusal_recall = metrics.refusal_precision_recall(
        [r.route for r in results], expected_routes
    )
    answered = [r for r in results if r.route and r.route != "refusal"]
    return {
        "questions": len(results),
        "errors": sum(1 for r in results if r.error),
        "accuracy": {
            "overall": metrics.share(r.correct for r in results),
            "by_category": by_category,
            "n_by_category": {
                c: sum(1 for r in results if r.question.category == c) for c in categories
            },
            **_flag_accuracy(results),
        },
        "citations": {
            "precision": precision if counts else None,
            "recall": recall if counts else None,
            "verbatim_share": metrics.share(v for r in results for v in r.verbatim),
            "count": sum(len(r.citations) for r in results),
        },
        "retrieval": {
            **{
                f"recall@{k}": metrics.mean(r.recall[k] for r in retrieved if r.recall)
                for k in RECALL_KS
            },
            "mrr": metrics.mean(
                r.reciprocal_rank for r in retrieved if r.reciprocal_rank is not None
            ),
        },
        "refusal": {"precision": refusal_precision, "recall": refusal_recall},
        "route_accuracy": metrics.route_accuracy(
            [r.route for r in results if r.question.route],
            [r.question.route for r in results if r.question.route],
        ),
        "grounding": {
            "violations": sum(len(r.violations) for r in answered),
            "answers_with_violations": sum(1 for r in answered if r.violations),
            "answers_checked": len(answered),
            "unlike_sums": sum(r.unlike_sums for r in answered),
        },
        # Accuracy only checks that facts are present, so long answers read next to it.
        "answer_chars_p50": metrics.percentile([len(r.answer) for r in answered], 50),
        "latency_ms": metrics.latency_by_route((r.route or "error", r.latency_ms) for r in results),
    }


def _expected_route(question: Question) -> str:
    """The gold route, or just "answer"/"refusal" for sets that name no route."""
    if question.route is not None:
        return question.route
    return "answer" if question.should_answer else "refusal"


def _flag_accuracy(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """Accuracy on the slices the blind sets mark: several parts, claims, paraphrases, English."""
    slices = {
        "multipart": [r for r in results if r.question.multipart],
        "claim": [r for r in results if r.question.claim is not None],
        "paraphrase": [r for r in results if r.question.paraphrase],
        "english": [r for r in results if r.question.language == "en"],
        "formal_council": [r for r in results if r.question.category == "council"],
    }
    return {
        "by_flag": {name: metrics.share(r.correct for r in rows) for name, rows in slices.items()},
        "n_by_flag": {name: len(rows) for name, rows in slices.items()},
    }
