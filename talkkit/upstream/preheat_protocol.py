"""The small protocol by which a preheated kernel learns which page took it.

Targets voila 0.5.13 (pinned): ``voila.utils.wait_for_request`` and
``voila.request_info_handler.RequestInfoSocketHandler``. A preheated kernel has ``VOILA_PREHEAT``,
``VOILA_KERNEL_ID`` and the server's address (``VOILA_APP_IP``, ``VOILA_APP_PORT``,
``VOILA_WS_PROTOCOL``, ``VOILA_SERVER_URL``, ``VOILA_WS_BASE_URL``) in its environment, opens a
websocket at ``<server>/voila/query/<kernel id>`` and receives one JSON message: the request's
CGI-style variables (``SCRIPT_NAME``, ``QUERY_STRING``, ...).

Upstream behaviour worked around (no upstream issue filed; measured with ``talkkit-bench``):
``voila.utils`` is the documented helper, but importing it imports Voilà's server side
(jupyter_server, jupyterlab_server, nbconvert): about 50 MB more in every kernel. This module
speaks the same protocol with the ``websockets`` package's synchronous client (which Voilà
already depends on): about 1.5 MB. The documented helper (``voila.utils.wait_for_request``) is
not used for that reason, and the documented ``prelaunch_hook`` cannot be combined with
preheated kernels. This module imports nothing of Voilà, so it checks Voilà's version from its
metadata and the protocol's variables in the environment; when they are missing the page
renders with the notebook's parameters, as a page without a request would.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from talkkit.upstream._target import Target

__all__ = ["REQUEST_VARIABLES", "TARGET", "is_preheated", "query_url", "receive_request"]

TARGET = Target(
    patch="preheat_protocol",
    distribution="voila",
    tested=("0.5.13",),
    issue="none filed: voila.utils.wait_for_request imports Voilà's server side (~50 MB)",
)

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
#: What a preheated kernel's environment must hold to find its request.
KERNEL_VARIABLE = "VOILA_KERNEL_ID"


def is_preheated(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel was started by Voilà ahead of a request (``VOILA_PREHEAT``)."""
    env = os.environ if environ is None else environ
    return env.get("VOILA_PREHEAT", "False") != "False"


def query_url(environ: Mapping[str, str] | None = None) -> str:
    """The address Voilà answers this kernel's request on (as ``voila.utils`` builds it)."""
    env = os.environ if environ is None else environ
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    ip = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{env.get(KERNEL_VARIABLE, '')}"


def receive_request(url: str | None = None) -> dict[str, str] | None:
    """The request variables Voilà sends this preheated kernel (only those it may send), or
    None when none arrived (not reachable, closed, not JSON): then the page renders with the
    notebook's parameters.

    Raises ``OSError``/``TimeoutError`` and the ``websockets`` errors to the caller, which logs
    them.
    """
    if url is None:
        if not os.environ.get(KERNEL_VARIABLE):
            TARGET.missing(
                f"{KERNEL_VARIABLE} in a preheated kernel's environment",
                "the page renders with the notebook's parameters",
            )
            return None
        TARGET.untested()
        url = query_url()
    from websockets.sync.client import connect  # light: no asyncio loop, no thread

    with connect(url, open_timeout=OPEN_TIMEOUT, max_size=2**16) as websocket:
        message = websocket.recv()
    try:
        info = json.loads(message)
    except (TypeError, ValueError):
        return None
    if not isinstance(info, dict):
        return None
    return {k: v for k, v in info.items() if k in REQUEST_VARIABLES and isinstance(v, str)}
