"""The index on disk: one immutable build folder per corpus state, swapped in atomically.

    index/current -> builds/<build id>/
        manifest.json    what went in: every document with its metadata, the model, counts
        chroma/          Chroma collections of chunks and sentences, with our own embeddings
        tables.sqlite    the tables as typed rows
        consistency.json discrepancies between text and tables
        sources/<id>.txt the unedited report texts the offsets point into

A build is written next to the served one and only becomes `current` once complete, so
a failed ingest never touches what the service reads. The build id is a hash of the
corpus and the model, so re-running ingest on unchanged input does nothing. Every row of
a collection has a content-derived id scoped by its document (`ingest.chunk.content_id`),
so a new build can copy the vectors of unchanged text from the served one.

Where the vectors live is a setting (`chroma_mode`): in the build's own `chroma/` folder
(embedded, the default) or on a Chroma server (http), where one server holds many builds,
so each collection's name carries the build id (`report_chunks-<build id>`). The manifest
records which, so the service reads a build where ingest wrote it. The table store stays a
small SQLite file in the build either way: it is written once, read once into memory at
load, and must never drift from the build's source texts, so it travels with them.

Serving never writes to a build (it may sit on a read-only mount): the tables are opened
with `mode=ro`, and because an embedded Chroma rewrites its files even when only queried,
the service opens a private scratch copy of `chroma/` (see `open_served_vectors`).

Which builds are kept when a new one is published (`prune_builds`): the current one, the
newest older one as a fallback, and every build a running service holds a fresh lease on
(`index/leases/<build id>/<host>-<pid>`, renewed every minute, stale after ten). A
`.staging-*` folder left by a killed ingest is removed by the next ingest once its owner
process is gone (same host) or it is older than a day (`remove_stale_staging`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import tempfile
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from ingest.chunk import Chunk, content_id
from ingest.parse import Sentence

if TYPE_CHECKING:
    from service.settings import Settings

log = logging.getLogger(__name__)

CHUNKS = "report_chunks"
SENTENCES = "report_sentences"
MANIFEST = "manifest.json"
KEEP_OLD_BUILDS = 1
COLLECTION_METADATA = {"hnsw:space": "cosine"}
LEASES = "leases"
# A service renews its lease every minute; one not renewed for ten is a crashed process.
LEASE_RENEW_SECONDS = 60.0
LEASE_STALE_SECONDS = 600.0
STAGING = ".staging-"
# A served embedded build's private copy of its vectors: <temp>/vraagbaak-chroma-<build>-<pid>-*
SCRATCH = "vraagbaak-chroma-"
STAGING_OWNER = ".owner.json"
# An ingest of the whole corpus takes minutes; a staging folder a day old is abandoned.
STAGING_STALE_SECONDS = 24 * 3600.0


class IndexMissingError(RuntimeError):
    """No index has been built yet."""


@dataclass(frozen=True)
class IndexPaths:
    """Where the parts of one build live."""

    root: Path

    @property
    def chroma(self) -> Path:
        """The Chroma database folder."""
        return self.root / "chroma"

    @property
    def tables(self) -> Path:
        """The SQLite table store."""
        return self.root / "tables.sqlite"

    @property
    def consistency(self) -> Path:
        """The discrepancies between text and tables."""
        return self.root / "consistency.json"

    @property
    def sources(self) -> Path:
        """The folder of unedited source texts."""
        return self.root / "sources"

    @property
    def manifest(self) -> Path:
        """What went into the build."""
        return self.root / MANIFEST

    def source(self, document: str) -> Path:
        """The copy of a document's text that its offsets point into (ids are safe names)."""
        return self.sources / f"{document}.txt"


