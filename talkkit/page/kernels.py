"""The kernels behind kit pages: bounded in number under any burst, started as the kit kernel.

Every page load costs a ~60 MB kernel, and a closed tab does not shut its kernel down: a server
with 2 cores and a few GB holds a bounded number of them. :class:`BoundedKernelManager`:

* **The bound holds under any burst.** A slot is reserved (synchronously, before anything is
  awaited) when a start begins and released if it fails, so 20 requests at the same moment with
  ``max_kernels=5`` start 5 kernels, and the other 15 get HTTP 503 at once.
* **A page that never connects costs a minute, not 15.** A kernel started for a request whose
  page does not open its websocket within ``connect_timeout`` (60 s) is shut down. (Kernels
  that connected and went quiet are culled after the idle timeout, as before.)
* **Anonymous page loads cannot take every slot.** Requests from a browser without the
  :data:`talkkit.page.policy.CLIENT_COOKIE` (a script that ignores cookies, a flood of plain
  GETs) may hold at most ``anonymous_kernels`` not-yet-connected kernels together (default:
  a quarter of ``max_kernels``); each browser with the cookie at most ``client_kernels`` (3).
  Every HTML response sets the cookie. A kit page load without the cookie that finds the share
  full is redirected at once to the same address with a fresh cookie (once: the address then
  says so; :mod:`talkkit.upstream.first_screen`), so a real group's browser that meets a flood
  or 59 other groups opening at the same moment gets its own share without waiting; a client
  that keeps no cookies gets the 503 page, which reloads itself after a few seconds.
* **The page's start is reserved before its first byte** (:meth:`BoundedKernelManager.admit`):
  the first screen is sent before Voilà has read the notebook, and a refusal still comes as
  an HTTP status, never after part of a page. A client that
  collects fresh cookies for every request is bounded by ``max_kernels`` and the connect
  deadline only: put a per-address request limit in the reverse proxy for that (README).

Preheated pool kernels (``--preheat``) are outside the per-client shares (the pool's size bounds
them). Python kernels start as ``python -m talkkit.page.kernel`` (no debugger, no history),
forked by :mod:`talkkit.page.fork_server` when it runs.
Only jupyter_server's public API is used (``kernel_model``'s ``connections``, ``shutdown_kernel``).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Int, default

from talkkit.page.kernel import KERNEL_MODULE
from talkkit.page.policy import client_id

__all__ = [
    "ANONYMOUS",
    "Admission",
    "AnonymousShareFull",
    "BoundedKernelManager",
    "KitKernelSpecManager",
]

#: The client of requests without a client cookie.
ANONYMOUS = "anonymous"
TOO_MANY = "Too many open kits on this server right now; try again in a minute."


class AnonymousShareFull(web.HTTPError):
    """HTTP 503: page loads without the client cookie hold their share of the kernels."""


@dataclass
class Admission:
    """One kernel start reserved for a page request (:meth:`BoundedKernelManager.admit`)."""

    client: str | None
    state: str = "open"  # "used" by a start, or "released"


@dataclass
class _Waiting:
    """A kernel started for a request whose page has not connected yet."""

    client: str
    started: float


class BoundedKernelManager(AsyncMappingKernelManager):
    """A kernel manager that holds ``max_kernels`` under any burst (see the module doc)."""

    max_kernels = Int(
        80,
        config=True,
        help="The most kernels (open kit pages) at once; more get HTTP 503 until some end.",
    )
    connect_timeout = Float(
        60.0,
        config=True,
        help="Seconds a kernel started for a page may wait for the page's websocket; then it "
        "is shut down (a plain GET that never opens the page costs a minute, not the idle "
        "timeout).",
    )
    anonymous_kernels = Int(
        0,
        config=True,
        help="The most not-yet-connected kernels of requests without a client cookie, together "
        "(0: a quarter of max_kernels, at least 1).",
    )
    client_kernels = Int(
        3, config=True, help="The most not-yet-connected kernels of one browser (client cookie)."
    )
    preheat_concurrency = Int(
        1,
        config=True,
        help="With preheated kernels: how many pool kernels may start and run their notebook at "
        "the same time (the rest wait, so refills never starve the pages being served).",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]  # jupyter_server's manager is unannotated
        self._reserved = 0  # starts under way (their kernels may not be listed yet)
        self._waiting: dict[str, _Waiting] = {}  # kernel id -> not yet connected
        self._starting: dict[str, int] = {}  # client -> starts under way
        self._watch: asyncio.Task[None] | None = None

    @default("kernel_manager_class")
    def _default_kernel_manager_class(self) -> str:
        return "talkkit.upstream.event_logger.KitKernelManager"

    # -- the bound --------------------------------------------------------------------------

    def anonymous_share(self) -> int:
        return self.anonymous_kernels or max(1, self.max_kernels // 4)

    def _client_of(self, env: dict[str, str] | None) -> str | None:
        """Who asks (None: a preheated pool kernel, outside the shares)."""
        env = env or {}
        if env.get("VOILA_PREHEAT") == "True":
            return None
        return client_id(env.get("HTTP_COOKIE")) or ANONYMOUS

    def _unconnected(self, client: str) -> int:
        waiting = sum(1 for w in self._waiting.values() if w.client == client)
        return waiting + self._starting.get(client, 0)

    def _refuse(self, why: str, error: type[web.HTTPError] = web.HTTPError) -> web.HTTPError:
        self.log.warning("kernel refused: %s", why)
        return error(503, reason=TOO_MANY)

    def _reserve(self, client: str | None) -> None:
        """Check the bound and reserve one start for ``client`` (no await: nothing interleaves)."""
        if len(self.list_kernel_ids()) + self._reserved >= self.max_kernels:
            raise self._refuse(f"{self.max_kernels} kernels")
        if client is not None:
            cap = self.anonymous_share() if client == ANONYMOUS else self.client_kernels
            if self._unconnected(client) >= cap:
                why = f"{cap} unconnected kernels of one client"
                if client == ANONYMOUS:
                    raise self._refuse(f"{why} (no cookie)", AnonymousShareFull)
                raise self._refuse(why)
            self._starting[client] = self._starting.get(client, 0) + 1
        self._reserved += 1

    def _unreserve(self, client: str | None) -> None:
        self._reserved -= 1
        if client is not None:
            self._starting[client] -= 1
            if not self._starting[client]:
                del self._starting[client]

    def admit(self, env: dict[str, str] | None) -> Admission:
        """Reserve a kernel start for a page request before anything of the page is sent, with
        the checks of :meth:`start_kernel` (HTTP 503, :class:`AnonymousShareFull`). Pass it to
        :meth:`start_kernel` (``admission=``), which then uses the reservation, or
        :meth:`release` it."""
        client = self._client_of(env)
        self._reserve(client)
        return Admission(client)

    def release(self, admission: Admission) -> None:
        """Give back an :meth:`admit` reservation that no start used (a second call does
        nothing)."""
        if admission.state == "open":
            admission.state = "released"
            self._unreserve(admission.client)

    async def start_kernel(  # type: ignore[override]  # jupyter_client types it sync on MultiKernelManager; the async managers' is a coroutine
        self, *args: Any, admission: Admission | None = None, **kwargs: Any
    ) -> str:
        if admission is not None and admission.state == "open":
            admission.state = "used"
            client = admission.client
        else:
            client = self._client_of(kwargs.get("env"))
            self._reserve(client)
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
            if client is not None:
                self._waiting[kernel_id] = _Waiting(client, time.monotonic())
                self._watch_connections()
            return kernel_id
        finally:
            self._unreserve(client)

    # -- the connect deadline ---------------------------------------------------------------

    def _watch_connections(self) -> None:
        if self._watch is None or self._watch.done():
            self._watch = asyncio.ensure_future(self._watch_loop())

    async def _watch_loop(self) -> None:
        while self._waiting:
            await asyncio.sleep(min(5.0, max(0.5, self.connect_timeout / 10)))
            await self.end_unconnected()

    async def end_unconnected(self) -> list[str]:
        """Forget kernels whose page connected; shut down those past the connect deadline.
        The ids of the kernels shut down."""
        now = time.monotonic()
        ended = []
        for kernel_id, waiting in list(self._waiting.items()):
            if kernel_id not in self:
                del self._waiting[kernel_id]
                continue
            try:
                connected = self.kernel_model(kernel_id).get("connections", 0) > 0  # type: ignore[no-untyped-call]  # jupyter_server's manager is unannotated
            except web.HTTPError:
                connected = False
            if connected:
                del self._waiting[kernel_id]
            elif now - waiting.started > self.connect_timeout:
                del self._waiting[kernel_id]
                ended.append(kernel_id)
        for kernel_id in ended:
            self.log.warning("kernel %s ended: its page did not connect in time", kernel_id)
            try:
                await self.shutdown_kernel(kernel_id, now=True)  # type: ignore[no-untyped-call]  # jupyter_server's manager is unannotated
            except Exception as exc:  # an ended kernel must not stop the watch
                self.log.warning("could not end kernel %s: %s", kernel_id, exc)
        return ended


class KitKernelSpecManager(KernelSpecManager):
    """Python kernels of kit pages start as ``python -m talkkit.page.kernel``: ipykernel without
    its debugger and input history (see :mod:`talkkit.page.kernel`). Other kernels are left as
    they are."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        argv = list(spec.argv)
        if argv[1:3] == ["-m", "ipykernel_launcher"]:
            from talkkit.page.fork_server import current
            from talkkit.page.kernel import KERNEL_ARGS
            from talkkit.upstream.fork_provisioner import NAME

            spec.argv = [argv[0], "-m", KERNEL_MODULE, *argv[3:], *KERNEL_ARGS]
            if current() is not None and "kernel_provisioner" not in spec.metadata:
                spec.metadata["kernel_provisioner"] = {"provisioner_name": NAME}
        return spec
