"""Which builds ingest keeps: the current one, one fallback and every build a running
service holds a lease on; and what a killed ingest leaves behind is gone after the next."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from ingest import store
from ingest.pipeline import run_ingest
from service.settings import Settings
from tests.conftest import ROOT, FakeEmbeddings


def _build(index_dir: Path, build_id: str, age: float) -> Path:
    """A finished build folder, `age` seconds old."""
    folder = index_dir / "builds" / build_id
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"build_id": build_id}), "utf-8")
    stamp = time.time() - age
    os.utime(folder, (stamp, stamp))
    return folder


def _builds(index_dir: Path) -> set[str]:
    return {p.name for p in (index_dir / "builds").iterdir()}


def test_prune_keeps_current_one_fallback_and_leased_builds(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    for n, age in enumerate([500, 400, 300, 200, 100]):
        _build(index_dir, f"b{n}", age)
    store.activate(index_dir, "b4")
    lease = store.Lease(index_dir)
    lease.hold({"b1"})
    assert set(store.prune_builds(index_dir)) == {"b0", "b2"}
    assert _builds(index_dir) == {"b1", "b3", "b4"}  # leased, fallback, current
    lease.release()
    store.prune_builds(index_dir)
    assert _builds(index_dir) == {"b3", "b4"}


def test_the_fallback_is_the_newest_older_build_even_when_leased(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    for n, age in enumerate([300, 200, 100]):
        _build(index_dir, f"b{n}", age)
    store.activate(index_dir, "b2")
    store.Lease(index_dir).hold({"b1"})
    store.prune_builds(index_dir)
    assert _builds(index_dir) == {"b1", "b2"}


def test_a_stale_lease_protects_nothing(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    for n, age in enumerate([300, 200, 100]):
        _build(index_dir, f"b{n}", age)
    store.activate(index_dir, "b2")
    lease = store.Lease(index_dir)
    lease.hold({"b0"})
    old = time.time() - store.LEASE_STALE_SECONDS - 60
    os.utime(index_dir / "leases" / "b0" / lease.name, (old, old))  # a crashed service
    assert store.leased_builds(index_dir) == set()
    store.prune_builds(index_dir)
    assert _builds(index_dir) == {"b1", "b2"}
    assert not (index_dir / "leases" / "b0" / lease.name).exists()


def test_renewing_a_lease_keeps_it_fresh(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    lease = store.Lease(index_dir)
    lease.hold({"b0"})
    path = index_dir / "leases" / "b0" / lease.name
    old = time.time() - store.LEASE_STALE_SECONDS + 5
    os.utime(path, (old, old))
    lease.hold({"b0"})
    assert path.stat().st_mtime > old + 1
    assert store.leased_builds(index_dir, now=time.time() + 30) == {"b0"}


def _staging(index_dir: Path, owner: dict[str, object] | None, age: float = 0) -> Path:
    folder = store.start_build(index_dir, "0123456789abcdef").root
    if owner is None:
        (folder / store.STAGING_OWNER).unlink()
    else:
        (folder / store.STAGING_OWNER).write_text(json.dumps(owner), "utf-8")
    stamp = time.time() - age
    os.utime(folder, (stamp, stamp))
    return folder


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_abandoned_staging_folders_are_removed(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    host = socket.gethostname()
    now = time.time()
    dead = _staging(index_dir, {"host": host, "pid": _dead_pid(), "started": now})
    alive = _staging(index_dir, {"host": host, "pid": os.getpid(), "started": now})
    elsewhere = _staging(index_dir, {"host": "other-host", "pid": 1, "started": now})
    ancient = _staging(index_dir, {"host": "other-host", "pid": 1, "started": now - 2 * 86400})
    unnamed_old = _staging(index_dir, None, age=2 * 86400)
    unnamed_new = _staging(index_dir, None)
    removed = store.remove_stale_staging(index_dir)
    assert set(removed) == {dead, ancient, unnamed_old}
    assert all(p.is_dir() for p in (alive, elsewhere, unnamed_new))


def test_a_killed_ingest_leaves_nothing_after_the_next(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    settings = Settings(corpus_dir=corpus_copy, index_dir=index_dir, model_dir=tmp_path / "none")
    # An ingest whose model hangs, killed while it writes its build.
    script = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from ingest.pipeline import run_ingest\n"
        "from service.settings import Settings\n"
        "from tests.conftest import FakeEmbeddings\n"
        "class Hanging(FakeEmbeddings):\n"
        "    def embed_documents(self, texts):\n"
        "        time.sleep(600)\n"
        "        return []\n"
        f"s = Settings(corpus_dir={str(corpus_copy)!r}, index_dir={str(index_dir)!r},"
        f" model_dir={str(tmp_path / 'none')!r})\n"
        "run_ingest(s, Hanging)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        while not list((index_dir / "builds").glob(".staging-*/chroma")):
            assert child.poll() is None, "the ingest stopped by itself"
            assert time.monotonic() < deadline, "the ingest never started a build"
            time.sleep(0.2)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    [left] = list((index_dir / "builds").glob(".staging-*"))

    summary = run_ingest(settings, FakeEmbeddings)
    assert not left.exists()
    assert _builds(index_dir) == {summary.build_id}


def test_a_build_whose_vectors_are_gone_is_built_again(corpus_copy: Path, tmp_path: Path) -> None:
    settings = Settings(
        corpus_dir=corpus_copy, index_dir=tmp_path / "index", model_dir=tmp_path / "none"
    )
    first = run_ingest(settings, FakeEmbeddings)
    shutil.rmtree(first.index / "chroma")  # say, a Chroma server that was reset
    again = run_ingest(settings, FakeEmbeddings)
    assert not again.reused and again.build_id == first.build_id
    assert store.has_vectors(store.current_build(tmp_path / "index"))
