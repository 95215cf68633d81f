"""How talkkit's tests and its benchmark start Debian's chromium (headless, through Playwright).

The product itself starts no browser. The flags live here because both users of them build on
``talkkit``: the tests (``tests/conftest.py``) test it, and the benchmark (``bench/``, its own
distribution) depends on it, while ``talkkit`` must never import the benchmark. Plain data,
no imports beyond the standard library.
"""

from __future__ import annotations

import shutil

__all__ = ["CHROMIUM", "CHROMIUM_ARGS"]

#: Debian's chromium (no browser download).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

#: No sandbox (root in a container), nothing that calls home, and no omnibox popup. Chromium
#: 14x+ builds each new window's omnibox popup as a WebUI page (chrome://omnibox-popup.top-chrome,
#: about 130 chrome:// files, a renderer of its own) even headless, where no omnibox is ever
#: shown: about 0.9 CPU-s per window, and a browser context's first page (or a page opened after
#: its last one closed) is a new window. On 2 cores that ran beside every measured page load
#: (warm kit page 1.6-1.8 s with it, 1.3 s without); a user's browser builds its window once,
#: not per page.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
]
