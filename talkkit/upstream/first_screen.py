"""The kit page's first screen in its first bytes, before the kernel is up (issue 20).

Targets voila 0.5.13 (pinned), ``voila/handler.py`` ``VoilaHandler.get_generator`` and
``voila/notebook_renderer.py`` ``NotebookRenderer._jinja_kernel_start``. Two things:

1. **Per request.** The talkkit template writes :data:`MARKER` where the first screen goes.
   :class:`FirstScreenHandler` (Voilà's page handler, swapped in by class like
   :mod:`~talkkit.upstream.static_handlers`) replaces it in the first snippet that holds it with
   :func:`talkkit.page.first_screen_html.for_request` for this request (its language, session,
   saved text). With preheated kernels the snippet comes from the pool's pre-rendered cache,
   made before anyone asked: the marker is the only way to make it the request's. Documented
   hooks do not reach the request: ``page_config_hook`` gets no request, ``prelaunch_hook``
   cannot be combined with preheating.
2. **Before the kernel.** Without a preheated kernel, ``get_generator`` awaits
   ``kernel_manager.start_kernel()`` before the template renders its first byte (about a second
   of blank page, more under load). :class:`_EarlyStart` hands the handler a kernel id at once
   (jupyter_server's ``start_kernel(kernel_id=...)`` is documented) and makes
   ``kernel_manager.get_kernel(id)``, which Voilà passes to the template's ``kernel_start`` as
   ``kernel_future`` and awaits with ``ensure_async``, a future that resolves once the kernel
   has started. The template's head and the first screen then stream while the kernel starts.
   jupyter_client's ``use_pending_kernels`` would do the same for every caller of the manager
   (the preheated pool, the culler, the websocket handler), so it is not used.

:func:`check` reads both internals' source at server start; when either is not as expected it
logs one line (:class:`~talkkit.upstream._target.Target`) and the handler stays Voilà's (the
marker is an HTML comment: the page works, without the first screen). No upstream issue filed.

3. **Not held back by styles it does not need.** On a page with a first screen, Voilà's
   JupyterLab stylesheets load without blocking the first paint (:func:`unblock_styles`;
   the widget page they style is hidden until the takeover).
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from pathlib import Path
from typing import Any

from voila.notebook_renderer import NotebookRenderer
from voila.tornado.handler import TornadoVoilaHandler

from talkkit.upstream._target import Target

__all__ = ["MARKER", "TARGET", "FirstScreenHandler", "check", "swap_page_handler"]

TARGET = Target(
    patch="first_screen",
    distribution="voila",
    tested=("0.5.13",),
    issue="none filed: Voilà renders nothing before the kernel has started",
)

#: Where the talkkit template puts the first screen (``index.html.j2``, ``body_header``), and
#: the end of what belongs to it (its script).
MARKER = "<!--talkkit:first-screen-->"
END_MARKER = "<!--talkkit:first-screen-end-->"

#: What the two internals must read for the early start to hold.
_HANDLER_NEEDS = (
    "self.kernel_manager.start_kernel(",
    "kernel_future = self.kernel_manager.get_kernel(kernel_id)",
    "gen.generate_content_generator(",
)
_RENDERER_NEEDS = ("await ensure_async(kernel_future)",)


def _source(obj: Any) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def check() -> bool:
    """Whether Voilà's handler and renderer are as this patch expects (one log line if not)."""
    handler = _source(TornadoVoilaHandler.get_generator)
    renderer = _source(getattr(NotebookRenderer, "_jinja_kernel_start", None))
    missing = [s for s in _HANDLER_NEEDS if s not in handler]
    missing += [s for s in _RENDERER_NEEDS if s not in renderer]
    if missing:
        return TARGET.missing(
            f"{missing[0]!r} in VoilaHandler.get_generator / NotebookRenderer._jinja_kernel_start",
            "pages render as Voilà renders them, without the first screen",
        )
    TARGET.untested()
    return True


class _EarlyStart:
    """Voilà's kernel manager, as the page handler sees it: ``start_kernel`` returns the new
    kernel's id at once and ``get_kernel`` a future of the started kernel. A start reserved
    beforehand (:meth:`admit`) uses that reservation."""

    def __init__(self, manager: Any) -> None:
        self._manager = manager
        self._starts: dict[str, asyncio.Future[Any]] = {}
        self.admission: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    def admit(self, env: dict[str, str]) -> bool:
        """Reserve the page's kernel start now (HTTP 503 is raised before any byte); False
        when the manager has no reservations (not ``talkkit serve``'s)."""
        admit = getattr(self._manager, "admit", None)
        if admit is None:
            return False
        self.admission = admit(env)
        return True

    def release(self) -> None:
        if self.admission is not None:
            self._manager.release(self.admission)

    async def start_kernel(self, **kwargs: Any) -> str:
        kernel_id = kwargs.pop("kernel_id", None) or str(uuid.uuid4())
        if self.admission is not None:
            kwargs["admission"] = self.admission
        task = asyncio.ensure_future(self._manager.start_kernel(kernel_id=kernel_id, **kwargs))
        await asyncio.sleep(0)  # a refusal (HTTP 503 past max_kernels) comes before any byte
        if task.done():
            task.result()
        self._starts[kernel_id] = task
        return kernel_id

    def get_kernel(self, kernel_id: str) -> Any:
        task = self._starts.get(kernel_id)
        if task is None:
            return self._manager.get_kernel(kernel_id)

        async def started() -> Any:
            await task
            return self._manager.get_kernel(kernel_id)

        return started()


