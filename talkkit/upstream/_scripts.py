"""Where the page template's scripts live, for the patches that ship JavaScript, and where
Jupyter finds Voilà's own templates, for the patches that check them."""

from __future__ import annotations

from pathlib import Path

from jupyter_core.paths import jupyter_path

from talkkit.paths import PACKAGE_DIR

__all__ = ["TEMPLATE_STATIC", "missing_scripts", "voila_template"]

#: The ``static`` folder of the talkkit page template (served by Voilà, content-hashed ``?v=``).
TEMPLATE_STATIC = PACKAGE_DIR / "share" / "jupyter" / "voila" / "templates" / "talkkit" / "static"


def missing_scripts(names: tuple[str, ...], folder: Path = TEMPLATE_STATIC) -> list[str]:
    """The scripts of ``names`` that are not in the template's static folder."""
    return [name for name in names if not (folder / name).is_file()]


def voila_template(folder: str, name: str) -> Path | None:
    """Voilà's template file ``<folder>/<name>`` (e.g. ``lab``, ``index.html.j2``) as Jupyter
    finds it: the first on the data path."""
    for root in jupyter_path("voila", "templates", folder):
        path = Path(root) / name
        if path.is_file():
            return path
    return None
