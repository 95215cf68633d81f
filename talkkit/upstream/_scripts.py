"""Where the page template's scripts live, for the patches that ship JavaScript."""

from __future__ import annotations

from pathlib import Path

from talkkit.paths import PACKAGE_DIR

__all__ = ["TEMPLATE_STATIC", "missing_scripts"]

#: The ``static`` folder of the talkkit page template (served by Voilà, content-hashed ``?v=``).
TEMPLATE_STATIC = PACKAGE_DIR / "share" / "jupyter" / "voila" / "templates" / "talkkit" / "static"


def missing_scripts(names: tuple[str, ...], folder: Path = TEMPLATE_STATIC) -> list[str]:
    """The scripts of ``names`` that are not in the template's static folder."""
    return [name for name in names if not (folder / name).is_file()]
