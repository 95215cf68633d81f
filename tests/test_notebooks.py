"""Are the notebooks content, not code: no outputs, one kernel, only import-configure-display?"""

from __future__ import annotations

import json

import pytest
from helpers import ROOT

NOTEBOOKS = sorted(
    p for p in ROOT.glob("**/*.ipynb")
    if ".venv" not in p.parts and "tests" not in p.parts and ".ipynb_checkpoints" not in p.parts
)  # fmt: skip


def test_found_notebooks():
    assert len(NOTEBOOKS) >= 3  # the templates and at least one kit


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_outputs_and_one_kernel(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        assert not cell.get("outputs"), "strip outputs (pre-commit runs nbstripout)"
        assert "ExecuteTime" not in cell.get("metadata", {})


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.name == "kit.ipynb"], ids=lambda p: str(p.relative_to(ROOT))
)
def test_kit_notebook_only_imports_and_displays(path):
    """Is all logic in the packages (a kit notebook only calls show_kit)?"""
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tags = [c["metadata"].get("tags", []) for c in code]
    body = [
        c
        for c, t in zip(code, tags, strict=True)
        if not {"parameters", "injected-parameters"} & set(t)
    ]
    assert len(body) == 2  # the page, and the check an author runs in JupyterLab (issue 21)

    def lines(cell):
        return [ln for ln in "".join(cell["source"]).splitlines() if ln.strip() and ln[0] != "#"]

    assert lines(body[0])[0] == "from widgets import show_kit"
    assert all(ln.startswith(("from widgets import", "app = show_kit(")) for ln in lines(body[0]))
    assert lines(body[1]) == ["from talkkit.authoring import show_check", "show_check()"]