def chroma_client(path: Path | None = None) -> chromadb.ClientAPI:
    """A persistent client at `path`, or an in-memory one; telemetry always off."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if path is None:
        return chromadb.EphemeralClient(settings=settings)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def http_client(settings: Settings) -> chromadb.ClientAPI:
    """A client of the Chroma server in the settings, with its headers and bearer token."""
    headers = dict(settings.chroma_headers)
    token = settings.chroma_token.get_secret_value()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return chromadb.HttpClient(
        host=settings.chroma_host,
        port=settings.chroma_port,
        ssl=settings.chroma_ssl,
        headers=headers or None,
        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
    )


def server_name(name: str, build_id: str, token: str = "") -> str:
    """A collection's name on a server that holds many builds: `<name>-<build id>[-<token>]`.

    `token` marks a build still being written; publishing renames it to the final name.
    """
    return f"{name}-{build_id}-{token}" if token else f"{name}-{build_id}"


@dataclass
class Vectors:
    """One build's collections: a Chroma client and the real name of each collection in it."""

    client: chromadb.ClientAPI
    mode: str  # "embedded" or "http"
    names: dict[str, str]  # CHUNKS/SENTENCES -> the collection's name in `client`
    release: Callable[[], None] = field(default=lambda: None, repr=False)

    def collection(self, name: str) -> Collection:
        """The collection for writing (created when missing)."""
        return collection(self.client, self.names[name])

    def existing(self, name: str) -> Collection | None:
        """The collection when it is there, or None."""
        return existing_collection(self.client, self.names[name])

    def store(self, name: str, embeddings: Embeddings) -> Chroma:
        """A LangChain view of one collection, with our own embeddings."""
        return vector_store(self.client, self.names[name], embeddings)

    def close(self) -> None:
        """Let go of the client (and of a scratch copy, for a served embedded build)."""
        self.release()


def _closing(client: chromadb.ClientAPI, scratch: Path | None = None) -> Callable[[], None]:
    def release() -> None:
        try:
            client.close()  # type: ignore[attr-defined]  # on every client since chromadb 1.1
        except Exception:  # a client that is already gone has nothing left to release
            log.debug("chroma client close failed", exc_info=True)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    return release


def staging_vectors(settings: Settings, staging: IndexPaths, build_id: str) -> Vectors:
    """Where ingest writes a new build's vectors: its own folder, or staging-named server
    collections that `publish_build` renames once the build is complete."""
    if settings.chroma_mode == "http":
        client = http_client(settings)
        token = staging_token(staging.root)
        names = {n: server_name(n, build_id, token) for n in (CHUNKS, SENTENCES)}
        for name in names.values():  # left over from an earlier attempt with the same token
            _delete_collection(client, name)
        return Vectors(client, "http", names, _closing(client))
    client = chroma_client(staging.chroma)
    return Vectors(client, "embedded", {CHUNKS: CHUNKS, SENTENCES: SENTENCES}, _closing(client))


def build_vectors(
    paths: IndexPaths, manifest: dict[str, Any], settings: Settings | None = None
) -> Vectors:
    """The vectors of a published build, where its manifest says they are (for ingest to
    copy from; this opens an embedded build in place, which writes to it)."""
    where = manifest.get("vectors", {})
    names = dict(where.get("collections") or {CHUNKS: CHUNKS, SENTENCES: SENTENCES})
    if where.get("mode") == "http":
        client = http_client(_settings(settings))
        return Vectors(client, "http", names, _closing(client))
    client = chroma_client(paths.chroma)
    return Vectors(client, "embedded", names, _closing(client))


def open_served_vectors(
    paths: IndexPaths, manifest: dict[str, Any], settings: Settings | None = None
) -> Vectors:
    """The vectors of a build for the service, without ever writing to the build.

    Chroma's embedded client rewrites its SQLite file and index files even when it is only
    queried, so it fails on a read-only mount; the service therefore opens a private copy of
    `chroma/` in the temp folder (`TMPDIR`), removed when the build is let go. A build on a
    Chroma server is read there; nothing local is opened.
    """
    where = manifest.get("vectors", {})
    if where.get("mode") == "http":
        return build_vectors(paths, manifest, settings)
    build_id = str(manifest.get("build_id", "build"))
    _sweep_scratch()
    scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{build_id}-{os.getpid()}-"))
    try:
        shutil.copytree(paths.chroma, scratch / "chroma")
        client = chroma_client(scratch / "chroma")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    names = dict(where.get("collections") or {CHUNKS: CHUNKS, SENTENCES: SENTENCES})
    return Vectors(client, "embedded", names, _closing(client, scratch))