#: The page up to the first screen and the first screen's script, as Voilà last rendered them
#: (for a preheated kernel or one started on demand: the same), per notebook file version and
#: request parameters (:meth:`FirstScreenHandler._head_key`), at most :data:`HEADS_KEPT` of
#: them (the parameters come from the address, which anyone types). The head holds no
#: per-request data (the kernel's id comes after the first screen): with it the first screen
#: is sent as soon as the kernel's start is reserved, before Voilà has read the notebook and
#: rendered its template (60 groups at once: those steps waited up to 9 s for the busy loop).
_HEADS: dict[tuple[Any, ...], tuple[str, str]] = {}
HEADS_KEPT = 64


def _keep_head(key: tuple[Any, ...], head: tuple[str, str]) -> None:
    """Keep ``head`` for ``key``, forgetting the oldest past :data:`HEADS_KEPT`."""
    _HEADS.pop(key, None)
    _HEADS[key] = head
    while len(_HEADS) > HEADS_KEPT:
        del _HEADS[next(iter(_HEADS))]


#: A query parameter telling a redirect with a fresh client cookie from a first load.
COOKIE_RETRY = "talkkit_cookie"


_TURN: asyncio.Semaphore | None = None
#: The longest one page's turn lasts (its head normally comes within a few 10 ms).
TURN_SECONDS = 2.0


class _Turn:
    """One page's turn at Voilà's work up to its head (:func:`_take_turn`); given back once,
    at the head or after :data:`TURN_SECONDS`, whichever comes first."""

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore: asyncio.Semaphore | None = semaphore
        self._timer = asyncio.get_running_loop().call_later(TURN_SECONDS, self.release)

    def release(self) -> None:
        if self._semaphore is not None:
            self._timer.cancel()
            self._semaphore.release()
            self._semaphore = None


async def _take_turn() -> _Turn:
    """Pages whose first screen has gone out do Voilà's work up to its head (reading the
    notebook, making the exporter, starting the kernel, rendering the head) one at a time.
    The loop then polls for new requests between them, and a group that arrives during a
    burst gets its first screen after one such step, not after every page's (60 groups: the
    last wave came 1 s later without it). Their kernels start as soon as before, in turn."""
    global _TURN
    if _TURN is None:
        _TURN = asyncio.Semaphore(1)
    await _TURN.acquire()
    return _Turn(_TURN)


