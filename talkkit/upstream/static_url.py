"""Voilà's own JavaScript under a versioned address, so that browsers keep it for good.

Targets voila 0.5.13 (pinned): the ``fullStaticUrl`` key of the page config Voilà's front end
(``voila.js``) loads its chunks from (``voila.utils.get_page_config``).

Upstream behaviour worked around (no upstream issue filed; measured with ``talkkit-bench``):
Voilà serves its ~120 JavaScript chunks under ``/voila/static/`` with
``Cache-Control: no-cache``, so every page load revalidates them one by one. The page is told
to load them from ``/voila/static/v/<hash of the files>/`` instead, which
:class:`talkkit.upstream.static_handlers.VersionedStaticHandler` serves as immutable: a browser
that has them asks for them never again, and a changed file has another address.

Related upstream: voila-dashboards/voila#1484 (open) asks for versioned chunk addresses, for
stale chunks after an upgrade. Documented hook: Voilà's ``VoilaConfiguration.page_config_hook``
rewrites the page config; what is private is the key's name and meaning. When the page config
has no ``fullStaticUrl`` it is left as is (Voilà's files load from their usual, revalidated
address).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Any

from jupyter_server.utils import url_path_join
from voila import __version__ as voila_version

from talkkit.upstream._target import Target

__all__ = ["STATIC_URL_KEY", "TARGET", "static_version", "versioned_page_config"]

TARGET = Target(
    patch="static_url",
    distribution="voila",
    tested=("0.5.13",),
    issue="voila-dashboards/voila#1484 (cache handling; versioned static addresses asked for)",
)

#: The page config key Voilà's front end reads its static files' address from.
STATIC_URL_KEY = "fullStaticUrl"


def static_version(paths: Sequence[str]) -> str:
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


def versioned_page_config(page_config: dict[str, Any], base_url: str, versioned: str) -> bool:
    """Point ``page_config`` at Voilà's files under ``versioned`` (``voila/static/v/<hash>``).

    True when it did; the page config is left as is when it has no ``fullStaticUrl``.
    """
    if STATIC_URL_KEY not in page_config:
        return TARGET.missing(
            f"page config key {STATIC_URL_KEY}",
            "Voilà's files load from /voila/static/ (revalidated on every page load)",
        )
    TARGET.untested()
    page_config[STATIC_URL_KEY] = url_path_join(base_url, versioned)
    return True
