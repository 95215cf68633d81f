"""Synthetic groups: what a kit page asks of the server, without a browser that renders it.

A real chromium page costs ~2-5 CPU-seconds to parse, compile and render the kit; 30 of them
on a 2-core machine measure the browser more than the server. A synthetic group does the
server's side of a page load, in the order a page does it:

1. GET the kit page (Voilà starts or takes a kernel and runs the notebook) and, if given, the
   static files a real page fetched, as a browser does: 6 kept-alive connections, gzip accepted
   (none when they are cached), sending back the cookies the server set (the Jupyter server's
   login cookie: without it every request made the server mint and sign a new one, about 5 %
   of its CPU in a burst, before 2026-11-22). aiohttp (C parser, connection pool) keeps the
   load generator's
   own CPU small: tornado's simple client, with a new connection per file, used three times the
   server's CPU on the same two cores and measured itself more than the server;
2. open the kernel's websocket with the protocol Voilà's page speaks (``v1``, binary frames;
   before 2026-11-22 the synthetic groups spoke the legacy JSON protocol, which costs the
   server a parse and a re-encoding of every message), open the ``jupyter.widget.control``
   comm and ask for every widget's state (what ipywidgets 8 does);
3. send the page's ``hello`` event (what the kit's page view sends when it is mounted) and wait
   until the kernel says the group's session is open (a ``ready: true`` update): from then on a
   real page's answer fields are enabled. That moment is the synthetic group's ``ready``;
4. optionally save answers through the kernel (the ``save`` event of the answer view) and time
   each until the kernel reports it ``saved`` (committed in the store): every group at the
   same instant (:func:`save_rounds`, the worst case), or every group at the kit's autosave
   pace (:func:`paced_saves`, what groups typing at once send).

Only message types Voilà lets a page send are used (comm_open, comm_msg, kernel_info_request).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import time
import uuid
import zlib
from datetime import UTC, datetime
from typing import Any

__all__ = ["SyntheticGroup", "paced_saves", "run_synthetic", "save_rounds"]

_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
#: The end of the first screen's script tag (talkkit/upstream/first_screen.py writes the first
#: screen, then static/first-screen.js, which makes its fields keep what is typed).
_FIRST_SCREEN_DONE = b"static/first-screen.js?v="
#: What a page shows: a cell output holding a widget view (without one a page stays blank).
_WIDGET_VIEW = re.compile(r'"application/vnd\.jupyter\.widget-view\+json":\s*\{\s*"model_id"')


#: The kernel websocket protocol Voilà's page speaks (JupyterLab's services offer it and
#: jupyter_server picks it): binary frames, and the server relays a kernel's messages without
#: parsing and re-encoding them as it does for the legacy JSON protocol.
WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def _pack(obj: Any) -> bytes:
    return json.dumps(obj).encode("utf-8")


def _msg(session: str, msg_type: str, content: dict, metadata: dict | None = None) -> bytes:
    """A shell message as a v1 websocket frame (what the page sends)."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    header = {
        "msg_id": uuid.uuid4().hex,
        "username": "bench",
        "session": session,
        "msg_type": msg_type,
        "version": "5.3",
        "date": datetime.now(UTC).isoformat(),
    }
    return serialize_msg_to_ws_v1(
        [_pack(header), _pack({}), _pack(metadata or {}), _pack(content)], "shell"
    )


