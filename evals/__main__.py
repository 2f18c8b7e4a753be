"""`python -m evals`: run the question sets through the systems, write results, gate on baseline.

python -m evals                         main, held-out and blind sets side by side (full system;
                                        the main set also through bm25, dense and naive)
python -m evals --check                 exit 1 if full drops below the baseline on any set
python -m evals --write-baseline        make this run evals/results/baseline/summary.json
python -m evals --sets main,calibration  other sets: main, holdout, blind, calibration
python -m evals --questions FILE        one question file of your own (no gate)

The full, bm25 and dense systems are built by `service.answer.pipeline.build_assistant`, the
code path the API serves; the naive baseline lives in `evals/baselines.py`. The blind set was
written by someone who saw neither the code nor the other sets: its answers and failures are
never written out, so nobody tunes on them.
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
    CALIBRATION_PATH,
    EVALS_DIR,
    HOLDOUT_PATH,
    QUESTIONS_PATH,
    load_questions,
    load_report,
    report_year,
)
from evals.evaluate import System, evaluate_system, summarize
from evals.gate import TOLERANCE, check_sets
from evals.report import render_report, render_sets, write_answers, write_chart, write_summary

log = logging.getLogger("evals")

SYSTEMS = ("full", "bm25", "dense", "naive")
RETRIEVAL_MODES = {"full": "hybrid", "bm25": "bm25", "dense": "dense"}
BASELINE_PATH = EVALS_DIR / "results" / "baseline" / "summary.json"
SETS = {
    "main": QUESTIONS_PATH,
    "holdout": HOLDOUT_PATH,
    "blind": BLIND_PATH,
    "calibration": CALIBRATION_PATH,
}
GATED_SETS = ("main", "holdout", "blind")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m evals", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help="systems for the main set, a subset of: " + ", ".join(SYSTEMS),
    )
    parser.add_argument("--sets", default=",".join(GATED_SETS), help="sets: " + ", ".join(SETS))
    parser.add_argument("--out", type=Path, help="output folder (default evals/results/<date>)")
    parser.add_argument("--check", action="store_true", help="fail when full drops below baseline")
    parser.add_argument("--write-baseline", action="store_true", help="make this run the baseline")
    parser.add_argument("--limit", type=int, help="only the first N questions of each set")
    parser.add_argument("--questions", type=Path, help="one question file of your own instead")
    args = parser.parse_args(argv)
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = sorted(set(args.systems) - set(SYSTEMS))
    if unknown:
        parser.error(f"unknown system(s): {', '.join(unknown)}")
    if (args.check or args.write_baseline) and "full" not in args.systems:
        parser.error("--check and --write-baseline compare the full system; include it")
    if args.questions is not None:
        if args.check or args.write_baseline:
            parser.error("--check and --write-baseline belong to the gated sets; drop --questions")
        if not args.questions.is_file():
            parser.error(f"question file not found: {args.questions}")
        args.sets = {args.questions.stem: args.questions}
    else:
        names = [s.strip() for s in args.sets.split(",") if s.strip()]
        unknown = sorted(set(names) - set(SETS))
        if unknown:
            parser.error(f"unknown set(s): {', '.join(unknown)}")
        args.sets = {name: SETS[name] for name in names}
        if args.write_baseline and not set(GATED_SETS) <= set(names):
            parser.error("a baseline covers every gated set: " + ", ".join(GATED_SETS))
    return args


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
        from evals.dataset import REPORT_PATH

        return build_naive(report, REPORT_PATH.stem, embeddings)
    from service.answer.pipeline import build_assistant

    kwargs: dict[str, Any] = {"retrieval_mode": RETRIEVAL_MODES[name]}
    if "embeddings" in inspect.signature(build_assistant).parameters:
        kwargs["embeddings"] = embeddings
    return build_assistant(settings, **kwargs)


def _run_set(
    name: str, path: Path, systems: dict[str, System], args: argparse.Namespace, report: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One question set through its systems: the summary and the per-question results."""
    questions = load_questions(path)
    if args.limit:
        questions = questions[: args.limit]
    year = report_year()
    context_years = (year,) if year else ()
    # Only the main set goes through the comparison systems; the others measure `full`.
    chosen = systems
    if name != "main" and "full" in systems:
        chosen = {"full": systems["full"]}
    results = {}
    for system_name, system in chosen.items():
        began = time.perf_counter()
        results[system_name] = evaluate_system(system, questions, report, context_years)
        log.info(
            "system evaluated",
            extra={
                "set": name,
                "system": system_name,
                "questions": len(questions),
                "seconds": round(time.perf_counter() - began, 1),
            },
        )
    summary = {
        "questions": len(questions),
        "limit": args.limit,
        "systems": {n: summarize(rows) for n, rows in results.items()},
    }
    return summary, results


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("evals").setLevel(logging.INFO)
    args = parse_args(argv)
    report = load_report()
    today = dt.date.today().isoformat()
    out_dir = args.out or EVALS_DIR / "results" / today
    out_dir.mkdir(parents=True, exist_ok=True)
    systems = build_systems(args.systems, report)

    run: dict[str, Any] = {"date": today, "sets": {}}
    for name, path in args.sets.items():
        summary, results = _run_set(name, path, systems, args, report)
        run["sets"][name] = summary
        set_dir = out_dir / name
        set_dir.mkdir(parents=True, exist_ok=True)
        write_summary({"date": today, **summary}, set_dir)
        # The blind set's answers and failures are never written out: nobody may tune on them.
        blind = path.resolve() == BLIND_PATH.resolve()
        if not blind:
            write_answers(results, set_dir)
        report_md = render_report({"date": today, **summary}, results, list_failures=not blind)
        (set_dir / "report.md").write_text(report_md, encoding="utf-8")
        write_chart({"date": today, **summary}, set_dir)
        for system_name, block in summary["systems"].items():
            print(
                f"{name:>12} {system_name:>6}: accuracy {block['accuracy']['overall'] or 0:.3f}  "
                f"citation precision {block['citations']['precision'] or 0:.3f}  "
                f"recall@5 {block['retrieval']['recall@5'] or 0:.3f}"
            )

    baseline = _read_baseline()
    write_summary(run, out_dir)
    (out_dir / "report.md").write_text(render_sets(run, baseline), encoding="utf-8")
    print(f"results in {out_dir}")

    if args.write_baseline:
        BASELINE_PATH.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out_dir / "summary.json", BASELINE_PATH)
        print(f"baseline written to {BASELINE_PATH}")

    if args.check:
        if baseline is None:
            print(f"GATE FAILED: no baseline at {BASELINE_PATH}; run with --write-baseline first")
            return 1
        if args.limit:
            print("note: --limit makes the comparison with a full-set baseline unreliable")
        failures = check_sets(run, baseline, tolerance=TOLERANCE)
        if failures:
            print("GATE FAILED — the full system dropped below the baseline:")
            for failure in failures:
                print(f"  - {failure}")
            return 1
        print("gate passed: full system within tolerance of the baseline on every set")
    return 0


def _read_baseline() -> dict[str, Any] | None:
    if not BASELINE_PATH.is_file():
        return None
    data: dict[str, Any] = json.loads(BASELINE_PATH.read_text(encoding="utf-8"))
    return data


if __name__ == "__main__":
    sys.exit(main())
