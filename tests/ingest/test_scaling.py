"""Parsing and chunking grow linearly with a report's size.

Wall time is noisy on a shared CI machine, so this counts work instead: the Python lines
executed in `ingest/parse.py` and `ingest/chunk.py` (comprehensions included). Four times
the text must cost about four times the lines; a quadratic step would cost sixteen.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

import ingest.chunk
import ingest.parse
from bench.ingest_scaling import synthetic_report
from ingest.chunk import chunk_document
from ingest.parse import parse_document
from ingest.tables import parse_tables

WATCHED = {Path(ingest.parse.__file__).resolve(), Path(ingest.chunk.__file__).resolve()}
SMALL_KB, LARGE_KB = 75, 300


def _lines_executed(text: str) -> int:
    """Lines run in the watched modules while parsing and chunking `text`."""
    spans = [(t.start, t.end, t.title) for t in parse_tables(text, "schaal").tables]
    watched = {str(p) for p in WATCHED}
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename in watched else None

    sys.settrace(tracer)
    try:
        document = parse_document(text, "schaal", "Programma 5 Veiligheid", spans)
        chunk_document(document, 700)
    finally:
        sys.settrace(None)
    return count


def test_parsing_and_chunking_work_grows_linearly_with_size() -> None:
    small, large = synthetic_report(SMALL_KB), synthetic_report(LARGE_KB)
    size_ratio = len(large) / len(small)
    work_ratio = _lines_executed(large) / _lines_executed(small)
    assert 3.5 < size_ratio < 4.5
    # Linear work gives a ratio near the size ratio; quadratic work would give ~16.
    assert work_ratio < 1.25 * size_ratio, (work_ratio, size_ratio)
