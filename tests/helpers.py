"""Small helpers shared by the tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO_KIT = ROOT / "kits" / "tidlig-opsporing"


def copy_kit(target: Path, source: Path = DEMO_KIT) -> Path:
    """A copy of a kit (with its generated media) that a test may break."""
    folder = target / source.name
    shutil.copytree(source, folder)
    return folder


def edit_yaml(folder: Path, change) -> None:
    path = folder / "kit.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
