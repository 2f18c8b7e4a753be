"""The embedding model, behind LangChain's `Embeddings` interface.

Ingest and the service load the model through this one function, so indexing and
querying can never drift apart. Passages get the model's `passage: ` prompt and
questions its `query: ` prompt (multilingual-e5 is trained that way). The backend
(`Settings.embedding_backend`) is part of the fingerprint an index records.
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
    """The model folder (or its ONNX export) is not there; `make model` builds it."""


def load_embeddings(settings: Settings) -> Embeddings:
    """The model in `settings.model_dir`, on the CPU, run by `settings.embedding_backend`.

    "onnx-int8" and "onnx" import only onnxruntime, tokenizers and numpy; "torch" imports
    sentence-transformers (and torch) here, at call time, never at module level.
    """
    folder = Path(settings.model_dir)
    if not (folder / "modules.json").is_file():
        raise ModelMissingError(
            f"Embeddingmodel niet gevonden in {folder}. Bouw het met: make model"
        )
    if settings.embedding_backend == "torch":
        return _torch_embeddings(folder)

    from ingest.onnx_embed import DOCUMENT_BATCH_SIZE, OnnxEmbeddings

    graph = onnx_graph(settings)
    if not graph.is_file():
        raise ModelMissingError(
            f"ONNX-export van het embeddingmodel niet gevonden: {graph}. Bouw het met: make model"
        )
    return OnnxEmbeddings(
        folder,
        graph,
        threads=settings.embed_threads,
        query_cache_size=settings.query_cache_size,
        # The int8 graph quantises activations with one scale per call: a text batched with
        # others (and their padding) would get a slightly different vector than alone, so an
        # index could not reuse its vectors. One text per call keeps every vector the same.
        batch_size=1 if settings.embedding_backend == "onnx-int8" else DOCUMENT_BATCH_SIZE,
    )


def onnx_graph(settings: Settings) -> Path:
    """The ONNX file an ONNX backend runs (see `ingest.onnx_export`)."""
    name = "model_int8.onnx" if settings.embedding_backend == "onnx-int8" else "model.onnx"
    return Path(settings.model_dir) / "onnx" / name


def _torch_embeddings(folder: Path) -> Embeddings:
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(folder),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "prompt_name": "passage", "batch_size": 32},
        query_encode_kwargs={"normalize_embeddings": True, "prompt_name": "query"},
    )


def embedding_fingerprint(settings: Settings) -> str:
    """Identifies the vectors `load_embeddings` makes: model folder, backend and our recipe.

    A vector from a build with the same fingerprint can be reused instead of recomputed; one
    made by another backend (torch, ONNX float32, ONNX int8) is not, since the vectors differ
    slightly. `make model` writes `.built-from`, naming exactly what the model was converted
    from (and the ONNX exporter's version).
    """
    folder = Path(settings.model_dir)
    h = hashlib.sha256(EMBEDDING_RECIPE.encode())
    h.update(f"backend={settings.embedding_backend}".encode())
    marker = folder / ".built-from"
    if marker.is_file():
        h.update(marker.read_bytes())
    else:
        # Any other sentence-transformers folder: its location and config identify it.
        h.update(str(folder.resolve()).encode())
        for name in ("modules.json", "config.json"):
            if (folder / name).is_file():
                h.update((folder / name).read_bytes())
        if settings.embedding_backend != "torch":
            graph = onnx_graph(settings)
            if graph.is_file():
                stat = graph.stat()
                h.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return h.hexdigest()[:16]
