"""Serving the kits: standalone Voilà with a gallery and safe defaults, or a Jupyter server
extension (what Binder uses) that adds the same gallery under ``<base>/talkkit/``.

Safe by default (see ``../shared/stack-notes.md`` for why each is needed):

- tracebacks hidden and sources stripped (Voilà's defaults, set explicitly);
- only the media types kits need are served as static files, by extension;
- the store and exports live in the data folder outside the served kits folder;
- idle kernels are culled, and the number of kernels is bounded (:class:`BoundedKernelManager`):
  every page load costs a kernel, and a closed tab does not shut its kernel down;
- a Content-Security-Policy keeps pages from requesting anything from another host, and the
  ``talkkit`` page template drops the CDN links of Voilà's ``lab`` template;
- ``KernelManager.transport=ipc`` avoids the ZMQ port race of many simultaneous kernel starts.

Fast on a second visit (measured with ``talkkit bench``, see ``bench/README.md``): Voilà serves
its ~120 JavaScript chunks with ``Cache-Control: no-cache``, so every page load revalidates them
one by one. :class:`TalkkitVoila` serves Voilà's own files under a versioned address
(``/voila/static/v/<hash of the files>/``) and the front-end extensions' content-hashed files
with ``Cache-Control: public, max-age=31536000, immutable``: a browser that has them asks for
them never again, and a changed file has another address.

Preheated kernels (``talkkit serve --preheat N``) run the kit notebook before anyone asks for
the page (``show_kit`` does the heavy work, then waits for the request). Voilà refills a pool
as soon as a kernel is taken, all refills at once, and hands a page a kernel that is still
starting: when 30 groups arrive together, 30 refills compete with the 30 pages for the CPU.
:func:`tune_preheat` makes the pool gentler: at most ``preheat_concurrency`` pool kernels warm
up at a time, a page only takes a warmed-up kernel (else it gets a fresh one, as without
preheat), and a pool start refused by ``max_kernels`` is dropped and tried again later instead
of failing a page.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import hashlib
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_events import EventLogger
from jupyter_server.base.handlers import FileFindHandler, JupyterHandler
from jupyter_server.services.kernels.kernelmanager import (
    AsyncMappingKernelManager,
    ServerKernelManager,
)
from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Int, default
from traitlets.config import Config
from voila import __version__ as voila_version
from voila.app import Voila
from voila.paths import collect_static_paths
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

from talkkit.chunks import ChunkBundle, build_bundle
from talkkit.gallery import render_gallery
from talkkit.paths import PACKAGE_DIR, kits_dir

__all__ = [
    "BoundedKernelManager",
    "KitKernelManager",
    "KitKernelSpecManager",
    "TalkkitVoila",
    "serve_config",
]

#: Static files Voilà may hand out: kit media only (never notebooks, YAML, databases).
MEDIA_ALLOWLIST = [r".*\.(png|jpe?g|gif|svg|webp|webm|mp4|ogg|vtt)$"]

#: No page may load anything from another host. YouTube/Vimeo frames are allowed as frames only,
#: and the player creates them only after the group has clicked to allow the external video.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Vue templates of ipyvuetify are compiled in the browser (eval), widgets inline styles
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self' ws: wss: blob:",  # jupyter-vue loads Vue templates from blob URLs
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

#: JupyterLab front-end extensions a kit page does not need.
LAB_ONLY_EXTENSIONS = ["@voila-dashboards/jupyterlab-preview", "jupyterlab_pygments"]

TEMPLATE_ROOT = PACKAGE_DIR / "share" / "jupyter"

#: Seconds Voilà's executor waits, after a cell's reply, for the rest of the cell's output.
#: nbclient's default is 4 s, and past it the output is dropped without an error. When many
#: groups open a kit at once the server handles a kernel's messages seconds late: with 60
#: groups on 2 cores (``talkkit bench``) the kit's output (the whole page) came later than
#: 4 s and pages stayed blank for good. A page that shows late is better than a blank one.
RENDER_OUTPUT_TIMEOUT = 60

#: Cache-Control of a file whose address changes whenever its content does.
IMMUTABLE = "public, max-age=31536000, immutable"
#: A file name with a content hash (webpack chunks, ``remoteEntry.<hash>.js``, fonts).
HASHED_NAME = re.compile(r"(?:^|[.\-_])[0-9a-f]{16,}(?:\.[A-Za-z0-9]+)+$")


def use_talkkit_template() -> None:
    """Make the ``talkkit`` Voilà template findable (Jupyter looks in ``$JUPYTER_PATH``)."""
    current = os.environ.get("JUPYTER_PATH", "")
    parts = [p for p in current.split(os.pathsep) if p]
    if str(TEMPLATE_ROOT) not in parts:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(TEMPLATE_ROOT), *parts])


_EVENT_LOGGER: EventLogger | None = None


class KitKernelManager(ServerKernelManager):
    """One kernel's manager, sharing one event logger with all the others.

    jupyter_server gives each kernel manager a new event logger and registers its event schemas
    into it (a YAML parse and a jsonschema validation per kernel) unless the server application
    has a logger, which standalone Voilà has not: about a tenth of the server's CPU when 30
    groups open a kit at once (py-spy, ``bench/README.md``).
    """

    @default("event_logger")
    def _default_event_logger(self) -> EventLogger:
        global _EVENT_LOGGER
        if _EVENT_LOGGER is None:
            _EVENT_LOGGER = super()._default_event_logger()
        return _EVENT_LOGGER


class BoundedKernelManager(AsyncMappingKernelManager):
    """A kernel manager that refuses to start more than ``max_kernels`` kernels.

    A server with 2 cores and a few GB holds a bounded number of ~60 MB kernels; past the bound
    a new visitor gets a clear "try again in a moment" page instead of a server that swaps.
    """

    max_kernels = Int(
        80,
        config=True,
        help="The most kernels (open kit pages) at once; more get HTTP 503 until some are culled.",
    )
    preheat_concurrency = Int(
        1,
        config=True,
        help="With preheated kernels: how many pool kernels may start and run their notebook at "
        "the same time (the rest wait, so refills never starve the pages being served).",
    )

    @default("kernel_manager_class")
    def _default_kernel_manager_class(self) -> str:
        return "talkkit.server.KitKernelManager"

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        if len(self.list_kernel_ids()) >= self.max_kernels:
            raise web.HTTPError(
                503,
                reason="Too many open kits on this server right now; try again in a minute.",
            )
        return await super().start_kernel(*args, **kwargs)


class KitKernelSpecManager(KernelSpecManager):
    """Python kernels of kit pages start as ``python -m talkkit.kernel``: ipykernel without its
    debugger and input history (see :mod:`talkkit.kernel`). Other kernels are left as they are."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        argv = list(spec.argv)
        if argv[1:3] == ["-m", "ipykernel_launcher"]:
            from talkkit.kernel import KERNEL_ARGS

            spec.argv = [argv[0], "-m", "talkkit.kernel", *argv[3:], *KERNEL_ARGS]
        return spec


