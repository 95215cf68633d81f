"""Voilà's static file handlers, swapped (by class and address) for ones that gzip once and
let browsers keep content-hashed files for good.

Targets voila 0.5.13 (pinned): the handler list ``voila.app.Voila.init_handlers`` returns, with
``jupyter_server.base.handlers.FileFindHandler`` at ``/voila/labextensions/`` and
``voila.static_file_handler.TemplateStaticFileHandler`` (its ``roots`` attribute and
``parse_url_path``/``get_absolute_path`` contract) and ``MultiStaticFileHandler``.

Upstream behaviour worked around (no upstream issue filed; measured in ``talkkit-bench``):
Voilà serves the front-end extensions' content-hashed chunks with ``no_cache_paths=["/"]``, so
every page load revalidates them one by one; it sends its template's 600 kB of style sheets and
scripts uncompressed; and it walks the Jupyter data folders again for every template file
(a bad template address fails with a 500).

No documented hook: Voilà's handlers are not configurable (``tornado_settings`` sets headers,
not handler classes), so the list is rewritten. A handler that is not found where expected is
left as Voilà made it (the page works, only slower) and the log says so.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any

from jupyter_server.base.handlers import FileFindHandler
from tornado import web
from voila.paths import collect_static_paths
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

from talkkit.page.static import HASHED_NAME, IMMUTABLE, PrecompressedMixin
from talkkit.upstream._target import Target

__all__ = [
    "TARGET",
    "HashedAssetHandler",
    "TemplateAssetHandler",
    "VersionedStaticHandler",
    "swap_handlers",
    "template_static_roots",
]

TARGET = Target(
    patch="static_handlers",
    distribution="voila",
    tested=("0.5.13",),
    issue="none filed: hashed extension chunks served no-cache, template files uncompressed",
)

#: Where Voilà serves the front-end extensions (``FileFindHandler``).
LABEXTENSIONS_URL = "/voila/labextensions/"


class HashedAssetHandler(PrecompressedMixin, FileFindHandler):
    """Voilà's ``/voila/labextensions/`` handler, with files named by their content hash
    cached for good (the others, e.g. ``package.json``, are still revalidated)."""

    def set_headers(self) -> None:
        super().set_headers()
        if HASHED_NAME.search(self.request.path.rsplit("/", 1)[-1]):
            self.set_header("Cache-Control", IMMUTABLE)


class VersionedStaticHandler(PrecompressedMixin, MultiStaticFileHandler):  # type: ignore[misc]  # voila ships no types
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


class TemplateAssetHandler(PrecompressedMixin, TemplateStaticFileHandler):  # type: ignore[misc]  # voila ships no types
    """Voilà's ``/voila/templates/<template>/static/`` files, gzipped like the others.

    Their addresses carry their content's hash (``?v=``), so tornado already lets browsers keep
    them for good. An address outside a template's ``static`` folder is a 404 (Voilà's own
    handler fails it with a 500).
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


def swap_handlers(
    handlers: Sequence[tuple[Any, ...]], template: str
) -> tuple[list[tuple[Any, ...]], list[str]]:
    """Voilà's ``handlers`` with its extension and template file handlers swapped for ours.

    Also the folders those handlers serve (to compress their files ahead, see
    :func:`talkkit.page.static.precompress`).
    """
    swapped: list[tuple[Any, ...]] = []
    roots: list[str] = []
    found = {"labextensions": False, "template": False}
    for handler in handlers:
        if handler[1] is FileFindHandler and LABEXTENSIONS_URL in handler[0]:
            handler = (handler[0], HashedAssetHandler, *handler[2:])
            paths: Any = handler[2].get("path", []) if len(handler) > 2 else []
            roots += [paths] if isinstance(paths, str) else list(paths)
            found["labextensions"] = True
        elif handler[1] is TemplateStaticFileHandler:
            handler = (handler[0], TemplateAssetHandler, *handler[2:])
            roots += template_static_roots(template)
            found["template"] = True
        swapped.append(handler)
    if not found["labextensions"]:
        TARGET.missing(
            f"FileFindHandler at {LABEXTENSIONS_URL}",
            "Voilà's own handler serves the extensions (revalidated on every page load)",
        )
    if not found["template"]:
        TARGET.missing(
            "TemplateStaticFileHandler in Voila.init_handlers",
            "Voilà's own handler serves the template's files (uncompressed)",
        )
    if all(found.values()):
        TARGET.untested()
    return swapped, roots
