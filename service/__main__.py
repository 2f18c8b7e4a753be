"""Command line: `python -m service serve` starts the API; `python -m service ask` answers.

python -m service serve [--host H] [--port P] [--workers N]
python -m service ask "Hoeveel fietsendiefstallen waren er vorig jaar?" [--json]
python -m service ask --jsonl vragen.jsonl      # one {"id","question","history"} per line
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import TYPE_CHECKING, Any, TextIO

from pydantic import ValidationError

from ingest.embed import ModelMissingError
from ingest.store import IndexMissingError
from service.render import messages
from service.settings import get_settings
from service.web import logs
from service.web.errors import error_body, validation_message
from service.web.schemas import AskRequest, AskResponse

if TYPE_CHECKING:
    from fastapi import FastAPI


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


# Each worker process imports the app by this name (uvicorn needs an import string to start
# more than one) and builds it itself, logging set up first, since a worker starts afresh.
APP_FACTORY = "service.__main__:serve_app"
# Bytes of a request's line and headers h11 holds before the whole header block has arrived.
MAX_HEADER_BYTES = 16 * 1024
KEEP_ALIVE_SECONDS = 5


def serve_app() -> FastAPI:
    """The app as a uvicorn worker builds it: JSON logs, settings from the environment."""
    from service.web.app import create_app

    logs.configure()
    # The access log writes client addresses. access_log=False leaves it without a handler;
    # disabled, it stays silent even when something gives it one.
    logging.getLogger("uvicorn.access").disabled = True
    return create_app(get_settings())


def server_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """What `serve` passes to uvicorn besides the app: privacy and connection limits."""
    return {
        "host": host,
        "port": port,
        "workers": workers,
        "access_log": False,  # the access log would write every client's IP address
        "log_config": None,  # keep our JSON logs; uvicorn's own config would replace them
        "server_header": False,  # do not tell the world which server and version runs here
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,  # an idle connection is closed soon
        "http": "h11",  # not httptools: only h11 takes the header size limit below
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
    }


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    logs.configure()
    options = server_options(
        args.host or settings.host, args.port or settings.port, args.workers or settings.workers
    )
    uvicorn.run(APP_FACTORY, factory=True, **options)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("moet 1 of meer zijn")
    return value


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
    serve.add_argument("--workers", type=_positive, help="aantal processen (standaard 1)")
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
