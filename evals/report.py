"""Write a run's results: `summary.json`, `report.md`, `chart.png` and per-system answers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.evaluate import QuestionResult


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def write_summary(summary: dict[str, Any], out_dir: Path) -> Path:
    """The machine-readable result the gate compares."""
    path = out_dir / "summary.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_answers(results: Mapping[str, Sequence[QuestionResult]], out_dir: Path) -> None:
    """Every answer per system, one JSON line each, for digging into a failure."""
    for name, rows in results.items():
        with (out_dir / f"answers-{name}.jsonl").open("w", encoding="utf-8") as f:
            for r in rows:
                record = {
                    "id": r.question.id,
                    "category": r.question.category,
                    "correct": r.correct,
                    "route": r.route,
                    "answer": r.answer,
                    "citations": r.citations,
                    "violations": r.violations,
                    "recall": r.recall,
                    "latency_ms": round(r.latency_ms, 1),
                    "error": r.error,
                }
                f.write(json.dumps(record, ensure_ascii=False) + "\n")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render_report(
    summary: dict[str, Any],
    results: Mapping[str, Sequence[QuestionResult]],
    focus: str = "full",
    list_failures: bool = True,
) -> str:
    """Side-by-side tables per category and metric, then every failure of the focus system.

    A blind set's failures are not listed (`list_failures=False`): nobody may tune on them.
    """
    systems = list(summary["systems"])
    blocks = summary["systems"]
    lines = [
        f"# Evaluatie {summary['date']}",
        "",
        f"{summary['questions']} vragen; systemen: {', '.join(systems)}.",
        "",
        "## Nauwkeurigheid per categorie",
        "",
    ]
    rows = []
    for category in blocks[systems[0]]["accuracy"]["n_by_category"]:
        n = blocks[systems[0]]["accuracy"]["n_by_category"][category]
        rows.append(
            [f"{category} ({n})"]
            + [_fmt(blocks[s]["accuracy"]["by_category"][category]) for s in systems]
        )
    rows.append(
        ["**overall**"] + [f"**{_fmt(blocks[s]['accuracy']['overall'])}**" for s in systems]
    )
    lines += _table(["categorie", *systems], rows)

    metric_rows: list[tuple[str, tuple[str, ...]]] = [
        ("citation precision", ("citations", "precision")),
        ("citation recall", ("citations", "recall")),
        ("verbatim share", ("citations", "verbatim_share")),
        ("recall@1", ("retrieval", "recall@1")),
        ("recall@5", ("retrieval", "recall@5")),
        ("recall@10", ("retrieval", "recall@10")),
        ("MRR", ("retrieval", "mrr")),
        ("refusal precision", ("refusal", "precision")),
        ("refusal recall", ("refusal", "recall")),
        ("route accuracy", ("route_accuracy",)),
        ("grounding violations", ("grounding", "violations")),
        ("answers with violations", ("grounding", "answers_with_violations")),
        ("answer length p50 (chars)", ("answer_chars_p50",)),
        ("errors", ("errors",)),
    ]
    rows = []
    for label, path in metric_rows:
        row = [label]
        for s in systems:
            value: Any = blocks[s]
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            row.append(_fmt(value))
        rows.append(row)
    routes = sorted({route for s in systems for route in blocks[s]["latency_ms"]})
    for route in routes:
        for quantile in ("p50", "p95"):
            rows.append(
                [f"latency {route} {quantile} (ms)"]
                + [_fmt(blocks[s]["latency_ms"].get(route, {}).get(quantile), 1) for s in systems]
            )
    lines += ["", "## Overige metrieken", "", *_table(["metriek", *systems], rows)]

    if focus in results and list_failures:
        failures = [r for r in results[focus] if not r.correct]
        lines += ["", f"## Fouten van `{focus}` ({len(failures)})", ""]
        for r in failures:
            q = r.question
            lines.append(f"### {q.id} · {q.category} · {r.reason()}")
            lines.append("")
            for turn in q.history:
                lines.append(f"- eerder: {_one_line(turn.content)}")
            lines.append(f"- vraag: {_one_line(q.question)}")
            expected = " / ".join("|".join(g) for g in q.must_contain) or "weigering"
            lines.append(
                f"- verwacht ({q.route}): {_one_line(q.gold_answer)} — moet bevatten: {expected}"
            )
            lines.append(f"- gekregen ({r.route or '-'}): {_one_line(r.answer or r.error or '')}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_chart(summary: dict[str, Any], out_dir: Path) -> Path:
    """Grouped bars: accuracy per category, one bar per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(summary["systems"])
    categories = list(summary["systems"][systems[0]]["accuracy"]["by_category"])
    labels = [*categories, "overall"]
    width = 0.8 / max(len(systems), 1)
    fig, ax = plt.subplots(figsize=(12, 4.5))
    for i, name in enumerate(systems):
        accuracy = summary["systems"][name]["accuracy"]
        values = [accuracy["by_category"][c] or 0.0 for c in categories] + [
            accuracy["overall"] or 0.0
        ]
        positions = [x + (i - (len(systems) - 1) / 2) * width for x in range(len(labels))]
        ax.bar(positions, values, width, label=name)
    ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("nauwkeurigheid")
    ax.set_title(f"Nauwkeurigheid per categorie — {summary['date']}")
    ax.legend()
    fig.tight_layout()
    path = out_dir / "chart.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


_SIDE_BY_SIDE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("accuracy", ("accuracy", "overall")),
    ("citation precision", ("citations", "precision")),
    ("citation recall", ("citations", "recall")),
    ("refusal precision", ("refusal", "precision")),
    ("refusal recall", ("refusal", "recall")),
    ("recall@5", ("retrieval", "recall@5")),
    ("grounding violations", ("grounding", "violations")),
    ("unlike sums", ("grounding", "unlike_sums")),
)


def _value(block: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        block = block.get(key) if isinstance(block, dict) else None
    return block


def render_sets(run: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    """Every set side by side for the full system, with the baseline in brackets."""
    sets = run["sets"]
    names = list(sets)
    base_sets = (baseline or {}).get("sets", {"main": baseline} if baseline else {})
    lines = [f"# Evaluatie {run['date']}", "", "Systeem `full`; tussen haakjes de baseline.", ""]
    header = ["metriek", *(f"{n} ({sets[n]['questions']})" for n in names)]
    rows = []
    for label, path in _SIDE_BY_SIDE:
        row = [label]
        for name in names:
            now = _value(sets[name]["systems"].get("full", {}), path)
            before = _value((base_sets.get(name) or {}).get("systems", {}).get("full", {}), path)
            shown = _fmt(now)
            row.append(f"{shown} ({_fmt(before)})" if before is not None else shown)
        rows.append(row)
    lines += _table(header, rows)
    lines += ["", "## Per categorie", ""]
    for name in names:
        full = sets[name]["systems"].get("full")
        if not full:
            continue
        accuracy = full["accuracy"]
        cells = [
            f"{c} {_fmt(v)} ({accuracy['n_by_category'][c]})"
            for c, v in accuracy["by_category"].items()
        ]
        flags = [
            f"{f} {_fmt(v)} ({accuracy['n_by_flag'][f]})"
            for f, v in accuracy.get("by_flag", {}).items()
            if accuracy["n_by_flag"].get(f)
        ]
        lines.append(f"- **{name}**: " + ", ".join(cells + flags))
    lines += ["", "Details per set: `<set>/report.md` (de blinde set zonder fouten)."]
    return "\n".join(lines) + "\n"
