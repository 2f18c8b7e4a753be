"""Query-embedding latency, cold start and memory per embedding backend and thread count.

Each configuration runs in a fresh process (so cold start and RSS are its own): load the
model through `ingest.embed.load_embeddings`, embed one question (cold start = process start
to that first vector), then time `embed_query` on 200 short Dutch questions, warm, with the
query cache off. With `repeat` > 1 each configuration runs that many times and the medians
are reported, since the machine may be shared.

python -m bench --embedding [--repeat N]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "evals" / "questions.jsonl"
N_QUESTIONS = 200
WARMUP = 20
CONFIGS: tuple[tuple[str, int], ...] = (
    ("torch", 1),
    ("torch", 2),
    ("onnx", 1),
    ("onnx", 2),
    ("onnx-int8", 1),
    ("onnx-int8", 2),
)

# Runs in the child process; prints one JSON line.
_CHILD = """
import json, resource, sys, time
backend, threads, questions = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
if backend == "torch":
    import torch
    torch.set_num_threads(threads)
from ingest.embed import load_embeddings
from service.settings import Settings
settings = Settings(embedding_backend=backend, embed_threads=threads, query_cache_size=0)
embedder = load_embeddings(settings)
embedder.embed_query(questions[0])
first = time.time()
for q in questions[:{warmup}]:
    embedder.embed_query(q)
samples = []
for q in questions:
    began = time.perf_counter()
    embedder.embed_query(q)
    samples.append((time.perf_counter() - began) * 1000)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
torch_loaded = "torch" in sys.modules
print(json.dumps({{"first": first, "samples": samples, "rss_mb": rss, "torch": torch_loaded}}))
"""


def _questions() -> list[str]:
    with QUESTIONS.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["question"] for line in fh if line.strip()]
    return texts[:N_QUESTIONS]


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_one(backend: str, threads: int, questions: list[str]) -> dict[str, Any]:
    """One fresh process: cold start, warm p50/p95 of embed_query, max RSS."""
    code = _CHILD.format(warmup=WARMUP)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    began = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code, backend, str(threads), json.dumps(questions)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{backend}/{threads} failed: {result.stderr[-1500:]}")
    child = json.loads(result.stdout.strip().splitlines()[-1])
    samples = child["samples"]
    return {
        "backend": backend,
        "threads": threads,
        "p50_ms": statistics.median(samples),
        "p95_ms": _percentile(samples, 0.95),
        "cold_start_s": child["first"] - began,
        "max_rss_mb": child["rss_mb"],
        "torch_imported": child["torch"],
    }


def run(repeat: int = 1) -> list[dict[str, Any]]:
    """Every configuration `repeat` times, interleaved; medians per configuration."""
    questions = _questions()
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {c: [] for c in CONFIGS}
    for _ in range(repeat):
        for backend, threads in CONFIGS:
            runs[(backend, threads)].append(run_one(backend, threads, questions))
    rows = []
    for (backend, threads), results in runs.items():
        row: dict[str, Any] = {"backend": backend, "threads": threads, "runs": len(results)}
        for key in ("p50_ms", "p95_ms", "cold_start_s", "max_rss_mb"):
            row[key] = statistics.median(r[key] for r in results)
        row["torch_imported"] = any(r["torch_imported"] for r in results)
        rows.append(row)
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| backend | threads | p50 ms | p95 ms | cold start s | max RSS MB | torch loaded |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['backend']} | {r['threads']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['cold_start_s']:.1f} | {r['max_rss_mb']:.0f} "
            f"| {'yes' if r['torch_imported'] else 'no'} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """`python -m bench --embedding [--repeat N]`: print the table, write it as JSON."""
    repeat = 1
    if "--repeat" in argv:
        repeat = int(argv[argv.index("--repeat") + 1])
    rows = run(repeat)
    print(f"# Query embedding ({N_QUESTIONS} questions, warm, cache off; median of {repeat})")
    print(format_table(rows))
    out = ROOT / "bench" / "results" / f"embedding-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(f"\nwritten to {out}")
    return 0
