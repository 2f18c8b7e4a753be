"""Command line: `python -m ingest` builds the index from `corpus/`; `--check` lists discrepancies.

python -m ingest            parse, embed what is new and publish a new index build
                            (reuses the served build as it is when nothing changed)
python -m ingest --force    rebuild from scratch: parse and embed everything again
python -m ingest --check    print the tables' totals that do not add up (no index needed)

Adding a report: put <id>.txt and <id>.meta.json in corpus/ and run `python -m ingest`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ingest import messages as msg
from ingest.consistency import format_report
from ingest.corpus import CorpusError, load_corpus
from ingest.embed import ModelMissingError, load_embeddings
from ingest.pipeline import IngestError, parse_report, run_ingest
from service.settings import get_settings

log = logging.getLogger("ingest")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    # One line, even when an exception's text spans several.
    print(" ".join(msg.FAILED.format(error=message).split()), file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m ingest`; a failure is one Dutch line, never a traceback."""
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
    parser.add_argument(
        "--debug", action="store_true", help="toon bij een onverwachte fout de volledige traceback"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    settings = get_settings()
    try:
        if args.check:
            for doc in load_corpus(Path(settings.corpus_dir), settings.max_document_bytes):
                report = parse_report(doc, settings)
                print(f"# {doc.id} — {doc.meta.title}")
                print(format_report(report.discrepancies))
                for problem in report.problems:
                    print(f"Tabel niet gelezen, regel {problem.line}: {problem.reason}")
            return 0
        summary = run_ingest(
            settings, lambda: load_embeddings(settings), _progress, force=args.force
        )
    except (CorpusError, IngestError, ModelMissingError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print(msg.INTERRUPTED, file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        # The served build is untouched (see ingest.store); the details go to the log.
        log.debug("ingest failed", exc_info=True)
        return _fail(msg.UNEXPECTED.format(kind=type(exc).__name__, error=exc))
    for line in summary.lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