#: Seconds a pool kernel may take to run its notebook up to ``wait_for_request()``.
PREHEAT_WARMUP_TIMEOUT = 120.0


def tune_preheat(km: Any) -> None:
    """Make Voilà's kernel pool gentle under a burst (see the module doc); no-op without one."""
    if not hasattr(km, "_pools") or not hasattr(km, "_initialize"):
        return
    from voila.request_info_handler import RequestInfoSocketHandler

    gate = asyncio.Semaphore(max(1, km.preheat_concurrency))
    initialize = km._initialize

    async def warmed_up(notebook_path: str, kernel_id: str | None = None, **kwargs: Any) -> dict:
        # Whole warm-up under the gate: the kernel's start and its notebook run up to the
        # point where it waits for a request (or to its end, for a notebook that never waits).
        async with gate:
            result = await initialize(notebook_path, kernel_id, **kwargs)
            deadline = time.monotonic() + PREHEAT_WARMUP_TIMEOUT
            while time.monotonic() < deadline:
                if result["kernel_id"] in RequestInfoSocketHandler._waiters:
                    break
                if result["task"].done():
                    break
                await asyncio.sleep(0.05)
            return result

    def wanted(notebook: str) -> int:
        config = km.kernel_pools_config
        return int(config.get(notebook, config.get("default", {})).get("pool_size", 0))

    def ready(task: asyncio.Future) -> bool:
        return task.done() and not task.cancelled() and task.exception() is None

    def get_pool_size(notebook: str) -> int:
        pool = km._pools.get(notebook)
        if pool is None:
            return 0
        # A pool start that failed (e.g. refused at max_kernels) would fail the page that takes
        # it: drop it, and top the pool up again while there is room.
        pool[:] = [t for t in pool if not t.done() or ready(t)]
        if len(pool) < wanted(notebook) and len(km.list_kernel_ids()) < km.max_kernels:
            km.fill_if_needed(notebook_name=notebook)
        return sum(1 for t in pool if ready(t))  # only warmed-up kernels count

    get_rendered_notebook = km.get_rendered_notebook

    async def ready_first(notebook_name: str, *args: Any, **kwargs: Any) -> Any:
        pool = km._pools.get(notebook_name, [])
        pool.sort(key=lambda t: not ready(t))  # Voilà takes the first one
        return await get_rendered_notebook(notebook_name, *args, **kwargs)

    km._initialize = warmed_up
    km.get_pool_size = get_pool_size
    km.get_rendered_notebook = ready_first


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled page templates kept in memory for the server's life.

    Voilà makes a new nbconvert exporter, hence a new Jinja environment, for every notebook it
    renders (every page, every preheated kernel), and Jinja parses and compiles every template
    again for each new environment: more than half of the server's CPU when 30 groups open a
    kit at once (py-spy, ``bench/README.md``). Jinja checks each entry against its template's
    source, so a changed template is compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


