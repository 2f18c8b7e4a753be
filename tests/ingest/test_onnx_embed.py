"""The ONNX embedder and exporter on a tiny random BERT: pooling, prompts, cache, threads.

The folder is built here (random weights, a word-level tokenizer), exported with the same
exporter `make model` uses, and compared with the torch model it came from. No real model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.embed import ModelMissingError, embedding_fingerprint, load_embeddings
from ingest.onnx_embed import OnnxEmbeddings, mean_pool_normalise
from ingest.onnx_export import export_onnx, onnx_paths
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
MAX_SEQ = 16
WORDS = (
    "query: passage: het aantal meldingen is gestegen gedaald in 2024 2023 de gemeente "
    "zoetermeer handhaving woninginbraken veiligheid hoeveel wat waarom"
).split()
TEXTS = [
    "het aantal meldingen is gestegen",
    "hoeveel woninginbraken",
    "de gemeente zoetermeer",
    "waarom is het aantal in 2024 gedaald en in 2023 gestegen",
    "veiligheid",
]


def _tokenizer_json(path: Path) -> None:
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordLevel

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for word in WORDS:
        vocab.setdefault(word, len(vocab))
    tok = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Sequence(  # type: ignore[assignment]
        [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()  # type: ignore[assignment]
    tok.post_processor = processors.TemplateProcessing(  # type: ignore[assignment]
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tok.save(str(path))


def _write(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj), encoding="utf-8")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sentence-transformers folder around a random two-layer BERT, exported to ONNX."""
    import torch
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny-bert")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=64,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=1,
    )
    BertModel(config).eval().save_pretrained(str(folder))
    _tokenizer_json(folder / "tokenizer.json")
    _write(folder / "special_tokens_map.json", {"pad_token": "<pad>", "cls_token": "<s>"})
    _write(folder / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ})
    _write(
        folder / "config_sentence_transformers.json",
        {"prompts": {"query": "query: ", "passage": "passage: "}},
    )
    _write(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.Pooling"},
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.Normalize",
            },
        ],
    )
    _write(
        folder / "1_Pooling" / "config.json",
        {"word_embedding_dimension": 32, "pooling_mode_mean_tokens": True},
    )
    export_onnx(folder)
    return folder