class FirstScreenHandler(TornadoVoilaHandler):  # type: ignore[misc]  # Voilà ships no types
    """Voilà's page handler with the request's first screen, streamed before the kernel."""

    _early: _EarlyStart | None = None

    @property
    def kernel_manager(self) -> Any:
        if self._early is None:
            self._early = _EarlyStart(self.settings["kernel_manager"])
        return self._early

    def _takes_pool_kernel(self, notebook: str) -> bool:
        """Whether Voilà will serve this request from its preheated pool (its own test)."""
        manager = self.kernel_manager
        try:
            data = manager.notebook_data.get(notebook, {})
            size = manager.get_pool_size(notebook)
        except AttributeError:  # no pools (Voilà as a server extension)
            return False
        return bool(
            self.should_use_rendered_notebook(
                data,
                size,
                self.get_argument("template", None),
                self.get_argument("theme", None),
                self.request.arguments,
            )
        )

    def _head_key(self, file: Path) -> tuple[Any, ...] | None:
        try:
            stat = file.stat()
        except OSError:
            return None
        return (
            str(file),
            stat.st_mtime_ns,
            stat.st_size,
            self.get_argument("template", None),
            self.get_argument("theme", None),
        )

    def _admit(self) -> bool | None:
        """Reserve the kernel start before anything is sent. None: the request was answered
        (a load without the client cookie redirected once, at once, with one)."""
        from talkkit.page.kernels import AnonymousShareFull
        from talkkit.page.policy import new_client_cookie

        try:
            cookie = self.request.headers.get("Cookie", "")
            return bool(self.kernel_manager.admit({"HTTP_COOKIE": cookie}))
        except AnonymousShareFull:
            if self.get_argument(COOKIE_RETRY, None) is not None:
                raise  # the browser keeps no cookies: the 503 page, as before
            self.add_header("Set-Cookie", new_client_cookie())
            # the same address on this server (its path, never a host the request names)
            query = f"{self.request.query}&" if self.request.query else ""
            self.redirect(f"{self.request.path}?{query}{COOKIE_RETRY}=1", status=303)
            return None

    async def get_generator(self, path: str | None = None) -> Any:
        from talkkit.page.first_screen_html import for_request_async

        notebook = self.notebook_path or path or ""
        file = Path(self.contents_manager.root_dir) / notebook
        fresh = not self._takes_pool_kernel(notebook)
        admitted = self._admit() if fresh else False
        if admitted is None:
            return
        turn: _Turn | None = None
        try:
            screen = await for_request_async(
                file,
                self.request.full_url(),
                self.request.query,
                self.request.headers.get("Cookie"),
            )
            key = self._head_key(file)
            sent = _HEADS.get(key) if fresh and key is not None and screen else None
            if sent is not None:
                yield unblock_styles(sent[0]) + screen + sent[1]
            head: list[str] | None = []  # the page up to the marker (it comes before the kernel)
            if sent is not None:  # Voilà's work up to its head, one page at a time (_TURN)
                turn = await _take_turn()
            async for snippet in super().get_generator(path=path):
                if head is None:
                    yield snippet
                    continue
                head.append(snippet)
                text = "".join(head)
                if MARKER in text:
                    before, _, rest = text.partition(MARKER)
                    script, found, after = rest.partition(END_MARKER)
                    if not found:
                        script, after = "", rest
                    head = None
                    if turn is not None:
                        turn.release()
                    if sent is None:
                        if key is not None:  # the same with a preheated kernel (tested)
                            _keep_head(key, (before, script))
                        yield (
                            (unblock_styles(before) if screen else before) + screen + script + after
                        )
                    else:
                        if (before, script) != sent and key is not None:
                            _HEADS.pop(key, None)
                            TARGET.missing(
                                "the same page head for the same notebook",
                                "this page was sent with the head of the previous one",
                            )
                        yield after
                elif len(text) > _HEAD_LIMIT:
                    yield text
                    head = None
            if head:
                yield "".join(head)
        finally:
            if turn is not None:
                turn.release()
            self.kernel_manager.release()


#: The page's bytes held back while looking for the marker (Voilà's head is ~25 kB).
_HEAD_LIMIT = 400_000

#: Voilà's render-blocking stylesheets (the JupyterLab styles, 240 kB, and its theme), as the
#: nbconvert ``lab`` template links them with ``include_css``. While the first screen shows
#: they style nothing visible: loaded without blocking the first paint, they are there long
#: before the widgets take over (on a CPU throttled 4x, parsing them held the first paint
#: back by about a second).
_BLOCKING_STYLES = ("static/index.css", "static/theme-light.css", "static/theme-dark.css")
_STYLE_LINK = '<link rel="stylesheet" type="text/css" href="'
#: Once loaded, a stylesheet is applied when Voilà's front end starts (``first-screen.js`` holds
#: it, ``boot-gate.js`` applies it): applying 240 kB of styles is a long task (0.2 s, 0.8 s on a
#: CPU throttled 4x) that would hold a key typed into the first screen. Without the first
#: screen's script, at once.
_STYLE_ONLOAD = "window.talkkitStyle ? window.talkkitStyle(this) : (this.media = 'all')"


def unblock_styles(page: str) -> str:
    """``page`` with Voilà's stylesheets loaded without holding back the first paint
    (``media="print"`` until loaded and Voilà's front end starts; one log line when none of
    them is found)."""
    out, found, start = [], 0, 0
    while (i := page.find(_STYLE_LINK, start)) >= 0:
        end = page.find(">", i)
        link = page[i : end + 1]
        out.append(page[start:i])
        if end > i and any(name in link for name in _BLOCKING_STYLES):
            link = link.replace(
                'rel="stylesheet"', f'rel="stylesheet" media="print" onload="{_STYLE_ONLOAD}"', 1
            )
            found += 1
        out.append(link)
        start = end + 1
    out.append(page[start:])
    if not found:
        TARGET.missing(
            "the lab template's index.css link", "its styles hold back the first screen's paint"
        )
    return "".join(out)


def swap_page_handler(handlers: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Voilà's handlers with its page handler swapped for :class:`FirstScreenHandler` (when
    :func:`check` holds)."""
    if not check():
        return handlers
    swapped = [
        (h[0], FirstScreenHandler, *h[2:]) if h[1] is TornadoVoilaHandler else h for h in handlers
    ]
    if all(h[1] is not FirstScreenHandler for h in swapped):
        TARGET.missing("TornadoVoilaHandler in Voila.init_handlers", "no first screen")
    return swapped