#: One cache per kind of environment (Jinja compiles async and sync templates differently).
_BYTECODE_CACHES: dict[tuple, MemoryBytecodeCache] = {}


def cache_compiled_templates() -> None:
    """Give every Voilà exporter's Jinja environment the shared :class:`MemoryBytecodeCache`."""
    from voila.exporter import VoilaExporter

    if getattr(VoilaExporter, "_talkkit_cached", False):
        return
    create = VoilaExporter._create_environment

    def create_environment(self: Any) -> jinja2.Environment:
        environment = create(self)
        kind = (environment.is_async, tuple(sorted(environment.extensions)))
        environment.bytecode_cache = _BYTECODE_CACHES.setdefault(kind, MemoryBytecodeCache())
        return environment

    VoilaExporter._create_environment = create_environment
    VoilaExporter._talkkit_cached = True


class GalleryHandler(web.RequestHandler):
    """Serves the gallery page (static HTML, no kernel)."""

    def initialize(self, root: Path, render_prefix: str, files_prefix: str) -> None:
        self.root = root
        self.render_prefix = render_prefix
        self.files_prefix = files_prefix

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-cache")

    def get(self) -> None:
        language = self.get_query_argument("lang", "da")
        html = render_gallery(
            self.root,
            language=language,
            render_prefix=self.render_prefix,
            files_prefix=self.files_prefix,
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)


#: Files worth compressing (JavaScript chunks above all); fonts, images and video are not.
COMPRESSIBLE = (".js", ".mjs", ".css", ".json", ".map", ".svg", ".html", ".txt")
#: path -> (mtime_ns, size, gzipped body or None when gzip does not make it smaller).
_GZIPPED: dict[str, tuple[int, int, bytes | None]] = {}


def gzipped_file(path: str) -> bytes | None:
    """``path`` gzipped, from the cache unless the file changed; None if gzip gains nothing."""
    st = os.stat(path)
    cached = _GZIPPED.get(path)
    if cached is None or cached[:2] != (st.st_mtime_ns, st.st_size):
        with open(path, "rb") as f:
            raw = f.read()
        body: bytes | None = gzip.compress(raw, compresslevel=6, mtime=0)
        if len(body) >= len(raw):
            body = None
        cached = _GZIPPED[path] = (st.st_mtime_ns, st.st_size, body)
    return cached[2]


def precompress(roots: list[str]) -> int:
    """Gzip every text file under ``roots`` into the cache before a page asks for it.

    The first groups after a server start would otherwise pay for it: compressing a kit page's
    files took about 0.4 CPU-s of the server's 4.5 during a first burst of 30 groups (py-spy).
    Keys are real paths, as tornado's ``validate_absolute_path`` gives them to the handler.
    Source maps are left out (only a browser's developer tools fetch them). The number of
    files compressed.
    """
    done = 0
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if not name.endswith(COMPRESSIBLE) or name.endswith(".map"):
                    continue
                try:
                    gzipped_file(os.path.realpath(os.path.join(folder, name)))
                except OSError:
                    continue
                done += 1
    return done


