"""What a kit page may load and which files the server hands out (one place for both).

Safe by default (see ``docs/stack-notes.md`` for why each is needed): only the media
types kits need are served as static files, by extension, and a Content-Security-Policy keeps
pages from requesting anything from another host.
"""

from __future__ import annotations

__all__ = ["CONTENT_SECURITY_POLICY", "LAB_ONLY_EXTENSIONS", "MEDIA_ALLOWLIST", "SECURITY_HEADERS"]

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

#: Headers of every page and file the server sends.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

#: JupyterLab front-end extensions a kit page does not need.
LAB_ONLY_EXTENSIONS = ["@voila-dashboards/jupyterlab-preview", "jupyterlab_pygments"]
