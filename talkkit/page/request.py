"""What a kit page's kernel knows about the request that opened it.

Voilà hands a kernel the page's address in its environment (``VOILA_REQUEST_URL`` and
``QUERY_STRING``; with preheated kernels only after
:func:`talkkit.page.preheat.wait_for_request`). The address is typed or clicked by anyone, so
every value is parsed defensively: an unknown language falls back, flags accept only a few
spellings, codes and ids must match a strict pattern.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from talkkit.i18n import normalise_language

__all__ = ["RequestContext", "from_environment", "parse_request"]

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{4,64}$")
_TRUE = {"1", "true", "yes", "ja", "on"}
_KIT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class RequestContext:
    language: str | None  # None: the address did not ask for one
    facilitator: bool
    event_code: str | None
    session_id: str | None
    media_base: str  # URL path prefix under which the kit folder's files are served
    theme: str | None
    #: ``?followup=1``: start a follow-up of the address's session (issue 22), not resume it.
    followup: bool = False
    #: kit id -> the session this browser last used with that kit (its ``talkkit_session_<kit>``
    #: cookie, set by the kit page); lets the kernel open it before the page asks.
    browser_sessions: Mapping[str, str] = field(default_factory=dict)

    def browser_session(self, kit_id: str) -> str | None:
        return self.browser_sessions.get(kit_id)


def _token(values: dict[str, list[str]], name: str) -> str | None:
    value = (values.get(name) or [""])[0].strip()
    return value if _TOKEN.match(value) else None


#: Cookie name prefix of the session a browser last used with a kit (``widgets/page.vue``).
SESSION_COOKIE = "talkkit_session_"


def parse_cookies(header: str | None) -> dict[str, str]:
    """``kit id -> session id`` from a ``Cookie`` header; anything odd is left out."""
    found: dict[str, str] = {}
    for part in (header or "")[:8192].split(";")[:50]:
        name, _, value = part.strip().partition("=")
        if not name.startswith(SESSION_COOKIE):
            continue
        kit_id = name[len(SESSION_COOKIE) :]
        if _KIT_ID.match(kit_id) and _TOKEN.match(value):
            found[kit_id] = value
    return found


def parse_request(
    url: str | None, query: str | None = None, cookie: str | None = None
) -> RequestContext:
    """Parse the page address (``/voila/render/<kit>/kit.ipynb?lang=sv&facilitator=1``) and
    the kit session cookies of its ``Cookie`` header."""
    parts = urlsplit(url or "")
    values = parse_qs(query if query is not None else parts.query, max_num_fields=20)
    langs = values.get("lang")
    lang_raw = langs[0] if langs else None
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
        browser_sessions=parse_cookies(cookie),
        followup=(values.get("followup") or [""])[0].strip().lower() in _TRUE,
    )


def from_environment() -> RequestContext:
    """The request of this kernel's page, from Voilà's environment variables.

    A kernel started for the page gets ``VOILA_REQUEST_URL``; a preheated kernel (after
    :func:`talkkit.page.preheat.wait_for_request`) gets only the page's path as ``SCRIPT_NAME``.
    """
    url = os.environ.get("VOILA_REQUEST_URL") or os.environ.get("SCRIPT_NAME")
    return parse_request(url, os.environ.get("QUERY_STRING"), os.environ.get("HTTP_COOKIE"))
