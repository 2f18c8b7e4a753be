"""The embedding model on ONNX Runtime: the same vectors as sentence-transformers, without torch.

Reads everything but the graph from the sentence-transformers folder itself: the prompts
(``config_sentence_transformers.json``), the maximum sequence length
(``sentence_bert_config.json``), the pooling (``1_Pooling/config.json``, mean only) and the
tokenizer (``tokenizer.json``, through the HF ``tokenizers`` library). Vectors are
mean-pooled over the attention mask and L2-normalised, as the folder's modules do.

Imports only onnxruntime, tokenizers and numpy, so a serving process that embeds its
questions with it stays small and starts fast.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

DEFAULT_MAX_SEQ_LENGTH = 512
# Texts per ONNX Runtime call when embedding documents; sorted by length first, so a batch
# pads little (sentence-transformers batches the same way).
DOCUMENT_BATCH_SIZE = 32


class OnnxEmbeddings(Embeddings):
    """A sentence-transformers folder's mean-pooled, normalised embeddings on ONNX Runtime.

    ``graph`` is the ONNX file (transformer only: ``input_ids``, ``attention_mask`` ->
    ``last_hidden_state``). ``threads`` sets ONNX Runtime's intra- and inter-op threads: one
    per worker process keeps N workers on N cores from fighting over them. Query vectors are
    kept in an LRU cache of ``query_cache_size`` entries (0 switches it off), keyed by the
    question as the tokenizer normalises it, so a cache hit is exactly the vector a miss makes.
    ``batch_size`` is the number of documents per call; give a dynamically quantised graph 1,
    since it scales activations per call and a vector would depend on its batch-mates.
    """

    def __init__(
        self,
        folder: Path,
        graph: Path,
        *,
        threads: int = 1,
        query_cache_size: int = 1024,
        batch_size: int = DOCUMENT_BATCH_SIZE,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        if query_cache_size < 0:
            raise ValueError(f"query_cache_size must be 0 or more, got {query_cache_size}")
        folder = Path(folder)
        self.folder = folder
        self.graph = Path(graph)
        self.threads = threads
        self.batch_size = batch_size
        self.query_cache_size = query_cache_size
        self.prompts = _prompts(folder)
        self.max_seq_length = _max_seq_length(folder)
        _check_pooling(folder)

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        pad_token = _special_token(folder, "pad_token") or "<pad>"
        pad_id = self._tokenizer.token_to_id(pad_token)
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=self.max_seq_length)
        self._pad_id = 0 if pad_id is None else pad_id

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = threads
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(self.graph), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._output = self._session.get_outputs()[0].name

        self._cache: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passage vectors, with the folder's ``passage`` prompt."""
        prompt = self.prompts.get("passage", "")
        vectors = self._embed([prompt + text for text in texts])
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """A question vector, with the folder's ``query`` prompt; cached by normalised text."""
        if not self.query_cache_size:
            return self._embed_query(text)
        key = self._normalise(text)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return list(hit)
        vector = self._embed_query(text)
        with self._lock:
            self._cache[key] = tuple(vector)
            self._cache.move_to_end(key)
            while len(self._cache) > self.query_cache_size:
                self._cache.popitem(last=False)
        return vector

    def cache_info(self) -> dict[str, int]:
        """How many query vectors the cache holds, and how many it may."""
        with self._lock:
            return {"size": len(self._cache), "max_size": self.query_cache_size}

    def _embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._embed([self.prompts.get("query", "") + text])[0].tolist()
        return vector

    def _normalise(self, text: str) -> str:
        # The tokenizer's own normaliser (Unicode mapping, runs of spaces): two questions
        # with the same normal form get the same tokens, hence the same vector.
        normalizer = self._tokenizer.normalizer
        return normalizer.normalize_str(text) if normalizer is not None else text

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors for texts that already carry their prompt."""
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            pooled = self._run([encodings[i].ids for i in rows])
            if out is None:
                out = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            out[rows] = pooled
        if out is None:
            return np.empty((0, 0), dtype=np.float32)
        return out

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in batch)
        input_ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
        attention_mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            attention_mask[row, : len(ids)] = 1
        feed: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self._session.run([self._output], feed)[0]
        return mean_pool_normalise(hidden, attention_mask)


def mean_pool_normalise(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean over the tokens the mask keeps, then unit length (as sentence-transformers does)."""
    mask = attention_mask[..., None].astype(np.float32)
    summed = (hidden.astype(np.float32) * mask).sum(axis=1)
    counts = np.clip(mask.sum(axis=1), 1e-9, None)
    pooled = summed / counts
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _prompts(folder: Path) -> dict[str, str]:
    config = _read_json(folder / "config_sentence_transformers.json") or {}
    prompts = config.get("prompts") or {}
    return {str(k): str(v) for k, v in prompts.items()}


def _max_seq_length(folder: Path) -> int:
    config = _read_json(folder / "sentence_bert_config.json") or {}
    if config.get("max_seq_length"):
        return int(config["max_seq_length"])
    tokenizer_config = _read_json(folder / "tokenizer_config.json") or {}
    length = tokenizer_config.get("model_max_length")
    return int(length) if isinstance(length, int) and length > 0 else DEFAULT_MAX_SEQ_LENGTH


def _special_token(folder: Path, name: str) -> str | None:
    tokens = _read_json(folder / "special_tokens_map.json") or {}
    value = tokens.get(name)
    if isinstance(value, dict):  # {"content": "<pad>", ...}
        value = value.get("content")
    return value if isinstance(value, str) else None


def _check_pooling(folder: Path) -> None:
    """Refuse a folder whose pooling or normalisation this class would get wrong."""
    modules = _read_json(folder / "modules.json") or []
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds and "Normalize" not in kinds:
        raise ValueError(f"{folder}: the ONNX embedder normalises, but the folder does not")
    pooling_dir = next(
        (m.get("path") for m in modules if str(m.get("type", "")).endswith(".Pooling")),
        "1_Pooling",
    )
    pooling = _read_json(folder / str(pooling_dir) / "config.json")
    if pooling is None:
        return
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    if modes != ["pooling_mode_mean_tokens"] or pooling.get("include_prompt") is False:
        raise ValueError(f"{folder}: the ONNX embedder only does mean pooling, not {modes}")
