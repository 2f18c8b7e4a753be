"""The regression gate: compare a run's summary with the committed baseline."""

from __future__ import annotations

from typing import Any

TOLERANCE = 0.02
# (label, path into a system's summary block); a drop in either fails the gate.
GATED_METRICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overall accuracy", ("accuracy", "overall")),
    ("citation precision", ("citations", "precision")),
)


def _lookup(block: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = block
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, int | float) else None


def check_regression(
    summary: dict[str, Any],
    baseline: dict[str, Any],
    system: str = "full",
    tolerance: float = TOLERANCE,
) -> list[str]:
    """One message per gated metric that fell more than `tolerance` below the baseline."""
    current_block = summary.get("systems", {}).get(system)
    baseline_block = baseline.get("systems", {}).get(system)
    if current_block is None:
        return [f"system {system!r} is missing from this run"]
    if baseline_block is None:
        return [f"system {system!r} is missing from the baseline"]
    failures = []
    for label, path in GATED_METRICS:
        before = _lookup(baseline_block, path)
        now = _lookup(current_block, path)
        if before is None:
            continue
        if now is None:
            failures.append(f"{system}: {label} missing (baseline {before:.3f})")
        elif now < before - tolerance:
            failures.append(
                f"{system}: {label} dropped from {before:.3f} to {now:.3f} "
                f"({now - before:+.3f}, tolerance {tolerance:.2f})"
            )
    return failures


def _sets(summary: dict[str, Any]) -> dict[str, Any]:
    """The per-set summaries of a run (an older, single-set summary is the main set)."""
    if "sets" in summary:
        sets: dict[str, Any] = summary["sets"]
        return sets
    return {"main": summary}


def check_sets(
    run: dict[str, Any], baseline: dict[str, Any], tolerance: float = TOLERANCE
) -> list[str]:
    """`check_regression` for every set the baseline and the run both hold.

    A set in the baseline that the run skipped is a failure: the gate covers all of them.
    """
    failures = []
    now, before = _sets(run), _sets(baseline)
    for name, old in before.items():
        if name not in now:
            failures.append(f"{name}: set missing from this run")
            continue
        failures += [f"{name}: {f}" for f in check_regression(now[name], old, tolerance=tolerance)]
    return failures
