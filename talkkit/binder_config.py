"""Write the Jupyter server configuration talkkit needs when Voilà runs as a server extension
(Binder, JupyterLab): the gallery extension and the same safe Voilà settings as ``talkkit serve``.

Run as ``python -m talkkit.binder_config [CONFIG_DIR]``; the default is
``<sys.prefix>/etc/jupyter``. It writes ``jupyter_server_config.d/talkkit.json`` (extensions,
kernel culling) and ``voila.json`` (Voilà reads its settings from there as a server extension).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from talkkit.server import serve_config


def server_extension_config() -> tuple[dict, dict]:
    """(server config, Voilà config) for Voilà running as a Jupyter server extension."""
    c = serve_config()
    # The server's own kernel manager is used in this mode, not Voilà's.
    skip = ("preheat_kernel", "default_pool_size", "multi_kernel_manager_class")
    voila = {k: v for k, v in c.VoilaConfiguration.items() if k not in skip}
    server = {
        "ServerApp": {"jpserver_extensions": {"talkkit.server": True, "voila": True}},
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
