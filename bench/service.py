"""Latency and memory of the assistant per route, against baselines measured in the same run.

Baselines: the query embedding alone (the floor for anything that uses the model) and the
common recipe's retrieval step (dense top-1 from Chroma). Medians and p95 in milliseconds.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3


def _timed(call: Callable[[], object], rounds: int = ROUNDS) -> list[float]:
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(samples), "median_ms": statistics.median(samples), "p95_ms": p95}


def run(assistant: Any, load_ms: float) -> dict[str, Any]:
    """Time every route of the assistant over the evaluation questions."""
    from service.web.schemas import AskRequest

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    questions = [json.loads(line) for line in (ROOT / "evals" / "questions.jsonl").open()]
    assistant.ask(AskRequest(question="opwarmen"))  # first call pays for lazy imports
    by_route: dict[str, list[float]] = {}
    for q in questions:
        request = AskRequest(question=q["question"], history=q["history"])
        response = assistant.ask(request)
        by_route.setdefault(response.route, []).extend(_timed(partial(assistant.ask, request)))

    texts = [q["question"] for q in questions]
    embed_query = assistant.embeddings.embed_query
    embed = [t for q in texts for t in _timed(partial(embed_query, q), 1)]
    search = assistant.knowledge.chunk_store.similarity_search
    naive = [t for q in texts for t in _timed(partial(search, q, k=1), 1)]
    return {
        "load_ms": load_ms,
        "max_rss_mb": rss_mb,
        "routes": {route: _summary(s) for route, s in sorted(by_route.items())},
        "baselines": {
            "embed_query only": _summary(embed),
            "naive dense top-1 (Chroma)": _summary(naive),
        },
    }


def format_report(result: dict[str, Any]) -> str:
    """The result as a small table."""
    lines = [
        f"model + index load: {result['load_ms']:.0f} ms, max RSS {result['max_rss_mb']:.0f} MB",
        f"{'':34} {'n':>5} {'median ms':>10} {'p95 ms':>8}",
    ]
    for group in ("routes", "baselines"):
        for name, s in result[group].items():
            label = f"{'route ' if group == 'routes' else 'baseline '}{name}"
            lines.append(f"{label:34} {s['n']:>5} {s['median_ms']:>10.1f} {s['p95_ms']:>8.1f}")
    return "\n".join(lines)
