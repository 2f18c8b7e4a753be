"""The embedding model, behind LangChain's `Embeddings` interface.

Ingest and the service load the model through this one function, so indexing and
querying can never drift apart. Passages get the model's `passage: ` prompt and
questions its `query: ` prompt (multilingual-e5 is trained that way).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from langchain_core.embeddings import Embeddings

from service.settings import Settings

# Nothing may be fetched from a hub at run time: the model is a local folder.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


# Bump when the prompts, normalisation or pooling below change: stored vectors go stale.
EMBEDDING_RECIPE = "passage-prompt,normalised,v1"


class ModelMissingError(RuntimeError):
    """The model folder is not there; `make model` builds it."""


def load_embeddings(settings: Settings) -> Embeddings:
    """The sentence-transformers model named by `settings.model_dir`, on the CPU."""
    from langchain_huggingface import HuggingFaceEmbeddings

    folder = Path(settings.model_dir)
    if not (folder / "modules.json").is_file():
        raise ModelMissingError(
            f"Embeddingmodel niet gevonden in {folder}. Bouw het met: make model"
        )
    return HuggingFaceEmbeddings(
        model_name=str(folder),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "prompt_name": "passage", "batch_size": 32},
        query_encode_kwargs={"normalize_embeddings": True, "prompt_name": "query"},
    )


def embedding_fingerprint(settings: Settings) -> str:
    """Identifies the vectors `load_embeddings` makes: the model folder and our recipe.

    A vector from a build with the same fingerprint can be reused instead of recomputed.
    `make model` writes `.built-from`, naming exactly what the model was converted from.
    """
    folder = Path(settings.model_dir)
    h = hashlib.sha256(EMBEDDING_RECIPE.encode())
    marker = folder / ".built-from"
    if marker.is_file():
        h.update(marker.read_bytes())
    else:
        # Any other sentence-transformers folder: its location and config identify it.
        h.update(str(folder.resolve()).encode())
        for name in ("modules.json", "config.json"):
            if (folder / name).is_file():
                h.update((folder / name).read_bytes())
    return h.hexdigest()[:16]
