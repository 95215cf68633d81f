"""Voilà's file handler (``/voila/files/``), swapped for one that serves only files whose real
path is inside the kit folder they are asked from and whose real name is allowed.

Targets voila 0.5.13 (pinned): ``voila.static_file_handler.AllowListFileHandler`` at
``/voila/files/(.*)`` in the list ``voila.app.Voila.init_handlers`` returns, which checks the
allow list against the *requested* path only.

Upstream behaviour worked around (no upstream issue filed): a link ``poster.png ->
kit.yaml`` (or to the notebook, or to another kit's folder) has an allowed name, and tornado's
``StaticFileHandler`` only checks that the link's target is inside the served root, so the
YAML or notebook is sent. :class:`KitFileHandler` also resolves the link and checks the target.

No documented hook: Voilà's handlers are not configurable, so the list is rewritten; when the
handler is not where expected, Voilà's is left (links are then followed) and the log says so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from tornado import web
from voila.static_file_handler import AllowListFileHandler

from talkkit.upstream._target import Target

__all__ = ["TARGET", "KitFileHandler", "real_file_allowed", "swap_file_handler"]

TARGET = Target(
    patch="kit_files",
    distribution="voila",
    tested=("0.5.13",),
    issue="none filed: /voila/files/ follows a link with an allowed name to any file in the root",
)

FILES_URL = "/voila/files/"


def real_file_allowed(root: str, path: str, allowlist: Sequence[str]) -> bool:
    """Whether ``path`` (absolute, under ``root``) really is a file inside the kit folder it
    is asked from (the first folder under ``root``; ``root`` for a top-level file) whose real
    name matches ``allowlist``."""
    root_abs = os.path.abspath(root)
    rel = os.path.relpath(os.path.abspath(path), root_abs)
    if rel.startswith(os.pardir):
        return False
    parts = rel.split(os.sep)
    folder = os.path.realpath(os.path.join(root_abs, parts[0]) if len(parts) > 1 else root_abs)
    real = os.path.realpath(path)
    if os.path.commonpath([folder, real]) != folder or real == folder:
        return False
    name = os.path.basename(real)
    return os.path.isfile(real) and any(re.fullmatch(p, name, re.IGNORECASE) for p in allowlist)


class KitFileHandler(AllowListFileHandler):  # type: ignore[misc]  # voila ships no types
    """Voilà's allow-listed file handler, checking where a link really leads (module doc)."""

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        checked: str | None = super().validate_absolute_path(root, absolute_path)
        if checked is not None and not real_file_allowed(root, checked, self.allowlist):
            raise web.HTTPError(403, "File not allowlisted")
        return checked


def swap_file_handler(handlers: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Voilà's ``handlers`` with its ``/voila/files/`` handler swapped for :class:`KitFileHandler`."""
    swapped = []
    found = False
    for handler in handlers:
        if handler[1] is AllowListFileHandler and FILES_URL in handler[0]:
            handler = (handler[0], KitFileHandler, *handler[2:])
            found = True
        swapped.append(handler)
    if found:
        TARGET.untested()
    else:
        TARGET.missing(
            f"AllowListFileHandler at {FILES_URL}",
            "Voilà's own handler serves kit files (a link with an allowed name is followed)",
        )
    return swapped
