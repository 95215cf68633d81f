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

#: Where the talkkit template puts the first screen (``index.html.j2``, ``body_header``).
MARKER = "<!--talkkit:first-screen-->"

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
    kernel's id at once and ``get_kernel`` a future of the started kernel."""

    def __init__(self, manager: Any) -> None:
        self._manager = manager
        self._starts: dict[str, asyncio.Future[Any]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def start_kernel(self, **kwargs: Any) -> str:
        kernel_id = kwargs.pop("kernel_id", None) or str(uuid.uuid4())
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


class FirstScreenHandler(TornadoVoilaHandler):  # type: ignore[misc]  # Voilà ships no types
    """Voilà's page handler with the request's first screen, streamed before the kernel."""

    _early: _EarlyStart | None = None

    @property
    def kernel_manager(self) -> Any:
        if self._early is None:
            self._early = _EarlyStart(self.settings["kernel_manager"])
        return self._early

    async def get_generator(self, path: str | None = None) -> Any:
        from talkkit.page.first_screen_html import for_request

        notebook = self.notebook_path or path
        root = Path(self.contents_manager.root_dir)
        screen = asyncio.ensure_future(
            asyncio.to_thread(
                for_request,
                root / (notebook or ""),
                self.request.full_url(),
                self.request.query,
                self.request.headers.get("Cookie"),
            )
        )
        head: list[str] | None = []  # the page up to the marker (it comes before the kernel)
        async for snippet in super().get_generator(path=path):
            if head is None:
                yield snippet
                continue
            head.append(snippet)
            text = "".join(head)
            if MARKER in text:
                first = await screen
                if first:
                    text = unblock_styles(text)
                yield text.replace(MARKER, first, 1)
                head = None
            elif len(text) > _HEAD_LIMIT:
                yield text
                head = None
        if head:
            yield "".join(head)
        if not screen.done():
            screen.cancel()


#: The page's bytes held back while looking for the marker (Voilà's head is ~25 kB).
_HEAD_LIMIT = 400_000

#: Voilà's render-blocking stylesheets (the JupyterLab styles, 240 kB, and its theme), as the
#: nbconvert ``lab`` template links them with ``include_css``. While the first screen shows
#: they style nothing visible: loaded without blocking the first paint, they are there long
#: before the widgets take over (on a CPU throttled 4x, parsing them held the first paint
#: back by about a second).
_BLOCKING_STYLES = ("static/index.css", "static/theme-light.css", "static/theme-dark.css")
_STYLE_LINK = '<link rel="stylesheet" type="text/css" href="'


def unblock_styles(page: str) -> str:
    """``page`` with Voilà's stylesheets loaded without holding back the first paint
    (``media="print"`` until loaded; one log line when none of them is found)."""
    out, found, start = [], 0, 0
    while (i := page.find(_STYLE_LINK, start)) >= 0:
        end = page.find(">", i)
        link = page[i : end + 1]
        out.append(page[start:i])
        if end > i and any(name in link for name in _BLOCKING_STYLES):
            link = link.replace(
                'rel="stylesheet"', 'rel="stylesheet" media="print" onload="this.media=\'all\'"', 1
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
