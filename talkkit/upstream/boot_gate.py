"""Voilà's front end starts in the first pause of a group's typing, not while they type.

Targets voila 0.5.13 (pinned): its base template's ``voila_setup_labextensions`` macro writes
``voila.js`` as one parser-blocking ``<script>`` at the end of the page (:data:`VOILA_JS`), and its
app starts on the window's ``load`` event. That start (the chunks' evaluation, JupyterLab's
plugins, the widget manager) is one long task for the browser: 1-1.4 s each with the CPU
throttled four times, as on a slow municipal laptop. The page's server-rendered first screen
(:mod:`talkkit.upstream.first_screen`) takes typing before it, but a key pressed during that
task waits for its end (issue 20: the throttled page took 5 s to take its first key).

The talkkit template receives the tag as Voilà writes it (:func:`voila_js_tag`, through the
documented ``page_config_hook``), turns the chunk bundle's and ``voila.js``'s tags into inert ones (same
order) and ``boot-gate.js`` (its header says how) preloads them at once and runs them when the
first screen has shown and nobody has typed for 0.8 s (longer than the gaps between a typist's
words; a field clicked into but not typed into yet holds it too), at the latest 3 s after it
showed; pages without a first screen run them at once. A ``load`` listener added once the document is
complete is called at once (the event does not come again). No upstream issue filed and no
documented hook: Voilà offers no way to choose when its app starts.

:func:`check` runs at server start: when Voilà's macro no longer writes the tag as
:data:`VOILA_JS` says, the template leaves the tags as Voilà wrote them (the page starts at
once, as before this patch) and the log says so.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from talkkit.upstream._scripts import missing_scripts, voila_template
from talkkit.upstream._target import Target
from talkkit.upstream.static_url import STATIC_URL_KEY

__all__ = [
    "PAGE_CONFIG_KEY",
    "SCRIPTS",
    "TARGET",
    "VOILA_JS",
    "check",
    "setup_macro",
    "voila_js_tag",
]

TARGET = Target(
    patch="boot_gate",
    distribution="voila",
    tested=("0.5.13",),
    issue="none filed: Voilà has no hook for when its app starts",
)

#: The script tag of Voilà's setup macro that the talkkit template makes inert (its own text).
VOILA_JS = """<script src="{{ page_config['fullStaticUrl'] | e }}/{{ main_js }}"></script>"""

#: Voilà's entry script, as its ``NotebookRenderer`` names it (``main_js``).
MAIN_JS = "voila.js"

#: The page config key under which the tag as Voilà writes it reaches the talkkit template.
PAGE_CONFIG_KEY = "talkkitVoilaJs"

#: The page's script of this patch.
SCRIPTS = ("boot-gate.js",)


def setup_macro() -> Path | None:
    """Voilà's ``base/voila_setup.macro.html.j2`` as Jupyter finds it."""
    return voila_template("base", "voila_setup.macro.html.j2")


def voila_js_tag(page_config: dict[str, Any]) -> str | None:
    """The ``voila.js`` tag exactly as Voilà's macro writes it for this page config, which the
    template compares with what it rendered (None: no static address, the tags stay)."""
    url = page_config.get(STATIC_URL_KEY)
    if not isinstance(url, str):
        return None
    return f'<script src="{html.escape(url)}/{MAIN_JS}"></script>'


def check(path: Path | None = None) -> bool:
    """Whether Voilà writes voila.js's tag as the template expects and the script is there
    (logs one line when not)."""
    path = path or setup_macro()
    try:
        text = path.read_text(encoding="utf-8") if path else ""
    except OSError:
        text = ""
    if VOILA_JS not in text:
        return TARGET.missing(
            "base/voila_setup.macro.html.j2's voila.js tag",
            "Voilà's front end starts at once, while the group may be typing",
        )
    absent = missing_scripts(SCRIPTS)
    if absent:
        return TARGET.missing(
            f"talkkit template script {', '.join(absent)}",
            "Voilà's scripts stay inert: the page is not taken over by its widgets",
        )
    TARGET.untested()
    return True
