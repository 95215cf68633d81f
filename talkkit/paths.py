"""Where talkkit keeps things on disk.

The store and exports live in a data folder *outside* the served kits folder, so that Voilà can
never hand them out as static files.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository (or installed package) root: ``kits/`` and ``workshop_templates/`` sit here.
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def data_dir() -> Path:
    """The folder for the store and exports: ``$TALKKIT_DATA`` or ``~/.local/share/talkkit``."""
    env = os.environ.get("TALKKIT_DATA")
    base = Path(env) if env else Path.home() / ".local" / "share" / "talkkit"
    base.mkdir(parents=True, exist_ok=True)
    return base


def kits_dir() -> Path:
    """The folder of kits: ``$TALKKIT_KITS`` or ``<project>/kits``."""
    env = os.environ.get("TALKKIT_KITS")
    return Path(env).resolve() if env else PROJECT_ROOT / "kits"


def templates_dir() -> Path:
    """The workshop templates that ``talkkit new`` copies from."""
    return PROJECT_ROOT / "workshop_templates"
