"""Damaged or odd text never breaks the reader: it reads what it can, offsets stay exact."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest.tables import parse_tables, validate_tables
from tests.conftest import REPORT
from tests.ingest.tables.helpers import assert_offsets

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
SNIPPETS = ["|", "\t", "  ", "-", "%", "€", "(2019)", " N", "\n", "\r\n", "Totaal 1 2", ""]


def _damaged(source: str, rng: random.Random) -> str:
    """The source with a few lines dropped, repeated, shuffled, cut or sprinkled with marks."""
    lines = source.splitlines(keepends=True)
    for _ in range(rng.randrange(1, 4)):
        at = rng.randrange(len(lines))
        action = rng.randrange(4)
        if action == 0:
            del lines[at : at + rng.randrange(1, 4)]
        elif action == 1:
            lines.insert(at, lines[at])
        elif action == 2:
            window = lines[at : at + 5]
            rng.shuffle(window)
            lines[at : at + 5] = window
        else:
            cut = rng.randrange(len(lines[at]) + 1)
            lines[at] = lines[at][:cut] + rng.choice(SNIPPETS) + lines[at][cut:]
        if not lines:
            break
    return "".join(lines)


@pytest.mark.parametrize("seed", range(4))
def test_damaged_reports_parse_with_exact_offsets(seed: int) -> None:
    rng = random.Random(seed)
    documents = [REPORT, *sorted(FIXTURES.glob("*.txt"))]
    texts = [p.read_text(encoding="utf-8") for p in documents]
    for _ in range(20):
        source = _damaged(rng.choice(texts), rng)
        parsed = parse_tables(source, "beschadigd", 2024)
        for table in parsed.tables:
            assert_offsets(source, table)
        for problem in parsed.problems:
            assert problem.line >= 1 and problem.reason
        validate_tables(parsed.tables)


@pytest.mark.parametrize(
    "source", ["", "\n\n\n", "   \n", "Totaal 1 2\n", "| a | b |\n", "1\n2\n3\n"]
)
def test_tiny_texts_give_no_tables(source: str) -> None:
    parsed = parse_tables(source, "klein", None)
    assert parsed.tables == ()
