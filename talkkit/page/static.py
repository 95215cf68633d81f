"""Static files of a kit page, sent fast: gzipped once and kept in memory, cached for good
where their address changes with their content.

A kit page's first visit fetches about 110 JavaScript files, several MB: gzip cuts the bytes a
room of groups pulls over a building's network to roughly a quarter, and compressing each file
once (not per response, as tornado's ``compress_response`` would) costs the server nothing per
page. :func:`precompress` does it at server start for every file a page may ask for.

Which of Voilà's handlers get these powers is decided in :mod:`talkkit.upstream.static_handlers`
(they are Voilà's classes, found by class and address); this module only uses tornado's
documented ``StaticFileHandler`` API.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from typing import TYPE_CHECKING, Any

from tornado import web

__all__ = [
    "HASHED_NAME",
    "IMMUTABLE",
    "ChunkBundleHandler",
    "PrecompressedMixin",
    "accepts_gzip",
    "gzipped_file",
    "precompress",
]

#: Cache-Control of a file whose address changes whenever its content does.
IMMUTABLE = "public, max-age=31536000, immutable"
#: A file name with a content hash (webpack chunks, ``remoteEntry.<hash>.js``, fonts).
HASHED_NAME = re.compile(r"(?:^|[.\-_])[0-9a-f]{16,}(?:\.[A-Za-z0-9]+)+$")

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
        compressed = gzip.compress(raw, compresslevel=6, mtime=0)
        body = compressed if len(compressed) < len(raw) else None
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


if TYPE_CHECKING:  # the mixin's methods are those of a StaticFileHandler it is mixed into
    _StaticBase = web.StaticFileHandler
else:
    _StaticBase = object


class PrecompressedMixin(_StaticBase):
    """A static file handler that sends text files gzipped, compressed once and kept in memory.

    Range requests and clients that do not accept gzip get the file as is.
    """

    _gzip_body: bytes | None = None

    def _gzipped(self) -> bytes | None:
        path = self.absolute_path  # set by tornado before headers are written
        request = self.request
        if path is None or not path.endswith(COMPRESSIBLE) or request.headers.get("Range"):
            return None
        if not accepts_gzip(request):
            return None
        return gzipped_file(path)

    def set_headers(self) -> None:
        self._gzip_body = self._gzipped()
        super().set_headers()
        if (self.absolute_path or "").endswith(COMPRESSIBLE):
            self.add_header("Vary", "Accept-Encoding")
        if self._gzip_body is not None:
            self.set_header("Content-Encoding", "gzip")

    def compute_etag(self) -> str | None:
        etag = super().compute_etag()
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
        return super().get_content_size()

    def get_content(  # type: ignore[override]  # tornado's is a classmethod; the gzipped body belongs to this response
        self, abspath: str, start: int | None = None, end: int | None = None
    ) -> Any:
        if self._gzip_body is not None:
            return self._gzip_body
        return super().get_content(abspath, start, end)


class ChunkBundleHandler(web.RequestHandler):
    """Voilà's and the extensions' chunks in one file
    (:mod:`talkkit.upstream.chunk_bundle`), from memory, cached for good."""

    def initialize(self, bundle: Any) -> None:
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
