"""Where talkkit keeps things on disk.

The store and exports live in a data folder *outside* the served kits folder, so that Voilà can
never hand them out as static files.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The package, and the folder it sits in: the repository in a checkout (an editable install),
#: site-packages when installed. ``workshop_templates`` (a package of its own, see its
#: ``__init__``) sits beside ``talkkit`` in both.
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def in_checkout() -> bool:
    """Does talkkit run from its repository (``pyproject.toml`` and ``kits/`` beside it)?"""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "kits").is_dir()


def data_dir() -> Path:
    """The folder for the store and exports: ``$TALKKIT_DATA`` or ``~/.local/share/talkkit``."""
    env = os.environ.get("TALKKIT_DATA")
    base = Path(env) if env else Path.home() / ".local" / "share" / "talkkit"
    base.mkdir(parents=True, exist_ok=True)
    return base


def kits_dir() -> Path:
    """The folder of kits: ``$TALKKIT_KITS``, else the repository's ``kits/`` in a checkout,
    else ``kits/`` in the current folder (an installed talkkit has no kits of its own)."""
    env = os.environ.get("TALKKIT_KITS")
    if env:
        return Path(env).resolve()
    return PROJECT_ROOT / "kits" if in_checkout() else Path.cwd() / "kits"


def templates_dir() -> Path:
    """The workshop templates that ``talkkit new`` copies from: the ``workshop_templates``
    folder beside the package (the repository's, or the installed package's)."""
    return PROJECT_ROOT / "workshop_templates"
