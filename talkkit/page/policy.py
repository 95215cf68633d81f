"""What a kit page may load and which files the server hands out (one place for both).

Safe by default (see ``docs/stack-notes.md`` for why each is needed): only the media
types kits need are served as static files, by extension (and only files really inside a kit
folder: :mod:`talkkit.upstream.kit_files`), and a Content-Security-Policy keeps pages from requesting
anything from another host and other sites from framing them, on every response
(:class:`PolicyTransform`).
"""

from __future__ import annotations

import secrets

from tornado.httputil import HTTPHeaders, HTTPServerRequest
from tornado.web import OutputTransform

__all__ = [
    "CLIENT_COOKIE",
    "CONTENT_SECURITY_POLICY",
    "LAB_ONLY_EXTENSIONS",
    "MEDIA_ALLOWLIST",
    "SECURITY_HEADERS",
    "PolicyTransform",
    "client_id",
    "new_client_cookie",
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
        # 'self' covers websockets to this host (chromium, firefox); a bare ws: would allow any
        # host. jupyter-vue loads Vue templates from blob URLs.
        "connect-src 'self' blob:",
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",  # no other site may frame a kit page or the board
    ]
)

#: Headers of every page and file the server sends.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",  # frame-ancestors for browsers that predate it
}

#: The cookie that tells one browser from another for the kernel bound
#: (:mod:`talkkit.page.kernels`): random, per browser session, nothing else in it.
CLIENT_COOKIE = "talkkit_client"
#: Seconds after which a "too many open kits" page reloads itself.
RETRY_SECONDS = 5


def client_id(cookie_header: str | None) -> str | None:
    """The browser's :data:`CLIENT_COOKIE` from a ``Cookie`` header (None: anonymous)."""
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == CLIENT_COOKIE and 16 <= len(value) <= 64 and value.isascii():
            return value
    return None


def new_client_cookie() -> str:
    """A ``Set-Cookie`` value with a fresh :data:`CLIENT_COOKIE`."""
    return f"{CLIENT_COOKIE}={secrets.token_urlsafe(24)}; Path=/; HttpOnly; SameSite=Lax"


class PolicyTransform(OutputTransform):
    """Puts :data:`SECURITY_HEADERS` on every response the server sends, whichever handler made
    it (Voilà's pages, tornado's static files, the gallery, errors), through tornado's
    documented ``Application.add_transform``. An HTML response to a browser without a
    :data:`CLIENT_COOKIE` sets one; a 503 page reloads itself after :data:`RETRY_SECONDS`."""

    def __init__(self, request: HTTPServerRequest) -> None:
        self._request = request

    def transform_first_chunk(
        self, status_code: int, headers: HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, HTTPHeaders, bytes]:
        for name, value in SECURITY_HEADERS.items():
            headers[name] = value
        html = headers.get("Content-Type", "").startswith("text/html")
        set_already = any(c.startswith(f"{CLIENT_COOKIE}=") for c in headers.get_list("Set-Cookie"))
        if html and not set_already and client_id(self._request.headers.get("Cookie")) is None:
            headers.add("Set-Cookie", new_client_cookie())
        if html and status_code == 503:
            headers["Refresh"] = str(RETRY_SECONDS)
            headers["Retry-After"] = str(RETRY_SECONDS)
        return status_code, headers, chunk


#: JupyterLab front-end extensions a kit page does not need.
LAB_ONLY_EXTENSIONS = ["@voila-dashboards/jupyterlab-preview", "jupyterlab_pygments"]
