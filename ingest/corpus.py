"""Read the reports in `corpus/`: one text file per report, with a small metadata file.

Every file is checked before anything is indexed, so one bad file stops the ingest with
a clear message naming it and leaves the served index as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIN_CHARS = 200
_BINARY_SHARE = 0.05


class CorpusError(ValueError):
    """A corpus file that cannot be ingested; the message names the file."""


@dataclass(frozen=True)
class CorpusDocument:
    """One report: its unedited text and what the metadata file says about it."""

    path: Path
    name: str  # the title shown in citations
    text: str
    metadata: dict[str, Any]

    @property
    def sha256(self) -> str:
        """Content hash of the unedited text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def programme(self) -> str:
        """The root heading of the document tree, e.g. "Programma 5 Veiligheid"."""
        return str(self.metadata.get("programme") or self.name.split("—")[-1].strip())


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise CorpusError(f"{path.name}: het bestand is leeg.")
    if b"\x00" in data:
        raise CorpusError(f"{path.name}: dit is een binair bestand, geen tekst.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path.name}: geen geldige UTF-8-tekst (byte {exc.start}). "
            "Sla het bestand op als UTF-8."
        ) from exc
    control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if control > _BINARY_SHARE * len(text):
        raise CorpusError(f"{path.name}: het bestand bevat vooral stuurtekens, geen tekst.")
    if len(text.strip()) < MIN_CHARS:
        raise CorpusError(f"{path.name}: te weinig tekst om te verwerken ({len(text)} tekens).")
    return text


def _read_metadata(path: Path) -> dict[str, Any]:
    meta_path = path.with_suffix(".meta.json")
    if not meta_path.is_file():
        return {"document": path.stem}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{meta_path.name}: ongeldige JSON ({exc}).") from exc
    if not isinstance(meta, dict) or not isinstance(meta.get("document", ""), str):
        raise CorpusError(f"{meta_path.name}: verwacht een object met een veld 'document'.")
    return meta


def load_corpus(folder: Path) -> list[CorpusDocument]:
    """All `*.txt` reports in `folder`, validated, in name order."""
    if not folder.is_dir():
        raise CorpusError(f"Map {folder} bestaat niet.")
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file())
    if not paths:
        raise CorpusError(f"Geen rapporten (*.txt) gevonden in {folder}.")
    documents = []
    for path in paths:
        meta = _read_metadata(path)
        documents.append(
            CorpusDocument(path, meta.get("document") or path.stem, _read_text(path), meta)
        )
    names = [d.name for d in documents]
    if len(set(names)) != len(names):
        raise CorpusError("Twee rapporten hebben dezelfde documentnaam in hun metadata.")
    return documents
