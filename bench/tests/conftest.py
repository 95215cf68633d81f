"""Fixtures of the benchmark's own tests: a kit server started as the benchmark starts it, and
Debian's chromium with the flags the benchmark and talkkit's tests share (``talkkit.chromium``).

These tests run on their own (``pytest bench/tests``, as ``./dev test`` does): talkkit's tests
never import the benchmark, and the benchmark's tests never import talkkit's test helpers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from talkkit.chromium import CHROMIUM, CHROMIUM_ARGS
from talkkit_bench.config import BenchConfig
from talkkit_bench.servers import KitServer, prepare_kits, start_kit_server


def run_async(coroutine: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
    """``asyncio.run(coroutine)`` in a thread of its own: a browser test earlier in the session
    leaves Playwright's event loop running in the test thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout)


@pytest.fixture(scope="session")
def kit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KitServer]:
    """``talkkit serve`` on a copy of the demo kit, with a fresh data folder."""
    base = tmp_path_factory.mktemp("server")
    kits = prepare_kits(base, BenchConfig().kit)
    server = start_kit_server(kits, base / "data", base / "serve.log", [], timeout=120)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
