"""The first screen of one page request, as HTML (the server side of issue 20).

:func:`for_request` reads what the page's kernel will read (the address's ``lang`` and
``session``, the ``talkkit_session_<kit>`` cookie, the notebook's ``language`` parameter), the
kit (:mod:`talkkit.kit`) and, when the request names an existing session of this kit, its saved
answers and phase from the store, and renders :func:`talkkit.page.first_screen.first_screen`
with Jinja autoescape (``templates/first_screen.html.j2``). Anything that goes wrong gives ``""``
(the page then renders as it did without a first screen) and one log line.

Facilitator pages get no first screen: their layout (guidance, notes) is not the group's.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from talkkit.i18n import normalise_language
from talkkit.kit import KIT_FILE, NOTEBOOK_FILE, Kit, load_kit
from talkkit.page.first_screen import FirstScreen, first_screen
from talkkit.page.request import parse_request

__all__ = ["for_request", "for_request_async", "render", "saved_state"]

log = logging.getLogger("talkkit.page")

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    keep_trailing_newline=False,
)
_LANGUAGE_PARAM = re.compile(r"""^\s*language\s*(?::\s*str)?\s*=\s*["']([A-Za-z-]+)["']""", re.M)


def render(screen: FirstScreen) -> str:
    """The first screen as HTML (every text escaped)."""
    return _ENV.get_template("first_screen.html.j2").render(s=screen)


@functools.lru_cache(maxsize=64)
def _kit(folder: str, mtime: float) -> tuple[Kit, str]:
    """The kit in ``folder`` and its notebook's ``language`` parameter (cached per change)."""
    kit = load_kit(folder)
    language = kit.main_language
    try:
        nb = json.loads((Path(folder) / "kit.ipynb").read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                found = _LANGUAGE_PARAM.search("".join(cell.get("source", "")))
                if found:
                    language = normalise_language(found.group(1), default=language)
    except (OSError, ValueError):
        pass
    return kit, language


def saved_state(
    kit: Kit, session_ids: Sequence[str | None], store_url: str | None = None
) -> tuple[str, str | None, dict[str, object]]:
    """``(session id, phase, values)`` of the first id naming a session of ``kit`` in the store
    (``("", None, {})`` when none does). Blocking: call it in a thread."""
    from talkkit.store import open_store
    from talkkit.store.values import valid_session_id

    ids = [i for i in session_ids if valid_session_id(i)]
    if not ids:
        return "", None, {}
    store = open_store(store_url)
    try:
        for candidate in ids:
            session = store.get_session(candidate)
            if session is not None and session.kit_id == kit.id:
                answers = store.load_answers(session.id)
                return session.id, session.phase, {k: a.value for k, a in answers.items()}
    finally:
        store.close()
    return "", None, {}


def _prepare(
    notebook: Path, url: str, query: str, cookie: str | None
) -> tuple[Kit, str, list[str]] | None:
    """The kit, language and session ids a request's first screen needs (None: no first
    screen). Cheap: two ``stat`` calls and the cached kit."""
    from talkkit.store.values import valid_session_id

    folder = notebook.parent
    if notebook.name != NOTEBOOK_FILE or not notebook.is_file():
        return None
    # the kit is its notebook (and, in kits not yet migrated, its kit.yaml)
    stamp = max(p.stat().st_mtime for p in (notebook, folder / KIT_FILE) if p.is_file())
    kit, default_language = _kit(str(folder), stamp)
    context = parse_request(url, query, cookie)
    if context.facilitator:
        return None
    ids = [context.session_id, context.browser_session(kit.id)]
    return kit, context.language or default_language, [i for i in ids if valid_session_id(i)]


def _screen(kit: Kit, language: str, state: tuple[str, str | None, dict[str, object]]) -> str:
    session_id, phase, values = state
    return render(first_screen(kit, language, phase_id=phase, values=values, session_id=session_id))


def for_request(
    notebook: Path,
    url: str,
    query: str,
    cookie: str | None,
    *,
    store_url: str | None = None,
) -> str:
    """The first screen's HTML for a request of ``notebook`` (``""`` when it has none).
    Blocking when the request names a session (the store is read)."""
    try:
        prepared = _prepare(notebook, url, query, cookie)
        if prepared is None:
            return ""
        kit, language, ids = prepared
        return _screen(kit, language, saved_state(kit, ids, store_url))
    except Exception as exc:  # the page still renders, as without a first screen
        log.warning("no first screen for %s: %s", notebook, exc)
        return ""


async def for_request_async(
    notebook: Path,
    url: str,
    query: str,
    cookie: str | None,
    *,
    store_url: str | None = None,
) -> str:
    """:func:`for_request` for the server's event loop: the store is read in a thread, and only
    when the request names a session. A new group's first screen (no session yet) is rendered
    at once: in a thread it would wait for the interpreter lock and a turn of the busy loop
    (60 groups in the same second: up to 2.5 s, ``bench/JOURNAL.md``)."""
    try:
        prepared = _prepare(notebook, url, query, cookie)
        if prepared is None:
            return ""
        kit, language, ids = prepared
        state: tuple[str, str | None, dict[str, object]] = ("", None, {})
        if ids:
            state = await asyncio.to_thread(saved_state, kit, ids, store_url)
        return _screen(kit, language, state)
    except Exception as exc:  # the page still renders, as without a first screen
        log.warning("no first screen for %s: %s", notebook, exc)
        return ""
