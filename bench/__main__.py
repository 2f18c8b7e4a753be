"""`python -m bench` (`make bench`): latency per route and of the table answerer, with baselines.

`python -m bench --load [options]` runs the HTTP load benchmark instead (bench/load.py).
`python -m bench --embedding [--repeat N]` runs only the query-embedding stage
(bench/embedding.py: backends x threads, cold start, RSS), which `python -m bench` ends with.

Results are printed and written to bench/results/<timestamp>.json (git-ignored).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench import service, tables

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    """Run both benchmarks in one process, so their numbers share a machine state."""
    if "--load" in sys.argv[1:]:  # optional stage: HTTP load on served processes (bench/load.py)
        from bench import load

        return load.main([arg for arg in sys.argv[1:] if arg != "--load"])
    if "--embedding" in sys.argv[1:]:  # optional stage: embedding backends (bench/embedding.py)
        from bench import embedding

        return embedding.main(sys.argv[1:])
    from service.answer.pipeline import build_assistant
    from service.settings import Settings

    began = time.perf_counter()
    assistant = build_assistant(Settings())
    load_ms = (time.perf_counter() - began) * 1000
    print("# Table route (server side)")
    tables.main(assistant)
    print("\n# Assistant per route")
    result = service.run(assistant, load_ms)
    print(service.format_report(result))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nwritten to {out}\n")
    from bench import embedding

    return embedding.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
