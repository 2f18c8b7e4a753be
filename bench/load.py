"""HTTP load on the real service: `python -m bench --load [options]` or `python -m bench.load`.

Starts `python -m service serve` on loopback with 1 and then 2 worker processes, sends bounded
mixed traffic (table, text and refusal questions) at 1, 8 and 32 concurrent clients, and
reports requests/s, p50/p95 latency, the resident memory of every worker and the cold start
(process start to the first answered question). Writes a Markdown table, the raw numbers and a
chart to bench/results/load-<timestamp>.{md,json,png} (git-ignored).

`--replicate N` first builds a synthetic corpus of N copies of every report, each under a
made-up municipality, and ingests it with the real model into a temporary index (or into
`--keep DIR`): how latency and memory grow with the corpus (see docs/scaling.md). Without
either, the service reads the settings' corpus and index as they are.

Only loopback is ever a target, and every level stops after `--requests` answers or
`--seconds`, whichever comes first.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"

# Our own questions, not the evaluation sets: a mix of the three routes a visitor meets.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("table", "Hoeveel casussen woonoverlast waren er in totaal in Meerzicht?"),
    ("table", "Hoeveel afgeronde casussen woonoverlast waren er bij koopwoningen?"),
    ("text", "Wat zijn de speerpunten van het veiligheidsbeleid?"),
    ("text", "Met welke partners werkt de gemeente samen aan veiligheid?"),
    ("refusal", "Wat voor weer wordt het morgen?"),
    ("refusal", "Hoe vraag ik een nieuw paspoort aan?"),
)


@dataclass
class Level:
    """One run at a fixed number of concurrent clients."""

    workers: int
    clients: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    routes: dict[str, int] = field(default_factory=dict)


@dataclass
class ServerRun:
    """One server start: its cold start, its levels and the memory of its processes."""

    workers: int
    cold_start_s: float
    levels: list[Level]
    worker_rss_mb: list[float]
    parent_rss_mb: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _has_workers_flag() -> bool:
    """Whether `python -m service serve` takes --workers (else uvicorn is started directly)."""
    out = subprocess.run(
        [sys.executable, "-m", "service", "serve", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return "--workers" in out.stdout


def server_command(port: int, workers: int) -> list[str]:
    """The command that serves the app on loopback with `workers` processes."""
    if _has_workers_flag():
        serve = [sys.executable, "-m", "service", "serve", "--host", HOST, "--port", str(port)]
        return [*serve, "--workers", str(workers)]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "service.web.app:create_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    """All descendants of `pid` (uvicorn's workers and their helpers), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        kids = [child for child, parent in parents.items() if parent == current]
        found.extend(kids)
        frontier.extend(kids)
    return found


async def _ask(client: httpx.AsyncClient, question: str) -> tuple[float, str | None]:
    began = time.perf_counter()
    response = await client.post("/v1/ask", json={"question": question})
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        return elapsed, None
    return elapsed, str(response.json().get("route"))


async def _cold_start(base: str, began: float, limit_s: float) -> float:
    """Seconds from process start to the first answered question."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.perf_counter() - began < limit_s:
            try:
                _, route = await _ask(client, QUESTIONS[0][1])
                if route is not None:
                    return time.perf_counter() - began
                # The server answers only once its startup is over: a 503 here is final.
                ready = await client.get("/readyz")
                if ready.status_code == 503:
                    raise RuntimeError(f"service not ready: {ready.json().get('reason')}")
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"no answer within {limit_s:.0f} s")


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run_level(base: str, workers: int, clients: int, requests: int, seconds: float) -> Level:
    """`clients` concurrent askers until `requests` answers or `seconds` have passed."""
    questions = itertools.cycle(q for _, q in QUESTIONS)
    latencies: list[float] = []
    routes: dict[str, int] = {}
    errors = 0
    sent = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    began = time.perf_counter()
    deadline = began + seconds

    async def asker(client: httpx.AsyncClient) -> None:
        nonlocal sent, errors
        while sent < requests and time.perf_counter() < deadline:
            sent += 1
            try:
                elapsed, route = await _ask(client, next(questions))
            except httpx.HTTPError:
                errors += 1
                continue
            if route is None:
                errors += 1
                continue
            latencies.append(elapsed)
            routes[route] = routes.get(route, 0) + 1

    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await asyncio.gather(*(asker(client) for _ in range(clients)))
    took = time.perf_counter() - began
    ordered = sorted(latencies) or [float("nan")]
    return Level(
        workers=workers,
        clients=clients,
        requests=len(latencies),
        errors=errors,
        seconds=took,
        rps=len(latencies) / took,
        p50_ms=statistics.median(ordered),
        p95_ms=_percentile(ordered, 0.95),
        routes=routes,
    )


def run_server(
    workers: int, clients: list[int], requests: int, seconds: float, env: dict[str, str]
) -> ServerRun:
    """Start the service, measure its cold start and every load level, then stop it."""
    port = _free_port()
    base = f"http://{HOST}:{port}"
    began = time.perf_counter()
    process = subprocess.Popen(
        server_command(port, workers),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        cold = asyncio.run(_cold_start(base, began, limit_s=600))
        # Warm every worker: each pays for its lazy imports on its first questions.
        asyncio.run(run_level(base, workers, 2 * workers, 4 * workers * len(QUESTIONS), 300))
        levels = []
        for count in clients:
            level = asyncio.run(run_level(base, workers, count, requests, seconds))
            print(
                f"  workers={workers} clients={count:>3}: {level.rps:6.1f} req/s, "
                f"p50 {level.p50_ms:7.0f} ms, p95 {level.p95_ms:7.0f} ms, "
                f"{level.requests} answers, {level.errors} errors",
                flush=True,
            )
            levels.append(level)
        kids = _children(process.pid)
        # With one worker uvicorn serves in the parent; with more, the parent only supervises.
        serving = [pid for pid in kids if _rss_mb(pid) > 100] if workers > 1 else [process.pid]
        return ServerRun(
            workers=workers,
            cold_start_s=cold,
            levels=levels,
            worker_rss_mb=[round(_rss_mb(pid), 1) for pid in serving],
            parent_rss_mb=round(_rss_mb(process.pid), 1),
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def replicate_corpus(source: Path, target: Path, copies: int) -> int:
    """`copies` of every report in `source`, each under its own made-up municipality.

    The municipality's name is replaced in the text and the metadata, so every copy is a
    distinct report to the parser, the index and the router. Returns the number of reports.
    """
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for meta_path in sorted(source.glob("*.meta.json")):
        stem = meta_path.name.removesuffix(".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = (source / f"{stem}.txt").read_text(encoding="utf-8")
        original = str(meta["municipality"])
        for number in range(copies):
            name = original if number == 0 else _made_up_name(number)
            doc_id = stem.replace(original.lower(), name.lower())
            copy = {
                key: value.replace(original, name) if isinstance(value, str) else value
                for key, value in meta.items()
            }
            (target / f"{doc_id}.meta.json").write_text(
                json.dumps(copy, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            (target / f"{doc_id}.txt").write_text(text.replace(original, name), encoding="utf-8")
            count += 1
    return count


def _made_up_name(number: int) -> str:
    """A pronounceable place name per number: 1 -> Bakerdam, 2 -> Bakerdorp, ..."""
    first = ("Bak", "Dor", "Fel", "Gro", "Hal", "Kor", "Lim", "Mar", "Nol", "Ros")
    middle = ("er", "en", "in", "ol", "um")
    last = ("dam", "dorp", "veen", "wijk", "broek", "hoven", "berg", "meer")
    a, rest = divmod(number, len(middle) * len(last))
    b, c = divmod(rest, len(last))
    return f"{first[a % len(first)]}{middle[b]}{last[c]}" + ("" if a < len(first) else str(a))


def ingest(env: dict[str, str]) -> float:
    """Build the index the environment points at; returns the seconds it took."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ingest", "--force"], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - began


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def format_markdown(runs: list[ServerRun], context: dict[str, Any]) -> str:
    """The results as a Markdown table, with the setup they were measured under."""
    lines = [
        f"# Load benchmark {context['when']}",
        "",
        f"Command: `{context['command']}`  ",
        f"Corpus: {context['corpus']}  ",
        f"Machine: {os.cpu_count()} CPUs (shared); "
        f"{context['requests']} answers or {context['seconds']:.0f} s per level; "
        f"questions: {len(QUESTIONS)} (table/text/refusal, cycled)",
        "",
        "| workers | clients | req/s | p50 ms | p95 ms | answers | errors | routes |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        for level in run.levels:
            routes = ", ".join(f"{k} {v}" for k, v in sorted(level.routes.items()))
            lines.append(
                f"| {level.workers} | {level.clients} | {level.rps:.1f} | {level.p50_ms:.0f} "
                f"| {level.p95_ms:.0f} | {level.requests} | {level.errors} | {routes} |"
            )
    lines += [
        "",
        "| workers | cold start s | RSS per worker MB | supervisor MB |",
        "|---:|---:|---|---:|",
    ]
    for run in runs:
        rss = ", ".join(f"{r:.0f}" for r in run.worker_rss_mb)
        parent = "—" if run.workers == 1 else f"{run.parent_rss_mb:.0f}"
        lines.append(f"| {run.workers} | {run.cold_start_s:.1f} | {rss} | {parent} |")
    return "\n".join(lines) + "\n"


def plot(runs: list[ServerRun], out: Path, title: str) -> None:
    """Requests/s and p95 latency against concurrent clients, one line per worker count."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (rps_ax, lat_ax) = plt.subplots(1, 2, figsize=(10, 4))
    clients = sorted({level.clients for run in runs for level in run.levels})
    for number, run in enumerate(runs):
        xs = [level.clients for level in run.levels]
        label = f"{run.workers} worker{'s' if run.workers > 1 else ''}"
        style = {"color": f"C{number}", "marker": "o"}
        rps_ax.plot(xs, [level.rps for level in run.levels], label=label, **style)
        lat_ax.plot(xs, [level.p95_ms for level in run.levels], label=f"{label} p95", **style)
        lat_ax.plot(
            xs, [level.p50_ms for level in run.levels], ls="--", label=f"{label} p50", **style
        )
    for ax, ylabel in ((rps_ax, "requests/s"), (lat_ax, "latency (ms)")):
        ax.set_xscale("log", base=2)
        ax.set_xticks(clients, [str(c) for c in clients])
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m bench --load`."""
    parser = argparse.ArgumentParser(prog="python -m bench --load", description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=120, help="answers per level at most")
    parser.add_argument("--seconds", type=float, default=60, help="seconds per level at most")
    parser.add_argument("--replicate", type=int, default=1, help="copies of the corpus")
    parser.add_argument(
        "--keep", type=Path, help="build the (replicated) corpus and its index here and keep them"
    )
    args = parser.parse_args(argv)

    # All load comes from one loopback address: the per-client rate limit would cap it at once.
    env = {
        **os.environ,
        "TOKENIZERS_PARALLELISM": "false",
        "HF_HUB_OFFLINE": "1",
        "VRAAGBAAK_RATE_LIMIT": "",
    }
    context: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "command": "python -m bench --load " + " ".join(argv if argv is not None else []),
        "requests": args.requests,
        "seconds": args.seconds,
        "corpus": "corpus/ as it is",
    }
    scratch = None
    if args.replicate > 1 or args.keep is not None:
        scratch = args.keep or Path(tempfile.mkdtemp(prefix="vraagbaak-load-"))
        corpus, index = scratch / "corpus", scratch / "index"
        shutil.rmtree(corpus, ignore_errors=True)
        reports = replicate_corpus(ROOT / "corpus", corpus, args.replicate)
        env |= {"VRAAGBAAK_CORPUS_DIR": str(corpus), "VRAAGBAAK_INDEX_DIR": str(index)}
        print(f"ingesting {reports} reports into {index} ...", flush=True)
        took = ingest(env)
        context["corpus"] = (
            f"{args.replicate}x replicated: {reports} reports, ingest {took:.0f} s, "
            f"index {_du_mb(index):.0f} MB on disk"
        )
        context["ingest_s"] = took
        context["index_mb"] = _du_mb(index)
    try:
        runs = []
        for workers in args.workers:
            print(f"serving with {workers} worker(s) ...", flush=True)
            runs.append(run_server(workers, args.clients, args.requests, args.seconds, env))
    finally:
        if scratch is not None and args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)

    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"load-{time.strftime('%Y%m%d-%H%M%S')}"
    report = format_markdown(runs, context)
    stem.with_suffix(".md").write_text(report, encoding="utf-8")
    raw = {"context": context, "runs": [asdict(run) for run in runs]}
    stem.with_suffix(".json").write_text(json.dumps(raw, indent=2), encoding="utf-8")
    plot(runs, stem.with_suffix(".png"), f"Vraagbaak load, {context['corpus']}")
    print("\n" + report)
    print(f"written to {stem}.md, .json and .png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
