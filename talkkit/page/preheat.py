"""Preheated kernels: wait for the page request that takes this kernel.

With ``talkkit serve --preheat N`` Voilà starts kernels and runs a kit's notebook before anyone
asks for the page. The notebook does its heavy work first, then calls :func:`wait_for_request`,
which blocks until Voilà hands the kernel to a page and sends that page's address (``SCRIPT_NAME``,
``QUERY_STRING``, ...), and puts it into ``os.environ`` where :mod:`talkkit.page.request` reads
it. How the address arrives is Voilà's protocol, spoken in
:mod:`talkkit.upstream.preheat_protocol` without importing Voilà into the kernel.
"""

from __future__ import annotations

import logging
import os

from talkkit.upstream.preheat_protocol import is_preheated, query_url, receive_request

__all__ = ["is_preheated", "wait_for_request"]

log = logging.getLogger("talkkit.preheat")


def wait_for_request(url: str | None = None) -> bool:
    """Block until a page takes this preheated kernel; put its request into ``os.environ``.

    Returns ``True`` once the request arrived, ``False`` when the kernel is not preheated or
    Voilà could not be reached (the page then renders with the notebook's parameters).
    """
    if not is_preheated():
        return False
    try:
        info = receive_request(url)
    except Exception as exc:  # unreachable, refused or closed: render with the defaults
        log.warning("no request from %s: %s", url or query_url(), exc)
        return False
    if info is None:
        log.warning("no request from %s", url or query_url())
        return False
    os.environ.update(info)
    return True
