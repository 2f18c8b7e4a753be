"""How parsing time grows with report size: `python -m bench.ingest_scaling [SIZE_KB ...]`.

Builds synthetic reports by repeating the real one with renumbered headings (every copy is
"Programma N" with its own doelstellingen and table numbers), then times each stage of
`ingest.pipeline.parse_report` on its own: tables, document tree, consistency, chunks.
A linear pipeline shows a constant time per kB across sizes.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "corpus" / "zoetermeer-jaarrekening-2024-programma-5-veiligheid.txt"
DEFAULT_SIZES_KB = (25, 500, 1000, 3000)

_NUMBERED = re.compile(r"\b(Doelstelling|Tabel|Programma) 5\.?(\d*)")


def _renumber(match: re.Match[str], number: int) -> str:
    """Renumber a heading of programme 5 as programme `number` ("Doelstelling 5.2" -> "7.2")."""
    sub = f".{match.group(2)}" if match.group(2) else ""
    return f"{match.group(1)} {number}{sub}"


def synthetic_report(size_kb: int, base: str | None = None) -> str:
    """The real report repeated up to `size_kb` kB, each copy with its own heading numbers."""
    base = base if base is not None else REPORT.read_text(encoding="utf-8")
    target = size_kb * 1000
    parts = []
    total = 0
    copy = 0
    while total < target:
        copy += 1
        number = copy + 4  # the real report is programme 5
        part = base if copy == 1 else _NUMBERED.sub(partial(_renumber, number=number), base)
        parts.append(part)
        total += len(part.encode("utf-8"))
    text = "\n\n".join(parts)
    # Cut at a paragraph break near the target so the last copy is not a torn sentence.
    cut = text.rfind("\n\n", 0, target)
    return text if len(text.encode("utf-8")) <= target or cut < target // 2 else text[:cut]


def time_stages(
    text: str, name: str = "synthetisch", *, consistency: bool = True
) -> dict[str, float]:
    """Seconds per stage of parsing one report, in pipeline order (NaN for a skipped stage)."""
    from ingest.chunk import chunk_document
    from ingest.consistency import find_discrepancies
    from ingest.parse import parse_document
    from ingest.tables import parse_tables

    times: dict[str, float] = {}
    began = time.perf_counter()
    parsed = parse_tables(text, name)
    times["tables"] = time.perf_counter() - began

    began = time.perf_counter()
    spans = [(t.start, t.end, t.title) for t in parsed.tables]
    document = parse_document(text, name, "Programma 5 Veiligheid", spans)
    document.sentences()
    times["parse"] = time.perf_counter() - began

    times["consistency"] = float("nan")
    if consistency:
        began = time.perf_counter()
        find_discrepancies(text, parsed.tables)
        times["consistency"] = time.perf_counter() - began

    began = time.perf_counter()
    chunk_document(document, 700)
    times["chunk"] = time.perf_counter() - began
    times["total"] = sum(v for v in times.values() if v == v)  # NaN != NaN: skipped
    return times


def main(argv: list[str] | None = None) -> int:
    """Print one line per size: seconds per stage and the total."""
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_scaling")
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES_KB))
    parser.add_argument(
        "--no-consistency",
        action="store_true",
        help="skip the consistency stage (it is cubic today and would dominate large sizes)",
    )
    args = parser.parse_args(argv)
    # Load spaCy's sentencizer first, so the first size does not pay for the import.
    time_stages(synthetic_report(5), consistency=False)
    print(f"{'kB':>6} {'tables':>8} {'parse':>8} {'consist.':>8} {'chunk':>8} {'total':>8}")
    for size in args.sizes:
        text = synthetic_report(size)
        t = time_stages(text, consistency=not args.no_consistency)
        print(
            f"{len(text.encode('utf-8')) // 1000:>6} {t['tables']:>8.2f} {t['parse']:>8.2f} "
            f"{t['consistency']:>8.2f} {t['chunk']:>8.2f} {t['total']:>8.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
