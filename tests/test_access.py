"""Access, proven from outside: a raw websocket client (no browser, no widget library) talks to
a running ``talkkit serve`` the way any client can, and reads every message it is sent.

* The board: set the secret field's synced value to a wrong secret and fire the login
  handler, then ask the kernel for the state of every widget: no group's answer text in any
  message. With the right secret it is there.
* A group's kit page, opened with an event code: whatever it is sent (every widget's state,
  after opening its session and joining) never holds another group's answer text.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import websocket
from conftest import KitServer

from talkkit import events
from talkkit.store import open_store

ANSWERS = ["Gruppe A mener at tillid er alt", "Gruppe B vil ringe til skolen", "Spørgsmål fra A"]


@pytest.fixture(scope="module")
def server(kit_server: KitServer) -> KitServer:
    """The session's ``talkkit serve`` (its store is this test's to add events to)."""
    return kit_server


@pytest.fixture(scope="module")
def event(server: KitServer) -> tuple[events.Event, str]:
    with open_store(f"sqlite://{Path(server.data_dir) / 'talkkit.sqlite3'}") as store:
        event, secret = events.create_event(store, "tidlig-opsporing", "Adgangstest")
        for name, text, question in (("A", ANSWERS[0], ANSWERS[2]), ("B", ANSWERS[1], None)):
            session = store.create_session("tidlig-opsporing", "da")
            store.join_event(session.id, event.id, f"Bord {name}", "Aarhus")
            store.save_answer(session.id, "learning.struck", text, None)
            if question:
                store.save_answer(session.id, "questions", [question], None)
    return event, secret


class RawKernelClient:
    """A kernel websocket client speaking Jupyter's JSON message protocol by hand."""

    def __init__(
        self, server_url: str, path: str, request: urllib.request.Request | None = None
    ) -> None:
        """Open the page at ``path`` (or the page ``request`` asks for: with headers)."""
        with urllib.request.urlopen(request or server_url + path, timeout=120) as response:  # noqa: S310
            self.html = response.read().decode("utf-8")
        match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', self.html)
        assert match, "the rendered page names its kernel"
        self.kernel_id = match.group(1)
        self.session = uuid.uuid4().hex
        ws_url = server_url.replace("http://", "ws://")
        self.ws = websocket.create_connection(
            f"{ws_url}api/kernels/{self.kernel_id}/channels?session_id={self.session}", timeout=60
        )
        self.received: list[str] = []  # every frame, raw, as it came

    def close(self) -> None:
        self.ws.close()

    def send(self, msg_type: str, content: dict[str, Any], metadata: dict | None = None) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": msg_type,
                        "username": "raw",
                        "session": self.session,
                        "date": "2026-01-01T00:00:00.000000Z",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": metadata or {},
                    "content": content,
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        return msg_id

    def wait_for(
        self, accept: Callable[[dict[str, Any]], bool], timeout: float = 60, *, seen: bool = False
    ) -> dict:
        """Read frames (keeping all) until one is accepted; fail after ``timeout`` s. With
        ``seen``, a frame received earlier counts too."""
        for frame in self.received if seen else ():
            if frame.startswith("{") and accept(json.loads(frame)):
                return json.loads(frame)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            if isinstance(frame, bytes):
                self.received.append(frame.decode("utf-8", "replace"))
                continue
            self.received.append(frame)
            msg = json.loads(frame)
            if accept(msg):
                return msg
        raise AssertionError(f"no expected message within {timeout} s")

    def idle_after(self, msg_id: str) -> None:
        """Wait until the kernel has handled ``msg_id`` (its status goes back to idle)."""
        self.wait_for(
            lambda m: (
                m["msg_type"] == "status"
                and m["parent_header"].get("msg_id") == msg_id
                and m["content"]["execution_state"] == "idle"
            )
        )

    def comm_msg(self, comm_id: str, data: dict[str, Any]) -> None:
        self.idle_after(self.send("comm_msg", {"comm_id": comm_id, "data": data}))

    def all_states(self) -> dict[str, dict[str, Any]]:
        """The state of every widget in the kernel, as ipywidgets' control comm hands it to any
        client that asks (displayed or not)."""
        comm_id = uuid.uuid4().hex
        self.send(
            "comm_open",
            {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
            {"version": "1.0.0"},  # ipywidgets' control protocol
        )
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        reply = self.wait_for(
            lambda m: (
                m["msg_type"] == "comm_msg"
                and m["content"]["data"].get("method") == "update_states"
            )
        )
        return {k: v["state"] for k, v in reply["content"]["data"]["states"].items()}

    def everything(self) -> str:
        return self.html + "\n".join(self.received)


def comm_with(states: dict[str, dict[str, Any]], trait: str) -> str:
    found = [comm for comm, state in states.items() if trait in state]
    assert len(found) == 1, f"one widget with a {trait!r} trait"
    return found[0]


def login(client: RawKernelClient, secret: str) -> str:
    """Set the password field's synced value and click the login button, like the browser."""
    board = comm_with(client.all_states(), "secret")
    client.comm_msg(board, {"method": "update", "state": {"secret": secret}, "buffer_paths": []})
    client.comm_msg(board, {"method": "custom", "content": {"event": "login", "data": None}})
    return board


def test_a_wrong_secret_gets_no_answer_from_the_board(server: KitServer, event) -> None:
    """Does a client that sets a wrong secret and fires the login handler receive no answer
    text of any group, not even in the state of widgets it was never shown?"""
    ev, secret = event
    client = RawKernelClient(server.url, "voila/render/board.ipynb")
    try:
        for wrong in (ev.id + ".not-the-secret", secret[:-1], "", "x" * 5000):
            login(client, wrong)
        states = client.all_states()
        board = comm_with(states, "secret")
        assert states[board]["logged_in"] is False and states[board]["error"]
        assert states[board]["secret"] == ""
        seen = client.everything()
        for text in ANSWERS:
            assert text not in seen
        assert "Bord A" not in seen and ev.code not in seen
    finally:
        client.close()


def test_the_right_secret_gets_the_answers(server: KitServer, event) -> None:
    ev, secret = event
    with open_store(f"sqlite://{Path(server.data_dir) / 'talkkit.sqlite3'}") as store:
        store.clear_failures(f"board:{ev.id}")  # as `talkkit event unlock` after the guesses above
    client = RawKernelClient(server.url, "voila/render/board.ipynb")
    try:
        login(client, secret)
        snapshot = client.wait_for(
            lambda m: (
                m["msg_type"] == "comm_msg"
                and m["content"]["data"].get("method") == "custom"
                and m["content"]["data"]["content"].get("method") == "snapshot"
            ),
            seen=True,
        )
        text = json.dumps(snapshot, ensure_ascii=False)
        for answer in ANSWERS:
            assert answer in text
    finally:
        client.close()


def test_a_group_kernel_never_sends_another_groups_answers(server: KitServer, event) -> None:
    """A group opening the kit with the event's code, opening its session and joining: does
    anything it is sent hold the other groups' answers?"""
    ev, _secret = event
    code = events.format_code(ev.code)
    client = RawKernelClient(server.url, f"voila/render/tidlig-opsporing/kit.ipynb?event={code}")
    try:
        states = client.all_states()
        page = comm_with(states, "kit_id")
        client.comm_msg(page, {"method": "custom", "content": {"event": "hello", "data": {}}})
        join_forms = [c for c, s in states.items() if "prefill" in s]
        for form in join_forms:  # the join form, where show_kit displays it
            data = {"code": code, "group": "Bord C", "municipality": "Vejle"}
            client.comm_msg(form, {"method": "custom", "content": {"event": "join", "data": data}})
        client.all_states()
        seen = client.everything()
        for text in ANSWERS:
            assert text not in seen
        assert "Bord A" not in seen and "Bord B" not in seen
    finally:
        client.close()