def accepts_gzip(request: Any) -> bool:
    """Whether the request's ``Accept-Encoding`` lists gzip."""
    accepted = request.headers.get("Accept-Encoding", "")
    return "gzip" in [part.split(";")[0].strip() for part in accepted.split(",")]


class PrecompressedMixin:
    """A static file handler that sends text files gzipped, compressed once and kept in memory.

    A kit page's first visit fetches about 110 JavaScript files, several MB: gzip cuts the
    bytes a room of groups pulls over a building's network to roughly a quarter, and compressing
    each file once (not per response, as tornado's ``compress_response`` would) costs the server
    nothing per page. Range requests and clients that do not accept gzip get the file as is.
    """

    _gzip_body: bytes | None = None

    def _gzipped(self) -> bytes | None:
        path = self.absolute_path  # type: ignore[attr-defined]
        request = self.request  # type: ignore[attr-defined]
        if not path.endswith(COMPRESSIBLE) or request.headers.get("Range"):
            return None
        if not accepts_gzip(request):
            return None
        return gzipped_file(path)

    def set_headers(self) -> None:
        self._gzip_body = self._gzipped()
        super().set_headers()  # type: ignore[misc]
        if self.absolute_path.endswith(COMPRESSIBLE):  # type: ignore[attr-defined]
            self.add_header("Vary", "Accept-Encoding")  # type: ignore[attr-defined]
        if self._gzip_body is not None:
            self.set_header("Content-Encoding", "gzip")  # type: ignore[attr-defined]

    def compute_etag(self) -> str | None:
        etag = super().compute_etag()  # type: ignore[misc]
        if etag and self._gzip_body is not None:
            return etag[:-1] + '-gzip"'  # another representation, another tag
        return etag

    @classmethod
    def get_content_version(cls, abspath: str) -> str:
        # tornado hashes a file through cls.get_content(), which is an instance method here
        with open(abspath, "rb") as f:
            return hashlib.sha512(f.read()).hexdigest()

    def get_content_size(self) -> int:
        if self._gzip_body is not None:
            return len(self._gzip_body)
        return super().get_content_size()  # type: ignore[misc]

    def get_content(self, abspath: str, start: int | None = None, end: int | None = None) -> Any:
        if self._gzip_body is not None:
            return self._gzip_body
        return super().get_content(abspath, start, end)  # type: ignore[misc]


class HashedAssetHandler(PrecompressedMixin, FileFindHandler):
    """Voilà's ``/voila/labextensions/`` handler, with files named by their content hash
    cached for good (the others, e.g. ``package.json``, are still revalidated)."""

    def set_headers(self) -> None:
        super().set_headers()
        if HASHED_NAME.search(self.request.path.rsplit("/", 1)[-1]):
            self.set_header("Cache-Control", IMMUTABLE)


