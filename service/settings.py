"""All settings in one place, read from the environment (prefix `VRAAGBAAK_`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
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
