"""Command line: `python -m ingest` builds the index from `corpus/`; `--check` lists discrepancies.

python -m ingest            parse, embed and publish a new index build (if the corpus changed)
python -m ingest --force    rebuild even if an identical build exists
python -m ingest --check    print the tables' totals that do not add up (no index needed)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ingest.consistency import format_report
from ingest.corpus import CorpusError, load_corpus
from ingest.embed import ModelMissingError, load_embeddings
from ingest.pipeline import parse_report, run_ingest
from service.settings import get_settings


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m ingest`."""
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--check", action="store_true", help="toon totalen die niet kloppen en stop"
    )
    parser.add_argument(
        "--force", action="store_true", help="bouw opnieuw, ook als niets veranderde"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    settings = get_settings()
    try:
        if args.check:
            for doc in load_corpus(Path(settings.corpus_dir)):
                report = parse_report(doc, settings)
                print(f"# {doc.name}")
                print(format_report(report.discrepancies))
                for problem in report.problems:
                    print(f"Tabel niet gelezen, regel {problem.line}: {problem.reason}")
            return 0
        summary = run_ingest(
            settings, lambda: load_embeddings(settings), _progress, force=args.force
        )
    except (CorpusError, ModelMissingError, ValueError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        print("De bestaande index is niet gewijzigd.", file=sys.stderr)
        return 1
    for line in summary.lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
