"""A preheated kernel waits for its page's request without importing Voilà's server side."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from helpers import ROOT
from websockets.sync.server import serve

from talkkit.page import preheat
from talkkit.upstream.preheat_protocol import query_url

KERNEL_ID = "4f1c2a9e-0000-4000-8000-000000000001"


@contextmanager
def voila_query_server(payload: str | None) -> Iterator[tuple[int, list[str]]]:
    """A websocket server answering like Voilà's ``/voila/query/<kernel id>``: it sends
    ``payload`` once (or nothing, closing at once). Yields its port and the paths asked."""
    asked: list[str] = []

    def handler(ws) -> None:
        asked.append(ws.request.path)
        if payload is not None:
            ws.send(payload)

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.socket.getsockname()[1], asked
        finally:
            server.shutdown()
            thread.join(timeout=5)


def preheat_env(port: int) -> dict[str, str]:
    return {
        "VOILA_PREHEAT": "True",
        "VOILA_APP_IP": "127.0.0.1",
        "VOILA_APP_PORT": str(port),
        "VOILA_SERVER_URL": "/",
        "VOILA_KERNEL_ID": KERNEL_ID,
    }


def test_query_url_is_voilas() -> None:
    env = preheat_env(9999) | {"VOILA_WS_BASE_URL": "/base/"}
    assert query_url(env) == f"ws://127.0.0.1:9999/base/voila/query/{KERNEL_ID}"
    del env["VOILA_WS_BASE_URL"]
    assert query_url(env) == f"ws://127.0.0.1:9999/voila/query/{KERNEL_ID}"


def test_the_request_arrives_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    info = {
        "SCRIPT_NAME": "/voila/render/tidlig-opsporing/kit.ipynb",
        "QUERY_STRING": "lang=sv",
        "PATH": "/nowhere",  # not a request variable: must not be set
        "SERVER_PORT": 8866,  # not a string: ignored
    }
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    path_before = os.environ["PATH"]
    with voila_query_server(json.dumps(info)) as (port, asked):
        for key, value in preheat_env(port).items():
            monkeypatch.setenv(key, value)
        assert preheat.wait_for_request() is True
    assert asked == [f"/voila/query/{KERNEL_ID}"]
    assert os.environ["QUERY_STRING"] == "lang=sv"
    assert os.environ["SCRIPT_NAME"] == info["SCRIPT_NAME"]
    assert os.environ["PATH"] == path_before
    assert os.environ.get("SERVER_PORT") != 8866


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", None])
def test_a_bad_or_missing_request_renders_with_the_defaults(
    monkeypatch: pytest.MonkeyPatch, payload: str | None
) -> None:
    monkeypatch.delenv("QUERY_STRING", raising=False)
    with voila_query_server(payload) as (port, _asked):
        for key, value in preheat_env(port).items():
            monkeypatch.setenv(key, value)
        assert preheat.wait_for_request() is False
    assert "QUERY_STRING" not in os.environ


def test_unreachable_voila_does_not_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for key, value in preheat_env(port).items():
        monkeypatch.setenv(key, value)
    assert preheat.wait_for_request() is False


def test_not_preheated_returns_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    assert preheat.wait_for_request("ws://127.0.0.1:1/never") is False


def test_preheated_kit_kernel_gets_its_request_without_voilas_server_side(tmp_path) -> None:
    """A preheated kit notebook: show_kit waits, reads ``?lang=sv`` from the request, and the
    kernel never imports Voilà's server side (about 50 MB per kernel) nor anything heavy."""
    info = {"SCRIPT_NAME": "/voila/render/tidlig-opsporing/kit.ipynb", "QUERY_STRING": "lang=sv"}
    code = (
        "import sys, json, comm\n"
        "sent = []\n"  # the widget messages the kernel sends (no kernel here: a DummyComm)
        "def publish(self, msg_type, data=None, metadata=None, buffers=None, **kw):\n"
        "    state = (data or {}).get('state') or {}\n"
        "    sent.append(state.get('_model_name') if msg_type == 'comm_open' else msg_type)\n"
        "comm.DummyComm.publish_msg = publish\n"
        "import widgets.app\n"
        "import talkkit.i18n\n"
        "widgets.app.display = lambda *a: None\n"
        "before = {}\n"  # what is ready when the kernel starts waiting for its page
        "def waiting(wait=widgets.app.preheat.wait_for_request):\n"
        "    before['store'] = 'talkkit.store.sqlite' in sys.modules\n"
        "    before['catalogues'] = talkkit.i18n._catalogue.cache_info().currsize\n"
        "    before['sent'] = sorted(set(sent))\n"
        "    sent.clear()\n"
        "    return wait()\n"
        "widgets.app.preheat.wait_for_request = waiting\n"
        f"app = widgets.app.show_kit({str(ROOT / 'kits' / 'tidlig-opsporing')!r})\n"
        "heavy = ['voila', 'jupyter_server', 'jupyterlab_server', 'nbconvert', 'jsonschema',\n"
        "         'docx', 'xlsxwriter', 'openpyxl', 'pandas', 'psycopg']\n"
        "views = [app.page, *app.players, app.conversation, app.speaking, app.questions,\n"
        "         app.takeaways, app.evaluation, app.join.view, app.followup]\n"
        "print(json.dumps({'language': app.language, 'media': app.players[0].src,\n"
        "    'heavy': [m for m in heavy if m in sys.modules], 'before': before,\n"
        "    'sent': sent, 'views': len(views)}))\n"
    )
    with voila_query_server(json.dumps(info)) as (port, asked):
        env = {**os.environ, **preheat_env(port), "TALKKIT_DATA": str(tmp_path)}
        env.pop("QUERY_STRING", None)
        env.pop("VOILA_REQUEST_URL", None)
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert asked == [f"/voila/query/{KERNEL_ID}"]
    assert result["language"] == "sv"
    assert result["media"].startswith("/voila/files/tidlig-opsporing/")
    assert result["heavy"] == []
    # read before the page asked: its store's module, the texts of 3 languages x 2 domains
    before = result.pop("before")
    sent_before = before.pop("sent")
    assert before == {"store": True, "catalogues": 6}
    # sent before the page asked: the widgets every page shares (the views' templates, the
    # compiled module they name, the shared layout) and the theme's colours
    assert {"TemplateModel", "ModuleModel", "LayoutModel", "comm_msg"} <= set(sent_before)
    # sent once the page asked: one comm_open per view, with its state, and nothing else
    assert result["sent"] == ["VuetifyTemplateModel"] * result["views"]
    assert result["views"] == 10  # the demo kit: the page, 2 players and 7 more views
