"""How long reading the tables of a long report takes: it must grow linearly with its size.

Run: `python bench/table_parsing.py` (no index or model needed). The report is the real
Zoetermeer chapter and the fixture documents of other municipalities, repeated with their
headings numbered on, up to about 3 MB; a parse of the largest should take a few seconds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.tables import parse_tables  # noqa: E402

REPORT = ROOT / "corpus" / "zoetermeer-jaarrekening-2024-programma-5-veiligheid.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
SIZES_MB = (0.5, 1.0, 2.0, 3.0)


def long_report(size: int) -> str:
    """About `size` characters of report text: real chapters, headings numbered on per copy."""
    chapters = [REPORT.read_text(encoding="utf-8")]
    chapters += [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    parts: list[str] = []
    length = 0
    copy = 0
    while length < size:
        chapter = chapters[copy % len(chapters)]
        number = copy // len(chapters) + 1
        text = chapter.replace("Doelstelling 5.", f"Doelstelling {number}.").replace(
            "Tabel 5.1", f"Tabel {number}.1"
        )
        parts.append(text)
        length += len(text) + 1
        copy += 1
    return "\n".join(parts)


def main() -> None:
    """Print the parse time per size, and the time per MB."""
    for megabytes in SIZES_MB:
        source = long_report(int(megabytes * 1_000_000))
        started = time.perf_counter()
        parsed = parse_tables(source, "lang-rapport", 2024)
        seconds = time.perf_counter() - started
        size = len(source) / 1_000_000
        print(
            f"{size:4.1f} MB: {len(parsed.tables):5d} tabellen in {seconds:5.2f} s "
            f"({seconds / size:4.2f} s per MB)"
        )


if __name__ == "__main__":
    main()
