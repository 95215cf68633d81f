"""Preheated kernels: wait for the page request that takes this kernel.

With ``talkkit serve --preheat N`` Voilà starts kernels and runs a kit's notebook before anyone
asks for the page. The notebook does its heavy work first, then calls :func:`wait_for_request`,
which blocks until Voilà hands the kernel to a page and sends that page's address (``SCRIPT_NAME``,
``QUERY_STRING``, ...), and puts it into ``os.environ`` where :mod:`talkkit.request` reads it.

Voilà has the same helper (``voila.utils.wait_for_request``), but importing ``voila.utils``
imports Voilà's server side (jupyter_server, jupyterlab_server, nbconvert): about 50 MB more in
every kernel, measured with ``talkkit bench`` (``bench/README.md``). This one speaks the same
small protocol (one websocket message of JSON at ``<server>/voila/query/<kernel id>``) with the
``websockets`` package's synchronous client, which Voilà already depends on: about 1.5 MB.
"""

from __future__ import annotations

import json
import logging
import os

__all__ = ["is_preheated", "query_url", "wait_for_request"]

log = logging.getLogger("talkkit.preheat")

#: Seconds to wait for the websocket to open (Voilà's own helper waits 5 s).
OPEN_TIMEOUT = 5.0
#: Environment variables a request may set: the names Voilà sends, nothing else.
REQUEST_VARIABLES = frozenset(
    {
        "SERVER_NAME",
        "SERVER_PORT",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "SERVER_SOFTWARE",
        "SERVER_PROTOCOL",
        "VOILA_REQUEST_URL",
        "HTTP_COOKIE",  # the one header talkkit serve passes (http_header_envs)
    }
)


def is_preheated() -> bool:
    """Whether this kernel was started by Voilà ahead of a request (``VOILA_PREHEAT``)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def query_url(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The address Voilà answers this kernel's request on (as ``voila.utils`` builds it)."""
    env = os.environ if environ is None else environ
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    ip = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def wait_for_request(url: str | None = None) -> bool:
    """Block until a page takes this preheated kernel; put its request into ``os.environ``.

    Returns ``True`` once the request arrived, ``False`` when the kernel is not preheated or
    Voilà could not be reached (the page then renders with the notebook's parameters).
    """
    if not is_preheated():
        return False
    from websockets.sync.client import connect  # light: no asyncio loop, no thread

    address = url or query_url()
    try:
        with connect(address, open_timeout=OPEN_TIMEOUT, max_size=2**16) as websocket:
            message = websocket.recv()
    except (OSError, TimeoutError) as exc:
        log.warning("no request from %s: %s", address, exc)
        return False
    except Exception as exc:  # a closed or refused websocket: render with the defaults
        log.warning("no request from %s: %s", address, exc)
        return False
    try:
        info = json.loads(message)
    except (TypeError, ValueError):
        log.warning("request from %s is not JSON", address)
        return False
    if not isinstance(info, dict):
        return False
    for key, value in info.items():
        if key in REQUEST_VARIABLES and isinstance(value, str):
            os.environ[key] = value
    return True
