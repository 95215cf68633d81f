"""The kit's Vue components, compiled ahead of time (``compiled.mjs``) or from their sources.

ipyvue compiles a template's single-file component in the browser, on every page load, with
Vue's SFC compiler. ``widgets/vue_build/compile.mjs`` does that once, when a ``.vue`` file
changes (``./dev vue``), and writes one ES module. Each kernel sends it to the page as one
``ipyvue.Module`` widget, and every component's ``Template`` names its export
(``esm_module``/``esm_export``, ipyvue 3.1), so the page compiles nothing.

The module's first line lists the SHA-256 of every source it was made from. When a ``.vue``
file has changed since (a developer editing a component), the module is not used at all: the
components come from their sources, compiled in the browser as before, and a warning says to
rebuild. ``tests/test_compiled_widgets.py`` fails while the module is stale.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path

import ipyvue

__all__ = ["COMPILED", "MODULE_NAME", "component_template", "is_fresh", "stale_sources"]

log = logging.getLogger("talkkit.widgets")

HERE = Path(__file__).resolve().parent
COMPILED = HERE / "compiled.mjs"
#: The module's name in the page's import map.
MODULE_NAME = "talkkit-widgets"
_HEADER = "// talkkit-compiled-widgets "
#: Set to 1 to use the sources even when the module is fresh (to compare the two paths).
SOURCE_ENV = "TALKKIT_VUE_SOURCES"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(code: str) -> dict[str, str]:
    first = code.split("\n", 1)[0]
    if not first.startswith(_HEADER):
        return {}
    try:
        sources = json.loads(first[len(_HEADER) :]).get("sources")
    except (ValueError, AttributeError):
        return {}
    return sources if isinstance(sources, dict) else {}


def stale_sources(folder: Path = HERE, compiled: Path = COMPILED) -> list[str]:
    """The ``.vue`` files of ``folder`` that ``compiled`` was not made from, as they are now
    (changed, added or removed since); every file when ``compiled`` is missing or unreadable."""
    sources = {p.name: _sha256(p) for p in sorted(folder.glob("*.vue"))}
    try:
        built = _manifest(compiled.read_text(encoding="utf-8"))
    except OSError:
        built = {}
    names = sorted(set(sources) | set(built))
    return [name for name in names if sources.get(name) != built.get(name)]


@functools.cache
def is_fresh() -> bool:
    """Use the compiled module in this process? (checked once per kernel)."""
    if os.environ.get(SOURCE_ENV) == "1":
        return False
    stale = stale_sources()
    if stale:
        log.warning(
            "widgets/compiled.mjs is older than %s: the components are compiled in the browser "
            "(slower page loads). Run ./dev vue to rebuild it.",
            ", ".join(stale),
        )
    return not stale


@functools.cache
def _module() -> ipyvue.Module:
    return ipyvue.define_module(MODULE_NAME, code=COMPILED.read_text(encoding="utf-8"))


@functools.cache
def _compiled_template(name: str) -> ipyvue.Template:
    _module()
    return ipyvue.Template(esm_module=MODULE_NAME, esm_export=name)


def component_template(vue_file: str) -> ipyvue.Template:
    """The ``Template`` widget of ``widgets/<vue_file>``: its compiled export when the module is
    fresh, else its source (one ``Template`` per file and kernel either way)."""
    if is_fresh():
        return _compiled_template(Path(vue_file).stem)
    from ipyvue.Template import get_template

    return get_template(str(HERE / vue_file))
