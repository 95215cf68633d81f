"""A group's page at the protocol level, for the deployment tests (no browser, no benchmark):
GET the kit page (keeping the cookies a browser keeps, the server's ``talkkit_srv`` above
all), open the kernel's websocket with them, ask for the widget states, send the page's
``hello``, and then ``join`` an event or ``save`` an answer as the page's views do.

The tests do not import the benchmark (``bench/``); this is the small part of its synthetic
group they need, with websocket-client, synchronous.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import ssl
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from typing import Any

import websocket
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

__all__ = ["PageClient"]

_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def _pack(obj: Any) -> bytes:
    return json.dumps(obj).encode("utf-8")


class PageClient:
    """One group's kit page (see the module doc). ``context``: TLS for an https front."""

    def __init__(self, base_url: str, page: str, context: ssl.SSLContext | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page
        self.context = context
        self.jar = http.cookiejar.CookieJar()
        self.session = uuid.uuid4().hex
        self.states: dict[str, dict] = {}
        self.ws: websocket.WebSocket | None = None

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        header = {
            "msg_id": uuid.uuid4().hex,
            "username": "test",
            "session": self.session,
            "msg_type": msg_type,
            "version": "5.3",
            "date": datetime.now(UTC).isoformat(),
        }
        frame = serialize_msg_to_ws_v1(
            [_pack(header), _pack({}), _pack(metadata or {}), _pack(content)], "shell"
        )
        assert self.ws is not None
        self.ws.send_binary(frame)

    def _receive(self, until: Any, timeout: float) -> dict | None:
        assert self.ws is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                return None
            if not isinstance(raw, bytes):
                continue
            _channel, parts = deserialize_msg_from_ws_v1(raw)
            msg = {"header": json.loads(parts[0]), "content": json.loads(parts[3])}
            if msg["header"].get("msg_type") == "comm_msg":
                data = msg["content"].get("data", {})
                if data.get("method") == "update":
                    model = self.states.setdefault(msg["content"]["comm_id"], {})
                    model.update(data.get("state", {}))
            if until(msg):
                return msg
        return None

    def _model_with_event(self, event: str) -> str | None:
        for model_id, state in self.states.items():
            if event in (state.get("events") or []):
                return model_id
        return None

    def _event(self, model: str, event: str, data: dict) -> None:
        content = {"event": event, "data": data}
        self._send("comm_msg", {"comm_id": model, "data": {"method": "custom", "content": content}})

    def open(self, timeout: float = 120.0) -> None:
        """Load the page and open the group's session; raises if the page never gets there."""
        handlers: list[Any] = [urllib.request.HTTPCookieProcessor(self.jar)]
        if self.context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self.context))
        opener = urllib.request.build_opener(*handlers)
        url = f"{self.base_url}/voila/render/{self.page}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with opener.open(url, timeout=timeout) as response:
                    html = response.read().decode("utf-8", errors="replace")
                break
            except urllib.error.HTTPError as exc:
                # as the server's 503 page does in a browser: a first visit (no talkkit_client
                # cookie yet) may be turned away while others' kernels start; the 503 sets the
                # cookie, and the page reloads after 5 s
                if exc.code != 503 or time.monotonic() > deadline:
                    raise
                exc.close()
                time.sleep(5)
        found = _KERNEL_ID.search(html)
        assert found, "no kernel in the page"
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        ws_url = self.base_url.replace("http", "ws", 1)
        self.ws = websocket.create_connection(
            f"{ws_url}/api/kernels/{found.group(1)}/channels?session_id={self.session}",
            subprotocols=[WS_PROTOCOL],
            header=[f"Cookie: {cookies}"],
            sslopt={"cert_reqs": ssl.CERT_NONE, "check_hostname": False} if self.context else None,
            timeout=timeout,
        )
        control = uuid.uuid4().hex
        self._send(
            "comm_open",
            {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
            {"version": "1.0.0"},
        )
        self._send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        reply = self._receive(
            lambda m: m["content"].get("data", {}).get("method") == "update_states", timeout
        )
        assert reply is not None, "no widget states"
        for model_id, model in reply["content"]["data"]["states"].items():
            self.states[model_id] = dict(model.get("state", {}))
        page = self._model_with_event("hello")
        assert page is not None, "no kit page view"
        self._event(page, "hello", {})
        ok = self._receive(
            lambda m: m["content"].get("data", {}).get("state", {}).get("ready") is True, timeout
        )
        assert ok is not None, "the session did not open"

    @property
    def session_id(self) -> str | None:
        return next((s["session_id"] for s in self.states.values() if s.get("session_id")), None)

    def join(self, code: str, group: str, municipality: str, timeout: float = 30.0) -> bool:
        view = self._model_with_event("join")
        if view is None:
            return False
        self._event(view, "join", {"code": code, "group": group, "municipality": municipality})
        done = self._receive(
            lambda m: (
                m["content"].get("comm_id") == view
                and bool(m["content"].get("data", {}).get("state", {}).get("joined"))
            ),
            timeout,
        )
        return done is not None

    def save(self, key: str, text: str, seq: int, timeout: float = 30.0) -> bool:
        """Save ``text`` as answer ``key``; True once the kernel says it is saved (committed)."""
        view = self._model_with_event("save")
        if view is None:
            return False
        self._event(view, "save", {"key": key, "value": text, "seq": seq})

        def saved(m: dict) -> bool:
            state = m["content"].get("data", {}).get("state", {})
            status = (state.get("status") or {}).get(key) or {}
            return status.get("seq") == seq and status.get("state") == "saved"

        return self._receive(saved, timeout) is not None

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None
