"""All settings in one place, read from the environment (prefix `VRAAGBAAK_`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
