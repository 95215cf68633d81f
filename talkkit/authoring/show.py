"""``show_check()``: the kit's problems in the notebook, when an author runs the cell in
JupyterLab. On a group's page (served by Voilà) it does nothing: no check, no output."""

from __future__ import annotations

import html
import os
from pathlib import Path

__all__ = ["served_by_voila", "show_check"]


def served_by_voila() -> bool:
    """Whether this kernel serves a page (Voilà puts the request into its environment)."""
    return any(os.environ.get(k) for k in ("VOILA_REQUEST_URL", "VOILA_BASE_URL", "VOILA_PREHEAT"))


def show_check(folder: str | Path = ".", language: str | None = None) -> list[str] | None:
    """Show (and return) the kit's problems by cell; ``None`` on a group's page."""
    if served_by_voila():
        return None
    from IPython.display import HTML, display  # only in a notebook

    from talkkit.authoring.check import check_kit
    from talkkit.i18n import translator
    from talkkit.kit.notebook import read_notebook

    try:
        langs = read_notebook(Path(folder) / "kit.ipynb").data.get("languages") or ["en"]
    except (ValueError, OSError):
        langs = ["en"]
    lang = language or str(langs[0])
    _ = translator(lang)
    lines = [str(p) for p in check_kit(folder, language=lang)]
    if not lines:
        display(HTML(f"<p>✓ {html.escape(_('The kit is ready: no problems found.'))}</p>"))
    else:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        head = html.escape(_("{n} problems to fix:", n=len(lines)))
        display(HTML(f"<p><b>{head}</b></p><ul>{items}</ul>"))
    return lines
