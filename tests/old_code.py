"""The talkkit package as an earlier commit had it, to write a store with the code of then and
check that today's code migrates it (tests/test_followup_store.py, tests/test_series_store.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def checkout(commit: str, where: Path) -> Path:
    """The ``talkkit`` folder of ``commit`` unpacked into ``where`` (skips on a shallow clone
    without that commit)."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "talkkit"],
            check=True,
            capture_output=True,
        ).stdout
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"commit {commit} is not in this clone: {exc.stderr.decode()[:200]}")
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def run_old(code: Path, script: str, *args: str) -> Any:
    """Run ``script`` with the old package ``code`` (and nothing of today's) on the path; the
    JSON it printed last."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin", "HOME": str(code)},
        cwd=code,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
