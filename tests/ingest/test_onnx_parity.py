"""The ONNX backends against sentence-transformers on the real model (needs `make model`)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from ingest.embed import load_embeddings, onnx_graph
from service.settings import Settings
from tests.conftest import MODEL_DIR, model_available

MIN_COSINE = 0.99

SENTENCES = [
    "Hoeveel meldingen van huiselijk geweld registreerde de politie in 2024?",
    "Het aantal gevallen van huiselijk geweld is met tien gestegen van 49 naar 59.",
    "Is het aantal woninginbraken in Zoetermeer gedaald?",
    "Het aantal woninginbraken in Zoetermeer is in 2024 verder gedaald.",
    "Wat heeft de gemeente gedaan tegen vuurwerkoverlast tijdens de jaarwisseling?",
    "Tijdens de jaarwisseling was er minder vuurwerkoverlast en schade in de wijken.",
    "Hoeveel is er uitgegeven aan de aanpak van ondermijning?",
    "Voor de aanpak van ondermijning is in 2024 een bedrag van € 63.857 uitgegeven.",
    "Handhaving trad vaker op tegen jongerenoverlast en foutparkeren.",
    "Welke partners werken samen in het Zorg- en Veiligheidshuis?",
    "De verhouding tussen politieregistraties en tijdelijke huisverboden was 26%.",
    "Waarom vielen de lasten van het programma Veiligheid lager uit dan begroot?",
    "Woonoverlast: in totaal zijn 210 casussen geregistreerd, waarvan 68 afgerond.",
    "Wat kost de brandweer de gemeente per inwoner?",
    "De bijdrage aan de Veiligheidsregio Haaglanden steeg door hogere loonkosten.",
    "Hoeveel cameratoezicht is er in het stadshart?",
    "Buurtpreventie-apps en voorlichting over hang- en sluitwerk hielpen inbraken voorkomen.",
    "Wat zijn de baten en lasten van programma 5?",
    "Welke doelen zijn niet gehaald?",
    "Woonoverlast  ",
]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not model_available(), reason="model not built: make model"),
]


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    torch_embedder = load_embeddings(Settings(model_dir=MODEL_DIR, embedding_backend="torch"))
    return {
        "query": np.array([torch_embedder.embed_query(s) for s in SENTENCES]),
        "passage": np.array(torch_embedder.embed_documents(SENTENCES)),
    }


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_onnx_backend_matches_torch(
    backend: Literal["onnx", "onnx-int8"], reference: dict[str, np.ndarray]
) -> None:
    settings = Settings(model_dir=MODEL_DIR, embedding_backend=backend, query_cache_size=0)
    if not onnx_graph(settings).is_file():
        pytest.skip("ONNX export missing: make model")
    embedder = load_embeddings(settings)
    got = {
        "query": np.array([embedder.embed_query(s) for s in SENTENCES]),
        "passage": np.array(embedder.embed_documents(SENTENCES)),
    }
    for kind, vectors in got.items():
        cosines = (vectors * reference[kind]).sum(axis=1)
        worst = int(np.argmin(cosines))
        assert cosines[worst] >= MIN_COSINE, (
            f"{backend} {kind}: cosine {cosines[worst]:.4f} for {SENTENCES[worst]!r}"
        )
