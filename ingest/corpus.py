"""Read the reports in `corpus/`: one text file per report, with its metadata file.

Adding a report is adding two files, `<id>.txt` and `<id>.meta.json` (see
`ingest.metadata`). Every file is checked before anything is indexed, so one bad file
stops the ingest with a Dutch message naming it and leaves the served index as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ingest import messages as msg
from ingest.metadata import (
    FIELDS,
    MAX_ID_CHARS,
    DocumentMeta,
    MetadataError,
    is_document_id,
    parse_metadata,
)

MIN_CHARS = 200
DEFAULT_MAX_BYTES = 5_000_000
META_SUFFIX = ".meta.json"
_BINARY_SHARE = 0.05


class CorpusError(ValueError):
    """A corpus file that cannot be ingested; the message names the file."""


@dataclass(frozen=True)
class CorpusDocument:
    """One report: its id (the file stem), unedited text and validated metadata."""

    path: Path
    id: str
    text: str
    meta: DocumentMeta

    @cached_property
    def sha256(self) -> str:
        """Content hash of the unedited text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def size(self) -> int:
        """Size of the text in bytes (UTF-8)."""
        return len(self.text.encode("utf-8"))

    @property
    def root_heading(self) -> str:
        """The root heading of the document tree, e.g. "Programma 5 Veiligheid"."""
        return self.meta.root_heading


def format_size(size: int) -> str:
    """A byte count for people: "4,8 MB", "25 kB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1000))} kB"


def _read_text(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise CorpusError(
            msg.TOO_LARGE.format(
                file=path.name, size=format_size(size), limit=format_size(max_bytes)
            )
        )
    data = path.read_bytes()
    if not data.strip():
        raise CorpusError(msg.FILE_EMPTY.format(file=path.name))
    if b"\x00" in data:
        raise CorpusError(msg.FILE_BINARY.format(file=path.name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(msg.FILE_NOT_UTF8.format(file=path.name, byte=exc.start)) from exc
    control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if control > _BINARY_SHARE * len(text):
        raise CorpusError(msg.FILE_CONTROL.format(file=path.name))
    if len(text.strip()) < MIN_CHARS:
        raise CorpusError(msg.FILE_TOO_SHORT.format(file=path.name, chars=len(text)))
    return text


def meta_path(report: Path) -> Path:
    """The metadata file that belongs to a report file."""
    return report.with_name(report.stem + META_SUFFIX)


def read_metadata(report: Path) -> DocumentMeta:
    """The validated metadata of one report; a missing or invalid file is a `CorpusError`."""
    path = meta_path(report)
    fields = ", ".join(f"'{name}'" for name in FIELDS)
    if not path.is_file():
        raise CorpusError(msg.META_MISSING.format(file=report.name, meta=path.name, fields=fields))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(msg.META_NOT_JSON.format(meta=path.name, error=exc)) from exc
    try:
        return parse_metadata(data, path.name)
    except MetadataError as exc:
        raise CorpusError(str(exc)) from None


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> CorpusDocument:
    """One report and its metadata, fully validated."""
    if not is_document_id(path.stem):
        raise CorpusError(msg.BAD_DOCUMENT_ID.format(file=path.name, max_chars=MAX_ID_CHARS))
    meta = read_metadata(path)
    return CorpusDocument(path, path.stem, _read_text(path, max_bytes), meta)


def _visible_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def ignored_files(folder: Path) -> list[str]:
    """Files in the corpus folder that are neither a report nor its metadata (e.g. a PDF)."""
    return [
        p.name
        for p in _visible_files(folder)
        if p.suffix != ".txt" and not p.name.endswith(META_SUFFIX)
    ]


def load_corpus(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[CorpusDocument]:
    """All `*.txt` reports in `folder`, validated, in id order; hidden files are skipped."""
    if not folder.is_dir():
        raise CorpusError(msg.FOLDER_MISSING.format(folder=folder))
    files = _visible_files(folder)
    for path in files:
        if path.suffix.lower() == ".txt" and path.suffix != ".txt":
            # "x.TXT" next to "x.txt" would give two reports one id.
            raise CorpusError(msg.SUFFIX_CASE.format(file=path.name))
    reports = [p for p in files if p.suffix == ".txt"]
    if not reports:
        raise CorpusError(msg.NO_REPORTS.format(folder=folder))
    report_stems = {p.stem for p in reports}
    for meta in (p for p in files if p.name.endswith(META_SUFFIX)):
        stem = meta.name.removesuffix(META_SUFFIX)
        if stem not in report_stems:
            # Most likely a renamed report: its metadata would silently stop applying.
            raise CorpusError(msg.META_ORPHAN.format(meta=meta.name, file=f"{stem}.txt"))
    return [read_document(path, max_bytes) for path in reports]
