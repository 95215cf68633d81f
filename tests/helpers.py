"""Small helpers shared by the tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO_KIT = ROOT / "kits" / "tidlig-opsporing"


def copy_kit(target: Path, source: Path = DEMO_KIT) -> Path:
    """A copy of a kit (with its generated media) that a test may break."""
    folder = target / source.name
    shutil.copytree(source, folder)
    return folder


def ensure_yaml(folder: Path) -> None:
    """Turn a copied notebook kit into the form before issue 21 (kit.yaml, which the loader
    still reads and which wins over the notebook), so a test can change one field of it."""
    from talkkit.kit.notebook import read_notebook

    if not (folder / "kit.yaml").is_file():
        data = read_notebook(folder / "kit.ipynb").data
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / "kit.yaml").write_text(text, encoding="utf-8")


def edit_yaml(folder: Path, change) -> None:
    ensure_yaml(folder)
    path = folder / "kit.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def run_async(coroutine: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
    """``asyncio.run(coroutine)`` in a thread of its own: a browser test earlier in the session
    leaves Playwright's event loop running in the test thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout)
