"""Is every kit in kits/ ready: checked, documented parameters, and runnable headless?"""

from __future__ import annotations

import subprocess
import sys

import papermill
import pytest
from helpers import ROOT

from talkkit.authoring.check import REQUIRED_PARAMETERS, check_kit
from talkkit.kit import find_kits

KITS = find_kits(ROOT / "kits")


def test_there_are_kits():
    """Did the per-kit tests below find any kit at all (a run over nothing proves nothing)?"""
    assert len(KITS) >= 1


@pytest.mark.parametrize("kit", KITS, ids=lambda p: p.name)
def test_kit_passes_check(kit):
    assert [str(p) for p in check_kit(kit)] == []


@pytest.mark.parametrize("kit", KITS, ids=lambda p: p.name)
def test_help_notebook_lists_parameters(kit):
    """Does `papermill --help-notebook` document every parameter the server passes?"""
    out = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(kit / "kit.ipynb")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in REQUIRED_PARAMETERS:
        assert f"  {name}: " in out, out


@pytest.mark.slow
@pytest.mark.parametrize("kit", KITS, ids=lambda p: p.name)
def test_kit_runs_with_parameters(kit, tmp_path, monkeypatch):
    """Does the kit run headless in another language, as a facilitator, without an error?"""
    monkeypatch.setenv("TALKKIT_DATA", str(tmp_path / "data"))
    papermill.execute_notebook(
        str(kit / "kit.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters={"language": "sv", "facilitator": True},
        cwd=str(kit),
        kernel_name="python3",
        progress_bar=False,
    )
