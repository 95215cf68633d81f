"""Serving the kits: standalone Voilà with a gallery and safe defaults (``talkkit serve``).

Safe by default (see ``docs/stack-notes.md`` for why each is needed):

- tracebacks hidden and sources stripped (Voilà's defaults, set explicitly);
- only the media types kits need are served as static files, by extension, and no page may
  request anything from another host (:mod:`talkkit.page.policy`); the ``talkkit`` page template
  drops the CDN links of Voilà's ``lab`` template;
- the store and exports live in the data folder outside the served kits folder;
- idle kernels are culled, the number of kernels is bounded under any burst, a kernel whose
  page never connects ends after a minute, and anonymous page loads cannot take every slot
  (:class:`talkkit.page.kernels.BoundedKernelManager`);
- kit files are served only when their real path is inside their kit folder
  (:mod:`talkkit.upstream.kit_files`), and every response carries the policy headers;
- ``KernelManager.transport=ipc`` avoids the ZMQ port race of many simultaneous kernel starts.

Fast on a second visit and under a burst (measured with ``talkkit-bench``, ``bench/JOURNAL.md``):
The page's first screen (title, agenda, the current step's prompts and answer fields) is in its
first bytes, before the kernel has started, and takes typing at once
(:mod:`talkkit.page.first_screen`, :mod:`talkkit.upstream.first_screen`). Voilà's files are
served under a versioned address and cached for good, the extensions' hashed
files too, text files are gzipped once (:mod:`talkkit.page.static`), Voilà's chunks come in one
file, templates are compiled once, and a preheated kernel pool refills gently. Each of those
reaches into a private part of Voilà or jupyter_server and lives in :mod:`talkkit.upstream`, with
the version it targets and a log line when it does not apply.

The same gallery and settings as a Jupyter server extension (Binder): :mod:`talkkit.page.extension`.
"""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from traitlets import Bool, Unicode
from traitlets.config import Config
from voila.app import Voila

from talkkit.page.gallery import GalleryHandler
from talkkit.page.policy import (
    LAB_ONLY_EXTENSIONS,
    MEDIA_ALLOWLIST,
    SECURITY_HEADERS,
    PolicyTransform,
)
from talkkit.page.routing import server_cookie
from talkkit.page.static import ChunkBundleHandler, precompress
from talkkit.paths import PACKAGE_DIR, kits_dir
from talkkit.upstream import boot_gate, cdn_links, page_unload, widget_manager
from talkkit.upstream.chunk_bundle import build_bundle
from talkkit.upstream.first_screen import swap_page_handler
from talkkit.upstream.kernel_pool import tune_preheat
from talkkit.upstream.kit_files import swap_file_handler
from talkkit.upstream.static_handlers import VersionedStaticHandler, swap_handlers
from talkkit.upstream.static_url import static_version, versioned_page_config
from talkkit.upstream.template_cache import cache_compiled_templates

__all__ = ["TEMPLATE_ROOT", "TalkkitVoila", "serve", "serve_config", "use_talkkit_template"]

TEMPLATE_ROOT = PACKAGE_DIR / "share" / "jupyter"

#: Seconds Voilà's executor waits, after a cell's reply, for the rest of the cell's output.
#: nbclient's default is 4 s, and past it the output is dropped without an error. When many
#: groups open a kit at once the server handles a kernel's messages seconds late: with 60
#: groups on 2 cores (``talkkit-bench``) the kit's output (the whole page) came later than
#: 4 s and pages stayed blank for good. A page that shows late is better than a blank one.
RENDER_OUTPUT_TIMEOUT = 60


def use_talkkit_template() -> None:
    """Make the ``talkkit`` Voilà template findable (Jupyter looks in ``$JUPYTER_PATH``)."""
    current = os.environ.get("JUPYTER_PATH", "")
    parts = [p for p in current.split(os.pathsep) if p]
    if str(TEMPLATE_ROOT) not in parts:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(TEMPLATE_ROOT), *parts])


def check_page_template() -> None:
    """Check, once at start, what the talkkit page template relies on in Voilà's (each check
    logs one line when it does not hold; the pages still render)."""
    cdn_links.check()
    widget_manager.check()
    page_unload.check()
    boot_gate.check()


