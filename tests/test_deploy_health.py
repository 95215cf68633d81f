"""Does /talkkit/health tell a monitor (or the page after a lost connection) the truth: the
server's id, its kernels against its bound, and whether its store answers?"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import KITS, free_port, start_server, stop_server

from talkkit.page.health import check_store

pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, dict, list[str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - loopback
            return r.status, json.loads(r.read()), r.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers.get_all("Set-Cookie") or []


def test_health_names_the_server_and_reports_a_store_that_does_not_answer(tmp_path: Path):
    dead = f"postgresql://talkkit@127.0.0.1:{free_port()}/talkkit"  # nothing listens there
    server = start_server(
        KITS, tmp_path / "data", tmp_path / "serve.log",
        "--server-id", "s9", "--max-kernels", "7", "--store", dead,
    )  # fmt: skip
    try:
        status, body, cookies = get(server.url + "talkkit/health")
        assert status == 503
        assert body["server"] == "s9" and body["ok"] is False
        assert body["store"]["ok"] is False and body["store"]["kind"] == "postgresql"
        assert "talkkit" not in body["store"].get("error", "")  # no URL, no user name
        assert body["kernels"] == {"running": 0, "bound": 7, "preheated": 0}
        assert body["free"] == 7
        assert any(c.startswith("talkkit_srv=s9;") and "HttpOnly" in c for c in cookies)
        with urllib.request.urlopen(server.url, timeout=30) as r:  # noqa: S310
            assert r.status == 200  # the gallery has no cookie of its own; kit pages do
        page = urllib.request.urlopen(  # noqa: S310
            server.url + "voila/render/tidlig-opsporing/kit.ipynb", timeout=120
        )
        assert "talkkit_srv=s9; Path=/; HttpOnly; SameSite=Lax" in page.headers.get_all(
            "Set-Cookie"
        )
    finally:
        stop_server(server)


def test_a_sqlite_store_is_healthy_before_its_file_exists(tmp_path: Path) -> None:
    assert check_store(f"sqlite://{tmp_path / 'talkkit.sqlite3'}") == {"ok": True, "kind": "sqlite"}
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    assert check_store(f"sqlite://{bad}")["ok"] is False