def _unpack(frame: bytes) -> dict:
    """A v1 websocket frame as a message dict (its header and content)."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    _channel, parts = deserialize_msg_from_ws_v1(frame)
    return {
        "header": json.loads(parts[0]),
        "content": json.loads(parts[3]) if len(parts) > 3 else {},
    }


class SyntheticGroup:
    """One group's page load at the protocol level (see the module doc)."""

    def __init__(
        self,
        base_url: str,
        page: str,
        assets: list[str],
        timeout: float,
        ssl: Any = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.ssl = ssl  # an ssl.SSLContext for an https:// front (its certificate may be ours)
        self.page = page
        self.assets = assets
        self.timeout = timeout
        self.session = uuid.uuid4().hex
        self.ws: Any = None
        self.states: dict[str, dict] = {}
        self.result: dict[str, Any] = {"failure": None}

    async def _fetch(self, client: Any, url: str, t0: float | None = None) -> str:
        """The page's HTML; with ``t0``, ``result["first_screen"]`` is when the kit page's first
        screen (its answer fields, issue 20) had arrived, in seconds since ``t0``."""
        async with client.get(url) as response:
            response.raise_for_status()
            gzipped = response.headers.get("Content-Encoding") == "gzip"
            inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
            parts: list[bytes] = []
            tail = b""
            async for chunk in response.content.iter_any():
                if t0 is not None and "first_byte" not in self.result:
                    self.result["first_byte"] = time.perf_counter() - t0
                data = inflate.decompress(chunk) if inflate else chunk
                parts.append(data)
                if t0 is not None and "first_screen" not in self.result:
                    if _FIRST_SCREEN_DONE in tail + data:
                        self.result["first_screen"] = time.perf_counter() - t0
                    tail = (tail + data)[-len(_FIRST_SCREEN_DONE) :]
            if inflate:
                parts.append(inflate.flush())
            return b"".join(parts).decode("utf-8", errors="replace")

    async def _assets(self, client: Any) -> None:
        queue = list(self.assets)

        async def lane() -> None:
            while queue:
                url = queue.pop()
                with contextlib.suppress(Exception):
                    async with client.get(url) as response:
                        body = await response.read()
                        self.result["asset_bytes"] = self.result.get("asset_bytes", 0) + len(body)

        await asyncio.gather(*(lane() for _ in range(6)))

    async def _receive(self, until: Any, deadline: float) -> dict | None:
        """Read messages until ``until(msg)`` is true; that message, or None at the deadline."""
        while time.perf_counter() < deadline:
            try:
                raw = await asyncio.wait_for(self.ws.read_message(), deadline - time.perf_counter())
            except TimeoutError:
                return None
            if raw is None:
                raise ConnectionError("websocket closed")
            if not isinstance(raw, bytes):
                continue  # the v1 protocol sends every message as a binary frame
            msg = _unpack(raw)
            if msg["header"].get("msg_type") == "comm_msg":
                data = msg["content"].get("data", {})
                if data.get("method") == "update":
                    model = self.states.setdefault(msg["content"]["comm_id"], {})
                    model.update(data.get("state", {}))
            if until(msg):
                return msg
        return None

    def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        self.ws.write_message(_msg(self.session, msg_type, content, metadata), binary=True)

    def _model_with_event(self, event: str) -> str | None:
        for model_id, state in self.states.items():
            if event in (state.get("events") or []):
                return model_id
        return None

    async def open(self, start: asyncio.Event | None = None) -> dict[str, Any]:
        import aiohttp
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect
        from yarl import URL

        if start is not None:
            await start.wait()
        t0 = time.perf_counter()
        deadline = t0 + self.timeout
        r = self.result
        client = aiohttp.ClientSession(
            # a browser's 6 per host
            connector=aiohttp.TCPConnector(limit_per_host=6, ssl=self.ssl or True),
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            headers={"Accept-Encoding": "gzip, deflate"},
            # the server's bytes as they come: unzipping them is the client's work, which a
            # browser does on its own machine, not on the server's cores as here
            auto_decompress=False,
            # keep cookies as a browser does (aiohttp's default jar refuses them from an IP)
            cookie_jar=aiohttp.CookieJar(unsafe=True),
        )
        try:
            html = await self._fetch(client, f"{self.base_url}/voila/render/{self.page}", t0)
            r["html"] = time.perf_counter() - t0
            found = _KERNEL_ID.search(html)
            if not found:
                r["failure"] = "no kernel in the page"
                return r
            kernel_id = found.group(1)
            if not _WIDGET_VIEW.search(html):
                r["failure"] = "blank page (no widget in the HTML)"
                return r
            await self._assets(client)
            r["assets"] = time.perf_counter() - t0
            ws_url = self.base_url.replace("http", "ws", 1)
            cookies = client.cookie_jar.filter_cookies(URL(self.base_url))
            cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
            r["cookies"] = len(cookies)  # sent back with the websocket, as a browser does
            request = HTTPRequest(
                f"{ws_url}/api/kernels/{kernel_id}/channels?session_id={self.session}",
                headers={"Cookie": cookie} if cookie else None,
                ssl_options=self.ssl,
            )
            self.ws = await asyncio.wait_for(
                websocket_connect(request, subprotocols=[WS_PROTOCOL]),
                max(0.1, deadline - time.perf_counter()),
            )
            if self.ws.selected_subprotocol != WS_PROTOCOL:  # frames would not be understood
                r["failure"] = "error: the server did not take the v1 websocket protocol"
                return r
            control = uuid.uuid4().hex
            self._send(
                "comm_open",
                {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                {"version": "1.0.0"},  # ipywidgets 8's control protocol
            )
            self._send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
            reply = await self._receive(
                lambda m: (
                    m["content"].get("comm_id") == control
                    and m["content"].get("data", {}).get("method") == "update_states"
                ),
                deadline,
            )
            if reply is None:
                r["failure"] = "timeout (widget states)"
                return r
            for model_id, model in reply["content"]["data"]["states"].items():
                self.states[model_id] = dict(model.get("state", {}))
            r["states"] = time.perf_counter() - t0
            r["widgets"] = len(self.states)
            page = self._model_with_event("hello")
            if page is None:  # not the kit page (the trivial baseline): usable now
                r["ready"] = r["states"]
                return r
            self._send(
                "comm_msg",
                {
                    "comm_id": page,
                    "data": {"method": "custom", "content": {"event": "hello", "data": {}}},
                },
            )
            ok = await self._receive(
                lambda m: m["content"].get("data", {}).get("state", {}).get("ready") is True,
                deadline,
            )
            if ok is None:
                r["failure"] = "timeout (session)"
                return r
            r["ready"] = time.perf_counter() - t0
        except Exception as exc:  # every failure is a result: the run goes on
            name = type(exc).__name__
            if name in ("HTTPTimeoutError", "TimeoutError", "ServerTimeoutError"):
                r["failure"] = "timeout (html)" if "html" not in r else "timeout (websocket)"
            else:
                r["failure"] = f"error: {name}: {str(exc)[:120]}"
        finally:
            await client.close()
        return r

    async def save(self, text: str, seq: int, timeout: float = 30.0) -> float | None:
        """Save ``text`` as the first conversation answer; ms until the kernel says saved."""
        view = self._model_with_event("save")
        state = self.states.get(view or "", {})
        key = None
        for phase in state.get("phases") or []:
            for prompt in phase.get("prompts") or []:
                key = key or prompt.get("key")
        if view is None or key is None or self.ws is None:
            return None
        t0 = time.perf_counter()
        self._send(
            "comm_msg",
            {
                "comm_id": view,
                "data": {
                    "method": "custom",
                    "content": {"event": "save", "data": {"key": key, "value": text, "seq": seq}},
                },
            },
        )
        done = await self._receive(
            lambda m: (
                m["content"].get("comm_id") == view
                and (
                    m["content"].get("data", {}).get("state", {}).get("status", {}).get(key) or {}
                ).get("seq")
                == seq
                and m["content"]["data"]["state"]["status"][key].get("state") == "saved"
            ),
            t0 + timeout,
        )
        return (time.perf_counter() - t0) * 1000 if done is not None else None

    async def join(self, code: str, group: str, municipality: str, timeout: float = 30.0) -> bool:
        """Join the event with ``code`` as the kit page's join form does; True once joined."""
        view = self._model_with_event("join")
        if view is None or self.ws is None:
            return False
        data = {"code": code, "group": group, "municipality": municipality}
        self._send(
            "comm_msg",
            {
                "comm_id": view,
                "data": {"method": "custom", "content": {"event": "join", "data": data}},
            },
        )
        done = await self._receive(
            lambda m: (
                m["content"].get("comm_id") == view
                and bool(m["content"].get("data", {}).get("state", {}).get("joined"))
            ),
            time.perf_counter() + timeout,
        )
        return done is not None

    def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):  # its loop may be gone already
                self.ws.close()
            self.ws = None


async def run_synthetic(
    base_url: str,
    page: str,
    groups: int,
    assets: list[str],
    timeout: float,
    start: asyncio.Event | None = None,
    members: list[SyntheticGroup] | None = None,
    ssl: Any = None,
) -> list[dict]:
    """``groups`` synthetic groups open ``page`` at the moment ``start`` is set (or now).

    The groups are appended to ``members`` (their websockets stay open for
    :func:`save_rounds`; the caller closes them).
    """
    made = [SyntheticGroup(base_url, page, assets, timeout, ssl) for _ in range(groups)]
    if members is not None:
        members.extend(made)
    return list(await asyncio.gather(*(m.open(start) for m in made)))


async def save_rounds(members: list[SyntheticGroup], rounds: int = 3) -> dict[str, Any]:
    """Every ready group saves a new answer at the same moment, ``rounds`` times; the time
    from sending the ``save`` event until the kernel reports the answer saved (committed)."""
    latencies: list[float] = []
    lost = 0
    ready = [m for m in members if m.result.get("ready") and m.ws is not None]
    for round_no in range(rounds):
        done = await asyncio.gather(
            *(m.save(f"bench-proto-{round_no}-{i}", round_no + 1) for i, m in enumerate(ready))
        )
        latencies += [d for d in done if d is not None]
        lost += sum(1 for d in done if d is None)
        await asyncio.sleep(0.2)
    return {"writers": len(ready), "rounds": rounds, "latencies_ms": latencies, "lost": lost}


async def paced_saves(
    members: list[SyntheticGroup], saves: int, interval: float, seed: int = 6
) -> dict[str, Any]:
    """Every ready group types: ``saves`` saves each, one every ``interval`` seconds +-50 %.

    The kit's answer field sends a save after one second without typing, so a group typing
    without pause sends about one a second; the groups start at random moments of the first
    interval, as groups do. A group's next save is due ``interval`` (+-50 %) after the last
    one was sent, or as soon as the last one is saved if that took longer: a slow answer
    delays the group's next save, as a page's would. Latency as in :func:`save_rounds`.
    """
    rng = random.Random(seed)  # noqa: S311 - timing jitter, not secrets
    ready = [m for m in members if m.result.get("ready") and m.ws is not None]
    latencies: list[float] = []
    lost = 0

    async def group(index: int, member: SyntheticGroup, waits: list[float]) -> None:
        nonlocal lost
        await asyncio.sleep(waits[0])
        for n, wait in enumerate(waits[1:]):
            due = time.perf_counter() + wait
            took = await member.save(f"bench-paced-{index}-{n}", 100 + n)
            if took is None:
                lost += 1
            else:
                latencies.append(took)
            await asyncio.sleep(max(0.0, due - time.perf_counter()))

    plans = [
        [interval * rng.random()] + [interval * rng.uniform(0.5, 1.5) for _ in range(saves)]
        for _ in ready
    ]
    t0 = time.perf_counter()
    await asyncio.gather(*(group(i, m, plans[i]) for i, m in enumerate(ready)))
    elapsed = time.perf_counter() - t0
    return {
        "writers": len(ready),
        "saves_per_writer": saves,
        "interval": interval,
        "latencies_ms": latencies,
        "lost": lost,
        "saves_per_s": len(latencies) / elapsed if elapsed > 0 else None,
    }
