"""All settings in one place, read from the environment (prefix `VRAAGBAAK_`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Paths, model and retrieval knobs shared by ingest, the service and the evals."""

    # A deployment's own choices (which municipality it serves) live in vraagbaak.env at the
    # root; environment variables override it.
    model_config = SettingsConfigDict(
        env_prefix="VRAAGBAAK_", env_file=ROOT / "vraagbaak.env", frozen=True, extra="ignore"
    )

    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    # Any sentence-transformers folder works; `make model` builds this one offline.
    model_dir: Path = ROOT / "models" / "multilingual-e5-small"
    collection: str = "report_chunks"

    host: str = "127.0.0.1"
    port: int = 8000

    # Ingest: a report larger than this is refused with a message naming it (5 MB is about
    # 20 times a typical programme chapter; parsing stays well under a minute at that size).
    max_document_bytes: int = Field(default=5_000_000, gt=0)
    # Texts per call to the model while embedding; progress is reported per batch.
    embed_batch_size: int = Field(default=64, gt=0)

    # How the embedding model runs
    # "onnx-int8" and "onnx" run the model's ONNX export (`make model`) on ONNX Runtime without
    # torch; "torch" runs sentence-transformers. Ingest and service must use the same one: the
    # index records it and re-embeds when it changes.
    embedding_backend: Literal["onnx-int8", "onnx", "torch"] = "onnx-int8"
    # ONNX Runtime threads per process (intra- and inter-op). One per worker, and no more
    # workers than cores, so workers never compete for a core.
    embed_threads: int = Field(default=1, gt=0)
    # Question vectors kept per process (LRU, ONNX backends); 0 switches the cache off.
    query_cache_size: int = Field(default=1024, ge=0)

    # The municipality whose newest report answers a question that names none; empty means
    # the municipality with the most reports in the corpus.
    default_municipality: str = ""

    chunk_chars: int = 700
    retrieval_k: int = 8
    rrf_k: int = 60
    max_citations: int = 3

    # Privacy: the raw text of questions is never logged unless this is switched on.
    log_questions: bool = False

    # The widget on other sites, and feedback
    # Websites whose pages may call the API from a browser, comma-separated in the environment
    # ("https://intranet.example.nl,http://127.0.0.1:8123"); empty means only our own pages.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Thumbs and comments on answers; never the asker's IP address or question.
    feedback_db: Path = ROOT / "data" / "feedback.sqlite3"
    # Staff download feedback as CSV with this bearer token; empty switches the download off.
    feedback_token: SecretStr = SecretStr("")

    # Limits that keep one client or one question from tying up the service
    # A request body larger than this is refused with a 413 before it is parsed. Above the
    # largest valid request (feedback: a 20 000-character answer and 100 000 of citations), so
    # the fields' own limits still answer with their own Dutch message.
    max_body_bytes: int = Field(default=256_000, gt=0)
    # All earlier turns of a conversation together, in characters; more is a 422.
    max_history_chars: int = Field(default=20_000, gt=0)
    # Requests to /v1 per client address, e.g. "60/minute" (second, minute, hour, day);
    # empty switches the limit off. Counted in memory per worker; addresses are never logged.
    rate_limit: str = Field(
        default="60/minute", pattern=r"^\s*(\d+\s*/\s*(second|minute|hour|day))?\s*$"
    )
    # Seconds a question may take; then /v1/ask answers 503 and the answer is dropped.
    answer_timeout_seconds: float = Field(default=10.0, gt=0)
    # Processes `python -m service serve` starts; each loads its own copy of the index.
    workers: int = Field(default=1, ge=1)

    # The index lifecycle and where the vectors live
    # Seconds between looks at index/current; a new build is loaded beside the served one and
    # swapped in. 0 switches the watcher off (then only POST /v1/admin/reload switches).
    reload_interval_seconds: float = Field(default=5.0, ge=0)
    # Bearer token for POST /v1/admin/reload; empty switches the endpoint off (404).
    admin_token: SecretStr = SecretStr("")
    # "embedded": Chroma files inside each build; "http": a Chroma server holding every build.
    chroma_mode: Literal["embedded", "http"] = "embedded"
    # The Chroma server (http mode only).
    chroma_host: str = "127.0.0.1"
    chroma_port: int = Field(default=8000, gt=0, lt=65536)
    # Talk to the Chroma server over HTTPS.
    chroma_ssl: bool = False
    # Extra headers for every request to the Chroma server, as JSON in the environment.
    chroma_headers: dict[str, str] = Field(default_factory=dict)
    # Sent to the Chroma server as `Authorization: Bearer <token>`; empty sends none.
    chroma_token: SecretStr = SecretStr("")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> list[str]:
        items = value.split(",") if isinstance(value, str) else list(value or [])
        origins = [normalise_origin(str(item)) for item in items if str(item).strip()]
        return list(dict.fromkeys(origins))


def normalise_origin(value: str) -> str:
    """`scheme://host[:port]` as a browser sends it in `Origin`: lowercase, no default port.

    Raises ValueError for anything that is not an http(s) origin ("*", "null", a path).
    """
    text = value.strip().rstrip("/")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) origin: {value!r}")
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"an origin has no path, query or user: {value!r}")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port  # raises ValueError for a port that is no number
    if port is None or port == {"http": 80, "https": 443}[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
