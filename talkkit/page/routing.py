"""The server's name, for a front that keeps each group on the server holding its kernel.

With ``talkkit serve --server-id ID`` every response sets the ``talkkit_srv`` cookie to ``ID``
(a session cookie for the whole site, unreadable by the page's scripts); the nginx site that
``talkkit deploy`` writes maps that cookie to the server's own upstream (docs/operating.md).
"""

from __future__ import annotations

import re

__all__ = ["SERVER_COOKIE", "SERVER_ID", "server_cookie"]

#: The cookie naming the server that holds a group's kernel (read by the front's ``map``).
SERVER_COOKIE = "talkkit_srv"
#: What a server id may be: it is a cookie value and a name in the nginx site.
SERVER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def server_cookie(server_id: str) -> str:
    """The ``Set-Cookie`` value for ``server_id``."""
    if not SERVER_ID.match(server_id):
        raise ValueError(f"a server id is 1-32 of a-z 0-9 _ -, not {server_id!r}")
    return f"{SERVER_COOKIE}={server_id}; Path=/; HttpOnly; SameSite=Lax"
