"""What the browser tests share: Debian's Chromium through Playwright, axe-core, and apps
served on free loopback ports (each port is its own origin)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn


def missing(what: str) -> None:
    """Skip on a developer's machine; fail in CI, where a skip would hide a broken install."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must install it)", pytrace=False)
    pytest.skip(what, allow_module_level=True)


CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    missing("Chromium is not installed: apt-get install chromium (.ci/run does)")
try:
    from axe_playwright_python.base import AXE_SCRIPT  # axe-core, bundled in the wheel
    from playwright import sync_api
except ImportError:
    missing("Playwright or axe-playwright-python is missing: pip install -r requirements.lock")

# Chromium without these flags tries to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium with a new, empty profile."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve(app: Any, sock: socket.socket | None = None) -> Iterator[str]:
    """`app` on a free loopback port (or `sock`) in a thread; yields its origin
    ("http://127.0.0.1:N")."""
    sock = sock or free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def axe_violations(page: Any, within: str | None = None) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page (or the elements `within`
    selects), shadow DOM included."""
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(
        "([within, options]) => axe.run(within || document, options)", [within, AXE_OPTIONS]
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]],
        }
        for v in result["violations"]
    ]