def _reference(folder: Path, texts: list[str]) -> np.ndarray:
    """Mean-pooled, normalised vectors from the torch model, one text at a time (no padding)."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    model = BertModel.from_pretrained(str(folder)).eval()
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_SEQ)
    out = []
    for text in texts:
        ids = torch.tensor([tok.encode(text).ids])
        with torch.no_grad():
            hidden = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
        vector = hidden[0].mean(dim=0).numpy()
        out.append(vector / np.linalg.norm(vector))
    return np.array(out)


def _embedder(folder: Path, **kwargs: object) -> OnnxEmbeddings:
    return OnnxEmbeddings(folder, onnx_paths(folder)[0], **kwargs)  # type: ignore[arg-type]


def test_export_writes_float32_and_int8_graphs(tiny: Path) -> None:
    import onnx

    fp32, int8 = onnx_paths(tiny)
    assert fp32.is_file() and int8.is_file()
    graph = onnx.load(str(fp32)).graph
    assert [i.name for i in graph.input] == ["input_ids", "attention_mask"]
    assert [o.name for o in graph.output] == ["last_hidden_state"]
    dims = [d.dim_param for d in graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["batch", "sequence"]
    ops = {n.op_type for n in onnx.load(str(int8)).graph.node}
    assert "DynamicQuantizeLinear" in ops or "MatMulInteger" in ops
    assert not list(tiny.glob(".onnx.tmp-*")), "temporary export folder left behind"


def test_documents_match_torch_mean_pooling_across_padded_batches(tiny: Path) -> None:
    embedder = _embedder(tiny, batch_size=2, query_cache_size=0)
    got = np.array(embedder.embed_documents(TEXTS))
    expected = _reference(tiny, ["passage: " + t for t in TEXTS])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-6)


def test_query_gets_the_query_prompt_from_the_folder_config(tiny: Path) -> None:
    embedder = _embedder(tiny, query_cache_size=0)
    assert embedder.prompts == {"query": "query: ", "passage": "passage: "}
    got = np.array(embedder.embed_query(TEXTS[0]))
    np.testing.assert_allclose(got, _reference(tiny, ["query: " + TEXTS[0]])[0], atol=1e-5)
    assert not np.allclose(got, embedder.embed_documents([TEXTS[0]])[0], atol=1e-3)


def test_texts_are_truncated_at_max_seq_length(tiny: Path) -> None:
    embedder = _embedder(tiny, query_cache_size=0)
    assert embedder.max_seq_length == MAX_SEQ
    long = " ".join(WORDS[2:] * 3)
    longer = long + " " + " ".join(WORDS[2:])
    a, b = embedder.embed_documents([long, longer])
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_empty_input_gives_no_vectors(tiny: Path) -> None:
    assert _embedder(tiny).embed_documents([]) == []


def test_mean_pooling_ignores_padding_and_normalises() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    np.testing.assert_allclose(mean_pool_normalise(hidden, mask), [[1.0, 0.0]])


def test_query_cache_hits_by_normalised_text_and_returns_copies(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = _embedder(tiny, query_cache_size=2)
    calls: list[str] = []
    real = embedder._embed_query

    def counting(text: str) -> list[float]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(embedder, "_embed_query", counting)

    first = embedder.embed_query("hoeveel woninginbraken")
    first[0] = 42.0  # a caller changing its list must not change the cache
    again = embedder.embed_query("hoeveel   woninginbraken")  # same tokens, same key
    assert calls == ["hoeveel woninginbraken"]
    assert again[0] != 42.0
    assert again == real("hoeveel   woninginbraken")

    embedder.embed_query("veiligheid")
    embedder.embed_query("de gemeente")  # evicts the least recently used
    assert embedder.cache_info() == {"size": 2, "max_size": 2}
    embedder.embed_query("hoeveel woninginbraken")
    assert len(calls) == 4


def test_query_cache_size_zero_switches_the_cache_off(tiny: Path) -> None:
    embedder = _embedder(tiny, query_cache_size=0)
    embedder.embed_query("veiligheid")
    assert embedder.cache_info() == {"size": 0, "max_size": 0}


@pytest.mark.parametrize("threads", [1, 2])
def test_threads_set_onnx_runtime_intra_and_inter_op(tiny: Path, threads: int) -> None:
    options = _embedder(tiny, threads=threads)._session.get_session_options()
    assert options.intra_op_num_threads == threads
    assert options.inter_op_num_threads == threads


def test_invalid_threads_or_cache_size_are_refused(tiny: Path) -> None:
    with pytest.raises(ValueError):
        _embedder(tiny, threads=0)
    with pytest.raises(ValueError):
        _embedder(tiny, query_cache_size=-1)


def test_int8_graph_stays_close_to_float32(tiny: Path) -> None:
    fp32 = np.array(_embedder(tiny).embed_documents(TEXTS))
    int8 = np.array(OnnxEmbeddings(tiny, onnx_paths(tiny)[1]).embed_documents(TEXTS))
    assert (fp32 * int8).sum(axis=1).min() > 0.95


def test_int8_document_vectors_do_not_depend_on_their_batch(tiny: Path) -> None:
    embedder = load_embeddings(Settings(model_dir=tiny, embedding_backend="onnx-int8"))
    together = embedder.embed_documents(TEXTS)
    alone = [embedder.embed_documents([text])[0] for text in TEXTS]
    assert together == alone


def test_load_embeddings_picks_the_graph_of_the_backend(tiny: Path) -> None:
    fp32, int8 = onnx_paths(tiny)
    settings = Settings(model_dir=tiny, embedding_backend="onnx", embed_threads=2)
    embedder = load_embeddings(settings)
    assert isinstance(embedder, OnnxEmbeddings)
    assert embedder.graph == fp32 and embedder.threads == 2
    int8_embedder = load_embeddings(Settings(model_dir=tiny, embedding_backend="onnx-int8"))
    assert isinstance(int8_embedder, OnnxEmbeddings) and int8_embedder.graph == int8


def test_fingerprint_differs_per_backend(tiny: Path) -> None:
    prints = {
        backend: embedding_fingerprint(Settings(model_dir=tiny, embedding_backend=backend))
        for backend in ("onnx-int8", "onnx", "torch")
    }
    assert len(set(prints.values())) == 3


def test_missing_onnx_export_names_make_model(tmp_path: Path, tiny: Path) -> None:
    folder = tmp_path / "no-onnx"
    folder.mkdir()
    (folder / "modules.json").write_text((tiny / "modules.json").read_text())
    with pytest.raises(ModelMissingError, match="make model"):
        load_embeddings(Settings(model_dir=folder, embedding_backend="onnx-int8"))


def test_onnx_backend_never_imports_torch(tiny: Path) -> None:
    # A fresh interpreter: this test process has torch loaded already.
    code = (
        "import sys\n"
        "import service.answer.pipeline, service.web.app\n"
        "from ingest.embed import load_embeddings\n"
        "from service.settings import Settings\n"
        f"e = load_embeddings(Settings(model_dir={str(tiny)!r}, embedding_backend='onnx-int8'))\n"
        "assert len(e.embed_query('veiligheid')) == 32\n"
        "loaded = [m for m in ('torch', 'sentence_transformers', 'transformers') "
        "if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
