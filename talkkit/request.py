"""What a kit page's kernel knows about the request that opened it.

Voilà hands a kernel the page's address in its environment (``VOILA_REQUEST_URL`` and
``QUERY_STRING``; with preheated kernels only after ``voila.utils.wait_for_request()``). The
address is typed or clicked by anyone, so every value is parsed defensively: an unknown language
falls back, flags accept only a few spellings, codes and ids must match a strict pattern.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from talkkit.i18n import normalise_language

__all__ = ["RequestContext", "from_environment", "parse_request"]

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{4,64}$")
_TRUE = {"1", "true", "yes", "ja", "on"}


@dataclass(frozen=True)
class RequestContext:
    language: str | None  # None: the address did not ask for one
    facilitator: bool
    event_code: str | None
    session_id: str | None
    media_base: str  # URL path prefix under which the kit folder's files are served
    theme: str | None


def _token(values: dict[str, list[str]], name: str) -> str | None:
    value = (values.get(name) or [""])[0].strip()
    return value if _TOKEN.match(value) else None


def parse_request(url: str | None, query: str | None = None) -> RequestContext:
    """Parse the page address (``/voila/render/<kit>/kit.ipynb?lang=sv&facilitator=1``)."""
    parts = urlsplit(url or "")
    values = parse_qs(query if query is not None else parts.query, max_num_fields=20)
    lang_raw = (values.get("lang") or [None])[0]
    language = normalise_language(lang_raw, default="") or None if lang_raw else None
    path = parts.path or ""
    media_base = ""
    if "/voila/render/" in path:
        folder = path.rsplit("/", 1)[0] + "/"
        media_base = folder.replace("/voila/render/", "/voila/files/", 1)
    theme = (values.get("theme") or [""])[0]
    return RequestContext(
        language=language,
        facilitator=(values.get("facilitator") or [""])[0].strip().lower() in _TRUE,
        event_code=_token(values, "event"),
        session_id=_token(values, "session"),
        media_base=media_base,
        theme=theme if theme in ("dark", "light") else None,
    )


def from_environment() -> RequestContext:
    """The request of this kernel's page, from Voilà's environment variables.

    A kernel started for the page gets ``VOILA_REQUEST_URL``; a preheated kernel (after
    ``voila.utils.wait_for_request()``) gets only the page's path as ``SCRIPT_NAME``.
    """
    url = os.environ.get("VOILA_REQUEST_URL") or os.environ.get("SCRIPT_NAME")
    return parse_request(url, os.environ.get("QUERY_STRING"))
