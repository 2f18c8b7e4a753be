"""`python -m evals`: run the question set through every system, write results, gate on baseline.

The full, bm25 and dense systems are built by `service.answer.pipeline.build_assistant`, the same
code path the API serves; the naive baseline lives in `evals/baselines.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import logging
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from evals.dataset import (
    BLIND_PATH,
    EVALS_DIR,
    QUESTIONS_PATH,
    REPORT_PATH,
    load_questions,
    load_report,
    report_year,
)
from evals.evaluate import System, evaluate_system, summarize
from evals.gate import TOLERANCE, check_regression
from evals.report import render_report, write_answers, write_chart, write_summary

log = logging.getLogger("evals")

SYSTEMS = ("full", "bm25", "dense", "naive")
RETRIEVAL_MODES = {"full": "hybrid", "bm25": "bm25", "dense": "dense"}
BASELINE_PATH = EVALS_DIR / "results" / "baseline" / "summary.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help="comma-separated subset of: " + ", ".join(SYSTEMS),
    )
    parser.add_argument("--out", type=Path, help="output folder (default evals/results/<date>)")
    parser.add_argument("--check", action="store_true", help="fail when full drops below baseline")
    parser.add_argument("--write-baseline", action="store_true", help="make this run the baseline")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument(
        "--questions",
        type=Path,
        default=QUESTIONS_PATH,
        help="question set to run (default evals/questions.jsonl)",
    )
    args = parser.parse_args(argv)
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = sorted(set(args.systems) - set(SYSTEMS))
    if unknown:
        parser.error(f"unknown system(s): {', '.join(unknown)}")
    if args.check and "full" not in args.systems:
        parser.error("--check compares the full system; include it in --systems")
    if not _is_main_set(args.questions):
        if args.check or args.write_baseline:
            parser.error("--check and --write-baseline belong to the main set; drop --questions")
        if not args.questions.is_file():
            parser.error(f"question file not found: {args.questions}")
    return args


def _is_main_set(path: Path) -> bool:
    """Whether `path` is the main question set the baseline was made from."""
    return path.resolve() == QUESTIONS_PATH.resolve()


def _document_name() -> str:
    """The report's document id as the ingest names it in citations: its file stem."""
    return REPORT_PATH.stem


def build_systems(names: list[str], report: str) -> dict[str, System]:
    """Load the embedding model once and build each requested system around it."""
    from ingest.embed import load_embeddings
    from service.settings import get_settings

    settings = get_settings()
    embeddings = load_embeddings(settings)
    systems: dict[str, System] = {}
    for name in names:
        began = time.perf_counter()
        try:
            systems[name] = _build_one(name, settings, report, embeddings)
        except Exception as exc:
            raise SystemExit(
                f"could not build system {name!r}: {type(exc).__name__}: {exc}"
            ) from exc
        log.info(
            "system built",
            extra={"system": name, "seconds": round(time.perf_counter() - began, 2)},
        )
    return systems


def _build_one(name: str, settings: Any, report: str, embeddings: Any) -> System:
    """One system: the naive baseline, or the service's assistant in a retrieval mode."""
    if name == "naive":
        from evals.baselines import build_naive

        return build_naive(report, _document_name(), embeddings)
    from service.answer.pipeline import build_assistant

    kwargs: dict[str, Any] = {"retrieval_mode": RETRIEVAL_MODES[name]}
    if "embeddings" in inspect.signature(build_assistant).parameters:
        kwargs["embeddings"] = embeddings
    return build_assistant(settings, **kwargs)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("evals").setLevel(logging.INFO)
    args = parse_args(argv)
    questions = load_questions(args.questions)
    if args.limit:
        questions = questions[: args.limit]
    report = load_report()
    today = dt.date.today().isoformat()
    out_dir = args.out or EVALS_DIR / "results" / today
    out_dir.mkdir(parents=True, exist_ok=True)

    year = report_year()
    context_years = (year,) if year else ()
    systems = build_systems(args.systems, report)
    results = {}
    for name, system in systems.items():
        began = time.perf_counter()
        results[name] = evaluate_system(system, questions, report, context_years)
        log.info(
            "system evaluated",
            extra={
                "system": name,
                "questions": len(questions),
                "seconds": round(time.perf_counter() - began, 1),
            },
        )

    summary = {
        "date": today,
        "questions": len(questions),
        "limit": args.limit,
        "systems": {name: summarize(rows) for name, rows in results.items()},
    }
    write_summary(summary, out_dir)
    # The blind set's answers and failures are never written out: nobody may tune on them.
    blind = args.questions.resolve() == BLIND_PATH.resolve()
    if not blind:
        write_answers(results, out_dir)
    report_md = render_report(summary, results, list_failures=not blind)
    (out_dir / "report.md").write_text(report_md, encoding="utf-8")
    write_chart(summary, out_dir)

    for name, block in summary["systems"].items():
        print(
            f"{name:>6}: accuracy {block['accuracy']['overall'] or 0:.3f}  "
            f"citation precision {block['citations']['precision'] or 0:.3f}  "
            f"recall@5 {block['retrieval']['recall@5'] or 0:.3f}"
        )
    print(f"results in {out_dir}")

    if args.write_baseline:
        BASELINE_PATH.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out_dir / "summary.json", BASELINE_PATH)
        print(f"baseline written to {BASELINE_PATH}")

    if args.check:
        if not BASELINE_PATH.is_file():
            print(f"GATE FAILED: no baseline at {BASELINE_PATH}; run with --write-baseline first")
            return 1
        if args.limit:
            print("note: --limit makes the comparison with a full-set baseline unreliable")
        baseline = json.loads(BASELINE_PATH.read_text(encoding="utf-8"))
        failures = check_regression(summary, baseline, tolerance=TOLERANCE)
        if failures:
            print("GATE FAILED — the full system dropped below the baseline:")
            for failure in failures:
                print(f"  - {failure}")
            return 1
        print("gate passed: full system within tolerance of the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