def _sweep_scratch() -> None:
    """Remove the scratch copies of services on this host that died without cleaning up."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH}*"):
        try:
            pid = int(folder.name[len(SCRATCH) :].split("-")[1])
        except (IndexError, ValueError):
            continue
        if not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def release_when_unused(owner: object, vectors: Vectors) -> Callable[[], None]:
    """Close `vectors` once `owner` is garbage (no request uses it any more), or at exit;
    returns the function that closes them now."""
    return weakref.finalize(owner, vectors.release)


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from service.settings import get_settings

    return get_settings()


def _delete_collection(client: chromadb.ClientAPI, name: str) -> None:
    with contextlib.suppress(NotFoundError, ValueError):
        client.delete_collection(name)


def vector_store(client: chromadb.ClientAPI, name: str, embeddings: Embeddings) -> Chroma:
    """A LangChain view of one collection, always with our own embeddings (never Chroma's)."""
    return Chroma(
        collection_name=name,
        embedding_function=embeddings,
        client=client,
        collection_metadata=COLLECTION_METADATA,
    )


def collection(client: chromadb.ClientAPI, name: str) -> Collection:
    """The raw collection, for writing vectors we computed (it has no embedding function)."""
    return client.get_or_create_collection(
        name=name, metadata=COLLECTION_METADATA, embedding_function=None
    )


def existing_collection(client: chromadb.ClientAPI, name: str) -> Collection | None:
    """A collection that is already there, or None (an older build may lack it)."""
    try:
        return client.get_collection(name=name, embedding_function=None)
    except (NotFoundError, ValueError):
        return None


def sentence_id(document: str, sentence: Sentence) -> str:
    """Content-derived id of a sentence, scoped by its document."""
    return content_id(document, "sentence", sentence.start, sentence.end, sentence.text)


@dataclass(frozen=True)
class Record:
    """One row of a collection: what is embedded, under which id, with which metadata."""

    id: str
    text: str
    metadata: dict[str, str | int | bool]


def chunk_records(chunks: Sequence[Chunk]) -> list[Record]:
    """The chunks as collection rows; the search text (heading + text) is what is embedded."""
    return [
        Record(
            c.id,
            c.search_text,
            {
                "document": c.document,
                "section": c.section,
                "start": c.start,
                "end": c.end,
                "kind": c.kind,
                "text": c.text,
            },
        )
        for c in chunks
    ]


def sentence_records(document: str, sentences: Sequence[Sentence]) -> list[Record]:
    """The sentences the extractive answerer chooses from, as collection rows."""
    return [
        Record(
            sentence_id(document, s),
            s.text,
            {
                "document": document,
                "section": s.section,
                "start": s.start,
                "end": s.end,
                "item": s.item,
            },
        )
        for s in sentences
    ]


def current_build(index_dir: Path) -> IndexPaths:
    """The build the service should read, or a clear error saying how to make one."""
    link = index_dir / "current"
    if not (link / MANIFEST).is_file():
        raise IndexMissingError(
            f"Er is nog geen index in {index_dir}. Bouw die met: make index (of: python -m ingest)."
        )
    return IndexPaths(link.resolve())


def read_manifest(paths: IndexPaths) -> dict[str, Any]:
    """The manifest of a build."""
    data: dict[str, Any] = json.loads(paths.manifest.read_text(encoding="utf-8"))
    return data


def start_build(index_dir: Path, build_id: str) -> IndexPaths:
    """A fresh, empty folder to write a build into, next to the served one.

    The name is unique per call: Chroma caches clients by path within a process, so
    reusing a staging path could hand back a client still bound to an earlier build. The
    folder names its owner (host and process), so a later ingest can tell an abandoned one.
    """
    staging = index_dir / "builds" / f"{STAGING}{build_id}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    (staging / "sources").mkdir()
    owner = {"host": socket.gethostname(), "pid": os.getpid(), "started": time.time()}
    (staging / STAGING_OWNER).write_text(json.dumps(owner), "utf-8")
    return IndexPaths(staging)


def staging_token(staging: Path) -> str:
    """The random part of a staging folder's name (it also marks its server collections)."""
    return staging.name.rsplit("-", 1)[-1]


def remove_stale_staging(
    index_dir: Path, settings: Settings | None = None, *, now: float | None = None
) -> list[Path]:
    """Remove `.staging-*` folders of ingests that died: their process is gone (same host)
    or they are older than `STAGING_STALE_SECONDS`. Returns what was removed."""
    builds = index_dir / "builds"
    if not builds.is_dir():
        return []
    now = time.time() if now is None else now
    removed = [p for p in builds.iterdir() if p.name.startswith(STAGING) and _abandoned(p, now)]
    client = http_client(settings) if settings and settings.chroma_mode == "http" else None
    for folder in removed:
        log.info("removing abandoned staging folder", extra={"folder": folder.name})
        shutil.rmtree(folder, ignore_errors=True)
        if client is not None:
            build_id = folder.name[len(STAGING) :].split("-", 1)[0]
            for name in (CHUNKS, SENTENCES):
                _delete_collection(client, server_name(name, build_id, staging_token(folder)))
    if client is not None:
        _closing(client)()
    return removed


def _abandoned(folder: Path, now: float) -> bool:
    try:
        owner = json.loads((folder / STAGING_OWNER).read_text("utf-8"))
        started = float(owner["started"])
        host, pid = str(owner["host"]), int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        # Killed before it could name its owner (or an older ingest): judge by age alone.
        try:
            return now - folder.stat().st_mtime > STAGING_STALE_SECONDS
        except OSError:
            return False
    if now - started > STAGING_STALE_SECONDS:
        return True
    return host == socket.gethostname() and not _alive(pid)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def served_build(index_dir: Path) -> IndexPaths | None:
    """The build `current` points at, or None when nothing is served yet."""
    try:
        return current_build(index_dir)
    except IndexMissingError:
        return None


def existing_build(index_dir: Path, build_id: str) -> IndexPaths | None:
    """The complete build with this id, if there is one."""
    final = index_dir / "builds" / build_id
    return IndexPaths(final) if (final / MANIFEST).is_file() else None


def discard_staging(staging: IndexPaths, vectors: Vectors | None = None) -> None:
    """Throw away an unfinished build: its folder and, on a server, its collections."""
    if vectors is not None and vectors.mode == "http":
        for name in vectors.names.values():
            try:
                _delete_collection(vectors.client, name)
            except Exception:  # the server is unreachable: the next ingest removes them
                log.warning("cannot remove staging collection", extra={"collection": name})
    shutil.rmtree(staging.root, ignore_errors=True)


def has_vectors(paths: IndexPaths, settings: Settings | None = None) -> bool:
    """Whether a published build's vectors are still where its manifest says (a Chroma
    server may have been reset since)."""
    try:
        manifest = read_manifest(paths)
    except (OSError, ValueError):
        return False
    if manifest.get("vectors", {}).get("mode") != "http":
        return (paths.chroma / "chroma.sqlite3").is_file()
    vectors = build_vectors(paths, manifest, settings)
    try:
        return all(vectors.existing(name) is not None for name in vectors.names)
    finally:
        vectors.close()


def publish_build(
    index_dir: Path,
    staging: IndexPaths,
    build_id: str,
    manifest: dict[str, Any],
    vectors: Vectors | None = None,
) -> IndexPaths:
    """Finish a build and make it `current` in one atomic step.

    Server collections written under staging names get their final names first, so a
    build folder never points at collections that are not there.
    """
    if vectors is not None and vectors.mode == "http":
        final_names = {n: server_name(n, build_id) for n in vectors.names}
        for name, staged in vectors.names.items():
            _delete_collection(vectors.client, final_names[name])
            vectors.client.get_collection(staged, embedding_function=None).modify(
                name=final_names[name]
            )
        vectors.names = final_names
        manifest = {**manifest, "vectors": {"mode": "http", "collections": final_names}}
    else:
        manifest = {
            **manifest,
            "vectors": {"mode": "embedded", "collections": {CHUNKS: CHUNKS, SENTENCES: SENTENCES}},
        }
    staging.manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    (staging.root / STAGING_OWNER).unlink(missing_ok=True)
    final = index_dir / "builds" / build_id
    if final.exists():
        shutil.rmtree(staging.root)
    else:
        staging.root.rename(final)
    activate(index_dir, build_id)
    prune_builds(index_dir, vectors.client if vectors is not None else None)
    return IndexPaths(final)


def activate(index_dir: Path, build_id: str) -> None:
    """Point `current` at a build; `os.replace` makes the switch atomic."""
    tmp_link = index_dir / f".current-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path("builds") / build_id)
    os.replace(tmp_link, index_dir / "current")


def current_build_id(index_dir: Path) -> str | None:
    """The id of the build `current` points at (one `readlink`, cheap enough to poll)."""
    link = index_dir / "current"
    try:
        return Path(os.readlink(link)).name
    except OSError:
        pass
    try:  # a copy of the index that turned the link into a folder
        return str(read_manifest(IndexPaths(link))["build_id"])
    except (OSError, ValueError, KeyError):
        return None


def prune_builds(index_dir: Path, client: chromadb.ClientAPI | None = None) -> list[str]:
    """Remove finished builds nobody needs: keep `current`, the newest older build as a
    fallback, and every build a running service holds a fresh lease on. A removed build's
    server collections go too (through `client`). Returns the removed build ids."""
    current = current_build_id(index_dir)
    older = sorted(
        (
            p
            for p in (index_dir / "builds").iterdir()
            if p.is_dir() and not p.name.startswith(STAGING) and p.name != current
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    leased = leased_builds(index_dir)
    removed = []
    for old in older[KEEP_OLD_BUILDS:]:
        if old.name in leased:
            continue
        on_server = _server_collections(old)
        shutil.rmtree(old, ignore_errors=True)
        if client is not None:
            for name in on_server:
                _delete_collection(client, name)
        removed.append(old.name)
        log.info("removed old build", extra={"build_id": old.name})
    return removed


def _server_collections(build: Path) -> list[str]:
    try:
        where = json.loads((build / MANIFEST).read_text("utf-8")).get("vectors", {})
    except (OSError, ValueError):
        return []
    return list(where.get("collections", {}).values()) if where.get("mode") == "http" else []


class Lease:
    """A running service's claim on the builds it serves, so ingest never removes them.

    One file per process per build under `index/leases/<build id>/`; `hold` writes or
    touches the files of the given builds and drops the rest. On a read-only index the
    files cannot be written: the service then logs that once and serves on (an embedded
    build is read into memory and a scratch copy at load, so it needs no lease after that).
    """

    def __init__(self, index_dir: Path) -> None:
        self.folder = index_dir / LEASES
        self.name = f"{socket.gethostname()}-{os.getpid()}"
        self.held: set[str] = set()
        self._warned = False

    def hold(self, build_ids: Iterable[str]) -> None:
        """Claim exactly these builds (renewing claims already held)."""
        wanted = {b for b in build_ids if b}
        for build_id in wanted:
            path = self.folder / build_id / self.name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
            except OSError as exc:
                if not self._warned:
                    log.warning("cannot write build lease", extra={"error": str(exc)})
                    self._warned = True
        for build_id in self.held - wanted:
            self._drop(build_id)
        self.held = wanted

    def release(self) -> None:
        """Give up every claim (at shutdown)."""
        for build_id in self.held:
            self._drop(build_id)
        self.held = set()

    def _drop(self, build_id: str) -> None:
        try:
            (self.folder / build_id / self.name).unlink(missing_ok=True)
            (self.folder / build_id).rmdir()  # only when no other process holds it
        except OSError:
            pass


def leased_builds(index_dir: Path, now: float | None = None) -> set[str]:
    """Builds some service holds a fresh lease on; stale leases (a crashed process) are
    ignored and removed."""
    folder = index_dir / LEASES
    if not folder.is_dir():
        return set()
    now = time.time() if now is None else now
    held = set()
    for lease in folder.glob("*/*"):
        try:
            fresh = now - lease.stat().st_mtime <= LEASE_STALE_SECONDS
        except OSError:
            continue
        if fresh:
            held.add(lease.parent.name)
        else:
            lease.unlink(missing_ok=True)
    return held