class TalkkitVoila(Voila):  # type: ignore[misc]  # voila ships no types
    """Voilà serving a kits folder, with the gallery at ``/`` instead of a bare file list,
    and its JavaScript cached for good (see the module doc)."""

    name = "talkkit-voila"

    server_id = Unicode(
        "",
        config=True,
        help="This server's name among the servers of one seminar (``talkkit serve "
        "--server-id``): reported by /talkkit/health and set as the ``talkkit_srv`` cookie, "
        "which the front (nginx) uses to send a group back to the server holding its kernel.",
    )

    fork_kernels = Bool(
        True,
        config=True,
        help="Fork kit kernels from a process that has imported what they import "
        "(talkkit.page.fork_server): a kernel starts in a fraction of the CPU time.",
    )

    def init_settings(self) -> dict[str, Any]:
        if self.fork_kernels:  # before any kernel (the preheated pool's) starts
            from talkkit.page import fork_server

            if fork_server.start() is not None:
                atexit.register(fork_server.stop)
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

        def page_config_hook(page_config: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            if previous is not None:
                page_config = previous(page_config, **kwargs)
            # the talkkit template loads the bundle before voila.js, from Voilà's versioned
            # address (where ChunkBundleHandler serves it)
            if versioned_page_config(page_config, kwargs["base_url"], versioned) and bundle:
                page_config["talkkitChunks"] = url_path_join(
                    kwargs["base_url"], versioned, bundle.name
                )
            tag = boot_gate.voila_js_tag(page_config)
            if tag:
                page_config[boot_gate.PAGE_CONFIG_KEY] = tag
            return page_config

        self.voila_configuration.page_config_hook = page_config_hook
        cache_compiled_templates()
        if self.voila_configuration.template == "talkkit":
            check_page_template()
        settings: dict[str, Any] = super().init_settings()
        tune_preheat(self.kernel_manager, self.voila_configuration.preheat_kernel)
        return settings

    def init_handlers(self) -> list[Any]:
        template = self.voila_configuration.template
        # Voilà makes its tornado Application before it asks for the handlers: the policy
        # headers go on every response it will send (tornado's documented add_transform)
        self.app.add_transform(PolicyTransform)
        handlers, roots = swap_handlers(super().init_handlers(), template)
        handlers = swap_file_handler(handlers)
        if template == "talkkit":
            # the request's first screen, streamed before its kernel has started (issue 20)
            handlers = swap_page_handler(handlers)
        roots = [*self.static_paths, *roots]
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
        from talkkit.page.health import HealthHandler
        from talkkit.store import default_url

        health = (
            rf"{base}/talkkit/health",
            HealthHandler,
            {
                "server_id": self.server_id,
                "kernel_manager": self.kernel_manager,
                "store_url": default_url(),
            },
        )
        from talkkit.page.series_page import handlers as series_handlers

        return [
            (rf"{base}/", *gallery),
            (rf"{base}/gallery", *gallery),
            health,
            *series_handlers(base, default_url()),
            *bundle,
            static,
            *handlers,
        ]


def serve_config(
    *,
    port: int = 8866,
    ip: str = "127.0.0.1",
    max_kernels: int = 80,
    cull_idle_seconds: int = 900,
    connect_timeout: float = 60.0,
    preheat: int = 0,
    preheat_notebooks: list[str] | None = None,
    server_id: str = "",
    fork_kernels: bool = True,
) -> Config:
    """The Voilà configuration ``talkkit serve`` uses (one place, documented above).

    ``preheat``: kernels kept ready per notebook; ``preheat_notebooks``: only for these notebooks
    (paths relative to the kits folder, e.g. ``tidlig-opsporing/kit.ipynb``), not for every kit
    in the folder (7 kits x 30 kernels would not fit ``max_kernels``). ``server_id``: this
    server's name among a seminar's servers: every response then sets the ``talkkit_srv``
    cookie to it (:mod:`talkkit.page.routing`), so the front sends the group's next requests
    (its kernel's websocket above all) back here.
    """
    c = Config()
    c.TalkkitVoila.fork_kernels = fork_kernels
    c.Voila.port = port
    c.Voila.ip = ip
    c.Voila.port_retries = 0  # fail loudly instead of silently moving to another port
    c.Voila.open_browser = False
    c.Voila.tornado_settings = {"headers": dict(SECURITY_HEADERS)}
    if server_id:
        c.TalkkitVoila.server_id = server_id
        c.Voila.tornado_settings["headers"]["Set-Cookie"] = server_cookie(server_id)
    c.VoilaConfiguration.template = "talkkit"
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.file_allowlist = MEDIA_ALLOWLIST
    c.VoilaConfiguration.multi_kernel_manager_class = "talkkit.page.kernels.BoundedKernelManager"
    c.VoilaConfiguration.kernel_spec_manager_class = "talkkit.page.kernels.KitKernelSpecManager"
    # Only the Cookie header reaches a kernel (as HTTP_COOKIE): the kit page's session cookie
    # lets it open the group's session before the page asks (talkkit/page/request.py).
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
    c.BoundedKernelManager.connect_timeout = connect_timeout
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
