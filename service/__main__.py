"""Command line: `python -m service serve` starts the API; `python -m service ask` answers.

python -m service serve [--host H] [--port P]
python -m service ask "Hoeveel fietsendiefstallen waren er vorig jaar?" [--json]
python -m service ask --jsonl vragen.jsonl      # one {"id","question","history"} per line
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, TextIO

from pydantic import ValidationError

from ingest.embed import ModelMissingError
from ingest.store import IndexMissingError
from service.render import messages
from service.settings import get_settings
from service.web import logs
from service.web.errors import error_body, validation_message
from service.web.schemas import AskRequest, AskResponse


def _print_answer(response: AskResponse, out: TextIO) -> None:
    out.write(response.answer + "\n")
    if response.resolved_question:
        out.write(f"\n(Begrepen als: {response.resolved_question})\n")
    if response.citations:
        out.write("\nBronnen:\n")
    for c in response.citations:
        quote = " ".join(c.quote.split())
        out.write(f"[{c.id}] {c.title or c.document} — {c.section} (tekens {c.start}–{c.end})\n")
        out.write(f"    “{quote}”\n")
        if c.table_row:
            out.write(f"    {c.table_row}\n")
    if response.frame is not None:
        out.write("\nBegrepen als (frame):\n")
        out.write(json.dumps(response.frame, ensure_ascii=False, indent=2) + "\n")


def _jsonl(path: str, assistant: Any, out: TextIO) -> int:
    failures = 0
    try:
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        print(f"Kan {path} niet lezen: {exc.strerror}", file=sys.stderr)
        return 2
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            item_id: Any = None
            try:
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError("dit is geen geldige JSON") from exc
                item_id = item.get("id") if isinstance(item, dict) else None
                if not isinstance(item, dict):
                    raise ValueError("geen JSON-object")
                request = AskRequest.model_validate(
                    {"question": item.get("question"), "history": item.get("history") or []}
                )
                result: dict[str, Any] = {"id": item_id, **assistant.ask(request).model_dump()}
            except ValidationError as exc:
                failures += 1
                result = {
                    "id": item_id,
                    **error_body("invalid_request", validation_message(exc.errors())),
                }
            except ValueError as exc:
                failures += 1
                result = {"id": item_id, **error_body("invalid_request", f"Regel {number}: {exc}")}
            except Exception:  # one failing question must not stop the other answers
                failures += 1
                logging.getLogger(__name__).exception("question failed", extra={"line": number})
                result = {"id": item_id, **error_body("internal_error", messages.ERROR_INTERNAL)}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
    if failures:
        print(f"{failures} regel(s) konden niet worden beantwoord.", file=sys.stderr)
    return 1 if failures else 0


def _ask(args: argparse.Namespace) -> int:
    from service.answer.pipeline import build_assistant

    if args.question is None and args.jsonl is None:
        print("Geef een vraag, of --jsonl BESTAND.", file=sys.stderr)
        return 2
    if args.question is not None:
        try:
            request = AskRequest(question=args.question, explain=args.frame)
        except ValidationError as exc:
            print(validation_message(exc.errors()), file=sys.stderr)
            return 2
    try:
        assistant = build_assistant(get_settings())
    except (IndexMissingError, ModelMissingError) as exc:
        print(str(exc), file=sys.stderr)
        return 3
    if args.jsonl is not None:
        return _jsonl(args.jsonl, assistant, sys.stdout)
    response = assistant.ask(request)
    if args.json:
        print(response.model_dump_json(indent=2))
    else:
        _print_answer(response, sys.stdout)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.web.app import create_app

    settings = get_settings()
    logs.configure()
    uvicorn.run(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        access_log=False,  # the access log would write every client's IP address
        log_config=None,  # keep our JSON logs; uvicorn's own config would replace them
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m service`."""
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start de API (OpenAPI-documentatie op /docs)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    ask = sub.add_parser("ask", help="beantwoord een vraag")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print het JSON-antwoord van de API")
    ask.add_argument("--jsonl", metavar="BESTAND", help="vragen per regel; '-' is stdin")
    ask.add_argument("--frame", action="store_true", help="toon ook hoe de vraag is begrepen")
    args = parser.parse_args(argv)
    logs.configure(logging.WARNING)
    return _serve(args) if args.command == "serve" else _ask(args)


if __name__ == "__main__":
    sys.exit(main())
