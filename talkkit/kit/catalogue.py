"""The kits folder: every kit in it, and the one kit with a given id."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from talkkit.kit.load import from_raw, load_kit, read_raw
from talkkit.kit.model import KIT_FILE, NOTEBOOK_FILE, Kit, KitLoadError
from talkkit.kit.notebook import is_kit_notebook
from talkkit.paths import kits_dir

__all__ = ["find_kit", "find_kits", "kits_by_topic"]

log = logging.getLogger("talkkit.kit")


def find_kits(root: str | Path) -> list[Path]:
    """Every kit folder (one holding a kit notebook, or a kit.yaml) directly below ``root``."""
    root = Path(root)
    if not root.is_dir():
        return []
    folders = {p.parent for p in root.glob(f"*/{KIT_FILE}")}
    folders |= {p.parent for p in root.glob(f"*/{NOTEBOOK_FILE}") if is_kit_notebook(p)}
    return sorted(folders)


def find_kit(kit_id: str, root: Path | None = None) -> Kit | None:
    """The kit with this id in the kits folder, or ``None``.

    Only the YAML is read to find it (validating every kit costs seconds in a fresh kernel);
    the kit found is validated as usual if building it straight from its YAML fails.
    """
    folders = find_kits(root or kits_dir())
    folders.sort(key=lambda f: f.name != kit_id)  # the folder is usually named like the kit
    for folder in folders:
        try:
            data = read_raw(folder)
        except KitLoadError:
            continue
        if data.get("id") != kit_id:
            continue
        return _build(folder, data)
    return None


def _build(folder: Path, data: dict[str, Any]) -> Kit | None:
    try:
        return from_raw(folder, data)
    except Exception:  # not schema-valid: let load_kit say why
        try:
            return load_kit(folder)
        except KitLoadError as exc:
            log.warning("kit %s cannot be loaded: %s", data.get("id"), exc)
            return None


def kits_by_topic(root: Path | None = None) -> dict[str, list[Kit]]:
    """Every topic of the kits in the kits folder -> its kits (as :func:`find_kit` builds
    them: a kit that cannot be loaded is left out, with a log line)."""
    found: dict[str, list[Kit]] = {}
    for folder in sorted(find_kits(root or kits_dir())):
        try:
            data = read_raw(folder)
        except KitLoadError:
            continue
        kit = _build(folder, data)
        if kit is not None:
            found.setdefault(kit.topic, []).append(kit)
    return found
