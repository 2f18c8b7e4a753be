"""The built image starts offline as a non-root user, turns healthy and answers a question.

Opt-in: building the image takes many minutes, so this runs only with
VRAAGBAAK_TEST_CONTAINER=1 and a container engine (docker with a running daemon, or podman).
Build the image first with `make docker`; VRAAGBAAK_TEST_IMAGE names another tag.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

IMAGE = os.environ.get("VRAAGBAAK_TEST_IMAGE", "vraagbaak:latest")
STARTUP_SECONDS = 300


def _engine() -> str | None:
    """docker if its daemon answers, else podman if installed, else None."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "info"], capture_output=True, check=False)
        if probe.returncode == 0:
            return "docker"
    return "podman" if shutil.which("podman") else None


ENGINE = _engine() if os.environ.get("VRAAGBAAK_TEST_CONTAINER") == "1" else None

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("VRAAGBAAK_TEST_CONTAINER") != "1",
        reason="set VRAAGBAAK_TEST_CONTAINER=1 to test the image (after `make docker`)",
    ),
    pytest.mark.skipif(
        os.environ.get("VRAAGBAAK_TEST_CONTAINER") == "1" and ENGINE is None,
        reason="no container engine (docker daemon or podman) on this machine",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture(scope="module")
def container() -> Iterator[tuple[str, str]]:
    """The image running detached, published on a free loopback port, once ready."""
    assert ENGINE is not None
    present = subprocess.run([ENGINE, "image", "inspect", IMAGE], capture_output=True, check=False)
    if present.returncode != 0:
        pytest.fail(f"image {IMAGE} not found: build it with `make docker IMAGE={IMAGE}`")
    name = f"vraagbaak-test-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    subprocess.run(
        [ENGINE, "run", "-d", "--rm", "--name", name, "-p", f"127.0.0.1:{port}:8000", IMAGE],
        check=True,
        capture_output=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                if _get(f"{base}/readyz")[0] == 200:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(1)
        else:
            logs = subprocess.run([ENGINE, "logs", name], capture_output=True, text=True)
            pytest.fail(f"not ready within {STARTUP_SECONDS} s:\n{logs.stdout}{logs.stderr}")
        yield name, base
    finally:
        subprocess.run([ENGINE, "rm", "-f", name], capture_output=True, check=False)


def test_container_runs_as_non_root_user(container: tuple[str, str]) -> None:
    name, _ = container
    uid = subprocess.run(
        [str(ENGINE), "exec", name, "id", "-u"], capture_output=True, text=True, check=True
    )
    assert uid.stdout.strip() == "10001"


def test_container_healthcheck_passes(container: tuple[str, str]) -> None:
    name, base = container
    assert _get(f"{base}/healthz") == (200, {"status": "alive"})
    if ENGINE == "podman":  # docker runs the HEALTHCHECK on its own schedule only
        check = subprocess.run(
            ["podman", "healthcheck", "run", name], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_container_answers_a_question_with_sources(container: tuple[str, str]) -> None:
    _, base = container
    request = urllib.request.Request(
        f"{base}/v1/ask",
        data=json.dumps(
            {"question": "Wat zijn de speerpunten van het veiligheidsbeleid?"}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        body = json.loads(response.read())
    assert response.status == 200
    assert body["route"] in {"text", "table"}
    assert body["citations"], body
