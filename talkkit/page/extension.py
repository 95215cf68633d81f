"""talkkit as a Jupyter server extension (Binder, JupyterLab): the gallery under
``<base>/talkkit/`` beside Voilà's own server extension, and the configuration that sets both up.

``talkkit binder config [CONFIG_DIR]`` (what ``binder/postBuild`` runs; the same as
``python -m talkkit.page.extension``; the default is
``<sys.prefix>/etc/jupyter``) writes ``jupyter_server_config.d/talkkit.json`` (extensions,
kernel culling) and ``voila.json`` (Voilà reads its settings from there as a server extension):
the same safe Voilà settings as ``talkkit serve`` (:func:`talkkit.page.app.serve_config`).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from talkkit.page.app import serve_config, use_talkkit_template
from talkkit.page.gallery import GalleryHandler
from talkkit.paths import kits_dir

__all__ = ["main", "server_extension_config"]

#: This module's name, as ``jpserver_extensions`` names it.
EXTENSION = "talkkit.page.extension"


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": EXTENSION}]


class ServerGalleryHandler(GalleryHandler, JupyterHandler):
    """The gallery inside a Jupyter server: behind the server's login, like Voilà's pages.

    Binder opens the launch address with the server's token in the query (``?token=``); an
    authenticated handler turns it into the login cookie that the kit pages linked from the
    gallery need (a plain handler left the token unused: a kit opened from the gallery showed
    the server's login page; ``tests/test_binder_build.py``).
    """

    @web.authenticated
    def get(self) -> None:  # type: ignore[override]  # tornado types authenticated's wrapper (...) -> Awaitable | None; it returns get's None
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


def server_extension_config() -> tuple[dict[str, Any], dict[str, Any]]:
    """(server config, Voilà config) for Voilà running as a Jupyter server extension."""
    c = serve_config()
    # The server's own kernel manager is used in this mode, not Voilà's.
    skip = ("preheat_kernel", "default_pool_size", "multi_kernel_manager_class")
    voila = {k: v for k, v in c.VoilaConfiguration.items() if k not in skip}
    server = {
        "ServerApp": {"jpserver_extensions": {EXTENSION: True, "voila": True}},
        "MappingKernelManager": dict(c.MappingKernelManager.items()),
        "VoilaExecutor": dict(c.VoilaExecutor.items()),
    }
    return server, {"VoilaConfiguration": voila}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(sys.prefix) / "etc" / "jupyter"
    server, voila = server_extension_config()
    for path, data in (
        (target / "jupyter_server_config.d" / "talkkit.json", server),
        (target / "voila.json", voila),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
