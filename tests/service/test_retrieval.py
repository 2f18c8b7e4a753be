"""The hybrid retriever: LangChain's standard retriever suite, fusion, Dutch lexical matching."""

from __future__ import annotations

from typing import Any

from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from service.answer.retrieval import HybridRetriever, rrf
from tests.conftest import FakeEmbeddings

PASSAGES = [
    Document(
        page_content="In 2024 heeft Team Handhaving in totaal 13.939 meldingen verwerkt.",
        id="a",
        metadata={"start": 0, "end": 10},
    ),
    Document(
        page_content="Het aantal woninginbraken blijft dalen.",
        id="b",
        metadata={"start": 10, "end": 20},
    ),
    Document(
        page_content="De schade aan gemeentelijke eigendommen bedraagt dit jaar € 63.857.",
        id="c",
        metadata={"start": 20, "end": 30},
    ),
    Document(
        page_content="Er zijn 19 trainingen gegeven gericht op bewustwording en preventie.",
        id="d",
        metadata={"start": 30, "end": 40},
    ),
    Document(
        page_content="De casuïstiek woonoverlast betreft koopwoningen en corporatiewoningen.",
        id="e",
        metadata={"start": 40, "end": 50},
    ),
]


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's own standard tests for retrievers."""

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"passages": PASSAGES, "embeddings": FakeEmbeddings()}

    @property
    def retriever_query_example(self) -> str:
        return "hoeveel meldingen verwerkte handhaving?"


def test_rrf_rewards_agreement_between_rankings() -> None:
    fused = rrf([[1, 2, 3], [3, 1, 4]], k=60)
    assert max(fused, key=fused.__getitem__) == 1
    assert fused[3] > fused[2] and fused[4] < fused[2]


def test_bm25_matches_stems_typos_and_missing_accents() -> None:
    retriever = HybridRetriever(passages=PASSAGES, embeddings=FakeEmbeddings(), mode="bm25", k=1)
    assert retriever.invoke("handhavng melding")[0].id == "a"
    assert retriever.invoke("casuistiek woonoverlats")[0].id == "e"


def test_compound_parts_match_the_whole_word() -> None:
    retriever = HybridRetriever(passages=PASSAGES, embeddings=FakeEmbeddings(), mode="bm25", k=1)
    assert retriever.invoke("hoeveel inbraken waren er?")[0].id == "b"


def test_english_domain_words_reach_dutch_passages() -> None:
    retriever = HybridRetriever(passages=PASSAGES, embeddings=FakeEmbeddings(), mode="bm25", k=1)
    assert retriever.invoke("how many burglaries?")[0].id == "b"


def test_results_carry_ranks_and_are_deterministic() -> None:
    retriever = HybridRetriever(passages=PASSAGES, embeddings=FakeEmbeddings(), k=3)
    first = retriever.invoke("schade jaarwisseling")
    assert [d.id for d in first] == [d.id for d in retriever.invoke("schade jaarwisseling")]
    assert first[0].id == "c"
    assert {"score", "bm25_rank", "dense_rank", "start", "end"} <= set(first[0].metadata)
