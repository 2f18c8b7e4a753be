"""Reading tables is linear in the size of the report (a quadratic step would show here)."""

from __future__ import annotations

import cProfile
import pstats

from bench.table_parsing import long_report
from ingest.tables import parse_tables


def _work(source: str) -> int:
    """Function calls made while parsing: deterministic, unlike a clock."""
    profile = cProfile.Profile()
    profile.enable()
    parsed = parse_tables(source, "lang-rapport", 2024)
    profile.disable()
    assert parsed.tables and not parsed.problems
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def test_four_times_the_text_takes_four_times_the_work() -> None:
    small, large = long_report(100_000), long_report(400_000)
    ratio = _work(large) / _work(small)
    size_ratio = len(large) / len(small)
    assert 0.8 * size_ratio < ratio < 1.2 * size_ratio
