"""Structured logs: one JSON object per line, with the `extra` fields of each call.

Nothing here adds the text of a question or a client address; callers log counts,
routes and timings only (see `service.web.api`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

# Attributes every LogRecord has; anything else came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}


_NOISY = ("bm25s", "httpx", "chromadb", "sentence_transformers", "transformers", "urllib3")


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON: time, level, logger, message and the structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: int = logging.INFO) -> None:
    """Send the service's logs to stderr as JSON lines; quiet the chatty libraries."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    # Some libraries set their own loggers to DEBUG when imported; filter at the handler.
    handler.addFilter(
        lambda record: record.levelno >= logging.WARNING or not record.name.startswith(_NOISY)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
