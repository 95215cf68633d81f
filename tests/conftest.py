"""Shared fixtures: a real kit server, a real browser (Debian's chromium via Playwright).

Plugins: ``pg_server`` starts a throwaway PostgreSQL server for tests marked ``postgres``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from talkkit.chromium import CHROMIUM
from talkkit.chromium import CHROMIUM_ARGS as HEADLESS_ARGS

pytest_plugins = ["pg_server"]

ROOT = Path(__file__).resolve().parent.parent
KITS = ROOT / "kits"
CHROMIUM_ARGS = [*HEADLESS_ARGS, "--autoplay-policy=no-user-gesture-required"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class KitServer:
    url: str
    process: subprocess.Popen
    data_dir: Path
    kits_dir: Path
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(kits_dir: Path, data_dir: Path, log_path: Path, *extra: str) -> KitServer:
    """Start ``talkkit serve`` on a free port and wait until the gallery answers."""
    port = free_port()
    env = {**os.environ, "TALKKIT_DATA": str(data_dir), "TALKKIT_KITS": str(kits_dir)}
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "talkkit",
            "serve",
            "--port",
            str(port),
            "--kits-dir",
            str(kits_dir),
            *extra,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # its own process group: the server and its kernels
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"talkkit serve exited: {log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=20) as response:
                if response.status == 200:
                    return KitServer(url, process, data_dir, kits_dir, log_path, env)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"talkkit serve did not answer within 120 s: {log_path.read_text()}")


def stop_server(server: KitServer) -> None:
    """Stop the server and every kernel it started (they share its process group)."""
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
    crash_server(server)


def crash_server(server: KitServer) -> None:
    """``kill -9`` the server and its kernels at once, as a power cut or OOM kill would."""
    try:
        os.killpg(server.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.process.wait(timeout=15)


@pytest.fixture(scope="session")
def kit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KitServer]:
    """``talkkit serve`` on the repository's kits, with a fresh data folder."""
    base = tmp_path_factory.mktemp("server")
    server = start_server(KITS, base / "data", base / "serve.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class PageLog:
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def external_requests(self, server_url: str) -> list[str]:
        return [u for u in self.requests if not u.startswith((server_url, "data:", "blob:"))]


@pytest.fixture
def page(browser, request) -> Iterator[tuple[object, PageLog]]:
    """A fresh browser page that records console errors and every request it makes."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="da-DK")
    pg = context.new_page()
    log = PageLog()
    pg.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: log.console_errors.append(f"pageerror: {e}"))
    pg.on("request", lambda r: log.requests.append(r.url))
    yield pg, log
    context.close()
