"""Do environment.yml, binder/ and pyproject.toml agree (one source of truth)?"""

from __future__ import annotations

import re
import tomllib

import yaml
from helpers import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pyproject_pins_the_designs_packages():
    names = {re.split(r"[<>=\[ ]", d)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    extras = {
        re.split(r"[<>=\[ ]", d)[0].lower()
        for group in PYPROJECT["project"]["optional-dependencies"].values()
        for d in group
    }
    for package in ("voila", "ipywidgets", "ipyvuetify", "pandas", "nbconvert", "papermill"):
        assert package in names
    for package in ("pytest", "nbval", "jupyterlab"):
        assert package in extras


def test_environment_yml_installs_the_project_and_same_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert pip == ["-e .[lab]"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python="))
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert python == f"python={minimum}"
    # nothing else that pip could install: conda-only tools (ffmpeg) and pip itself
    assert {d for d in deps if isinstance(d, str)} <= {python, "pip", "ffmpeg"}


def test_binder_installs_the_project_and_same_python():
    lines = [
        line.strip()
        for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["-e .[lab]"]  # from the repository root, repo2docker's WORKDIR
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == f"python-{minimum}"


def test_binder_apt_matches_what_the_dev_script_installs():
    apt = set((ROOT / "binder" / "apt.txt").read_text().split())
    dev = (ROOT / "dev").read_text()
    listed = set(re.search(r"APT_PACKAGES=\(([^)]*)\)", dev).group(1).split())
    # Binder needs the media tools; the dev script adds the test-only chromium, postgresql and
    # LibreOffice (which opens the exports in tests)
    assert apt == listed - {"chromium", "postgresql", "libreoffice-calc-nogui"}


def test_binder_start_ends_with_exec():
    lines = [ln for ln in (ROOT / "binder" / "start").read_text().splitlines() if ln.strip()]
    assert lines[-1] == 'exec "$@"'