class VersionedStaticHandler(PrecompressedMixin, MultiStaticFileHandler):
    """Voilà's own files under ``/voila/static/v/<version>/``: cached for good."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", IMMUTABLE)


@functools.lru_cache(maxsize=16)  # names come from page addresses: bounded
def template_static_roots(template: str) -> tuple[str, ...]:
    """The ``static`` folders of Voilà template ``template`` and of the templates it extends,
    looked up once (Voilà walks the Jupyter data folders again for every request); empty for
    a name that is no template."""
    try:
        return tuple(collect_static_paths(["voila", "nbconvert"], template))
    except ValueError:  # an invalid name, e.g. with a path separator
        return ()


class TemplateAssetHandler(PrecompressedMixin, TemplateStaticFileHandler):
    """Voilà's ``/voila/templates/<template>/static/`` files, gzipped like the others.

    These are the page's style sheets and ``voila-style.js``: 600 kB for the talkkit template,
    which Voilà sends uncompressed to every page that does not have them yet. Their addresses
    carry their content's hash (``?v=``), so tornado already lets browsers keep them for good.
    An address outside a template's ``static`` folder is a 404 (Voilà's own handler fails it
    with a 500).
    """

    def parse_url_path(self, path: str) -> str:
        template, _, rest = path.partition("/static/")
        self.roots = template_static_roots(template) if rest and "/" not in template else ()
        if not self.roots:
            raise web.HTTPError(404)
        return web.StaticFileHandler.parse_url_path(self, path)

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        template, _, rest = path.partition("/static/")
        abspath = ""
        for folder in template_static_roots(template) if "/" not in template else ():
            abspath = os.path.abspath(os.path.join(folder, rest))
            if os.path.exists(abspath):
                return abspath
        return abspath or os.path.join("/nonexistent", rest)  # validated, then a 404


class ChunkBundleHandler(web.RequestHandler):
    """Voilà's and the extensions' chunks in one file (:mod:`talkkit.chunks`), from memory,
    cached for good."""

    def initialize(self, bundle: ChunkBundle) -> None:
        self.bundle = bundle

    def get(self, name: str) -> None:
        if name != self.bundle.name:  # an older page's bundle: its chunks load one by one
            raise web.HTTPError(404)
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", IMMUTABLE)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Vary", "Accept-Encoding")
        if accepts_gzip(self.request):
            self.set_header("Content-Encoding", "gzip")
            self.finish(self.bundle.gzipped)
        else:
            self.finish(self.bundle.body)


def static_version(paths: list[str]) -> str:
    """A short hash of Voilà's version and of the name, size and time of every static file."""
    digest = hashlib.sha256(voila_version.encode())
    for root in paths:
        for folder, _dirs, files in sorted(os.walk(root)):
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                rel = os.path.relpath(path, root)
                digest.update(f"{rel}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class TalkkitVoila(Voila):
    """Voilà serving a kits folder, with the gallery at ``/`` instead of a bare file list,
    and its JavaScript cached for good (see the module doc)."""

    name = "talkkit-voila"

    def init_settings(self) -> dict:
        # Before Voilà's settings: the preheated kernels' page config is made with this hook.
        self.static_version = static_version(self.static_paths)
        versioned = f"voila/static/v/{self.static_version}"
        self.chunk_bundle = None
        if not os.environ.get("TALKKIT_NO_CHUNK_BUNDLE"):
            self.chunk_bundle = build_bundle(
                self.static_paths, labextension_paths=self.labextensions_path
            )
        previous = self.voila_configuration.page_config_hook
        bundle = self.chunk_bundle

        def page_config_hook(page_config: dict, **kwargs: Any) -> dict:
            if previous is not None:
                page_config = previous(page_config, **kwargs)
            page_config["fullStaticUrl"] = url_path_join(kwargs["base_url"], versioned)
            if bundle is not None:  # the talkkit template loads it before voila.js
                page_config["talkkitChunks"] = bundle.name
            return page_config

        self.voila_configuration.page_config_hook = page_config_hook
        cache_compiled_templates()
        settings = super().init_settings()
        tune_preheat(self.kernel_manager)
        return settings

    def init_handlers(self) -> list:
        handlers = []
        roots = list(self.static_paths)
        for handler in super().init_handlers():
            if handler[1] is FileFindHandler and "/voila/labextensions/" in handler[0]:
                handler = (handler[0], HashedAssetHandler, *handler[2:])
                paths = handler[2].get("path", []) if len(handler) > 2 else []
                roots += [paths] if isinstance(paths, str) else list(paths)
            elif handler[1] is TemplateStaticFileHandler:
                handler = (handler[0], TemplateAssetHandler, *handler[2:])
                roots += template_static_roots(self.voila_configuration.template)
            handlers.append(handler)
        # zlib lets go of the GIL while it compresses: this thread costs the server's loop little
        threading.Thread(target=precompress, args=(roots,), name="precompress", daemon=True).start()
        base = self.server_url.rstrip("/")
        gallery = (
            GalleryHandler,
            {
                "root": Path(self.root_dir),
                "render_prefix": "voila/render/",
                "files_prefix": "voila/files/",
            },
        )
        static = (
            rf"{base}/voila/static/v/{self.static_version}/(.*)",
            VersionedStaticHandler,
            {"paths": self.static_paths, "default_filename": "index.html"},
        )
        bundle = []
        if self.chunk_bundle is not None:
            bundle = [
                (
                    rf"{base}/voila/static/v/{self.static_version}/(talkkit-chunks\.[0-9a-f]+\.js)",
                    ChunkBundleHandler,
                    {"bundle": self.chunk_bundle},
                )
            ]
        return [(rf"{base}/", *gallery), (rf"{base}/gallery", *gallery), *bundle, static, *handlers]


def serve_config(
    *,
    port: int = 8866,
    ip: str = "127.0.0.1",
    max_kernels: int = 80,
    cull_idle_seconds: int = 900,
    preheat: int = 0,
    preheat_notebooks: list[str] | None = None,
) -> Config:
    """The Voilà configuration ``talkkit serve`` uses (one place, documented above).

    ``preheat``: kernels kept ready per notebook; ``preheat_notebooks``: only for these notebooks
    (paths relative to the kits folder, e.g. ``tidlig-opsporing/kit.ipynb``), not for every kit
    in the folder (7 kits x 30 kernels would not fit ``max_kernels``).
    """
    c = Config()
    c.Voila.port = port
    c.Voila.ip = ip
    c.Voila.port_retries = 0  # fail loudly instead of silently moving to another port
    c.Voila.open_browser = False
    c.Voila.tornado_settings = {
        "headers": {
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
    }
    c.VoilaConfiguration.template = "talkkit"
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.file_allowlist = MEDIA_ALLOWLIST
    c.VoilaConfiguration.multi_kernel_manager_class = "talkkit.server.BoundedKernelManager"
    c.VoilaConfiguration.kernel_spec_manager_class = "talkkit.server.KitKernelSpecManager"
    # Only the Cookie header reaches a kernel (as HTTP_COOKIE): the kit page's session cookie
    # lets it open the group's session before the page asks (talkkit/request.py).
    c.VoilaConfiguration.http_header_envs = ["Cookie"]
    # Skip JupyterLab-only front-end extensions (the Voilà preview button, pygments themes):
    # less JavaScript per page, and none built against another JupyterLab than Voilà's.
    c.VoilaConfiguration.extension_denylist = LAB_ONLY_EXTENSIONS
    if preheat:
        c.VoilaConfiguration.preheat_kernel = True
        c.VoilaConfiguration.default_pool_size = preheat
        if preheat_notebooks:
            pools: dict[str, dict[str, int]] = {"default": {"pool_size": 0}}
            pools.update({nb: {"pool_size": preheat} for nb in preheat_notebooks})
            c.VoilaKernelManager.kernel_pools_config = pools
    c.BoundedKernelManager.max_kernels = max_kernels
    c.MappingKernelManager.cull_idle_timeout = cull_idle_seconds
    c.MappingKernelManager.cull_interval = max(1, min(60, cull_idle_seconds // 2))
    c.MappingKernelManager.cull_connected = False
    c.KernelManager.transport = "ipc"
    c.VoilaExecutor.iopub_timeout = RENDER_OUTPUT_TIMEOUT
    return c


def serve(root: Path | None = None, **options: Any) -> None:
    """Start standalone Voilà on the kits folder (blocks until stopped)."""
    use_talkkit_template()
    root = Path(root or kits_dir()).resolve()
    app = TalkkitVoila(config=serve_config(**options))
    app.initialize([str(root)])
    app.start()


# --- Jupyter server extension (Binder, JupyterLab) ------------------------------------------


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "talkkit.server"}]


class ServerGalleryHandler(GalleryHandler, JupyterHandler):
    """The gallery inside a Jupyter server: behind the server's login, like Voilà's pages.

    Binder opens the launch address with the server's token in the query (``?token=``); an
    authenticated handler turns it into the login cookie that the kit pages linked from the
    gallery need (a plain handler left the token unused: a kit opened from the gallery showed
    the server's login page).
    """

    @web.authenticated
    def get(self) -> None:
        super().get()


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Add the gallery at ``<base>/talkkit/`` linking to Voilà's server-extension pages."""
    use_talkkit_template()
    web_app = serverapp.web_app
    base = web_app.settings["base_url"].rstrip("/")
    root = Path(serverapp.root_dir).resolve()
    kits = kits_dir()
    prefix = (
        os.path.relpath(kits, root).replace(os.sep, "/") if kits.is_relative_to(root) else "kits"
    )
    web_app.add_handlers(
        ".*$",
        [
            (
                rf"{base}/talkkit/?",
                ServerGalleryHandler,
                {
                    "root": kits,
                    "render_prefix": f"{base}/voila/render/{prefix}/",
                    "files_prefix": f"{base}/voila/files/{prefix}/",
                },
            )
        ],
    )
    serverapp.log.info("talkkit gallery at %s/talkkit/", base)
