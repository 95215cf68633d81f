"""Does ``pip install .`` give a working talkkit outside the repository?

The wheel holds everything the package reads at run time (workshop templates, the Voilà
template, the catalogues, the compiled Vue module, the kit schema, the chunk list); a fresh
virtual environment in a temporary folder (not the repository) gets a ``talkkit`` whose
``new``, ``check`` and ``serve`` work. pip fetches from PyPI or its cache only.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import free_port
from helpers import ROOT

pytestmark = pytest.mark.slow

#: What talkkit reads from its own files at run time, by path inside the wheel.
PACKAGE_FILES = [
    "workshop_templates/hybrid-seminar/kit.ipynb",
    "workshop_templates/hybrid-seminar/media/talk.txt",
    "workshop_templates/self-study/kit.ipynb",
    "workshop_templates/self-study/media/talk.txt",
    "talkkit/share/jupyter/voila/templates/talkkit/index.html.j2",
    "talkkit/share/jupyter/voila/templates/talkkit/conf.json",
    "talkkit/share/jupyter/voila/templates/talkkit/static/widget-manager.js",
    "talkkit/schemas/kit.schema.json",
    "talkkit/upstream/voila_chunks.json",
    "talkkit/templates/gallery.html.j2",
    "talkkit/templates/report.html.j2",
    "widgets/compiled.mjs",
]


def _source_files() -> list[str]:
    """The working tree's files git knows or would add (not ignored ones such as .venv)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [f for f in listed if (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the source tree: setuptools keeps a ``build/`` folder beside the
    sources, whose leftovers (a module moved since) would otherwise land in the wheel."""
    source = tmp_path_factory.mktemp("source")
    for name in _source_files():
        if not name.startswith(("kits/", "bench/", "tests/", "docs/")):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        timeout=600,
        cwd=out,
    )
    (found,) = out.glob("talkkit-*.whl")
    return found


def test_the_wheel_holds_what_talkkit_reads_at_run_time(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in PACKAGE_FILES if f not in names]
    assert missing == [], missing
    # every catalogue of the repository, and every component's sources (the fallback)
    for package in ("talkkit", "widgets"):
        for po in (ROOT / package / "locale").rglob("*.po"):
            assert str(po.relative_to(ROOT)) in names, po
        for vue in (ROOT / package).glob("*.vue"):
            assert str(vue.relative_to(ROOT)) in names, vue
    # every file of the packages that is not Python: templates, static files, data
    data = [
        f
        for f in _source_files()
        if f.startswith(("talkkit/", "widgets/", "workshop_templates/"))
        and not f.endswith(".py")
        and not f.startswith("widgets/vue_build/")
    ]
    assert data and [f for f in data if f not in names] == []
    # the product only: no tests, kits, benchmark or build tooling
    assert not [n for n in names if re.match(r"(tests|kits|bench|talkkit_bench)/", n)]
    assert not [n for n in names if "node_modules" in n or n.startswith("widgets/vue_build/")]


def _get(url: str, timeout: float = 120) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - localhost
        assert response.status == 200
        return response.read().decode("utf-8")


def test_pip_install_outside_the_repository_gives_new_check_and_serve(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        timeout=1200,
    )
    talkkit = str(venv / "bin" / "talkkit")
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALKKIT_", "PYTHON"))}
    env["TALKKIT_DATA"] = str(tmp_path / "data")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [talkkit, *args], cwd=work, env=env, capture_output=True, text=True, timeout=300
        )

    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import talkkit; print(talkkit.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(venv) in where and str(ROOT) not in where  # the installed copy, not the checkout

    made = run("new", "my-kit", "--language", "sv")
    assert made.returncode == 0, made.stdout + made.stderr
    kit = work / "kits" / "my-kit"  # outside a checkout, kits/ of the current folder
    assert (kit / "kit.ipynb").is_file() and (kit / "media" / "talk1.sv.txt").is_file()

    checked = run("check", "--no-media")
    assert checked.returncode == 1  # the new kit's TODOs are problems, told in the kit's language
    assert "kit.ipynb: cell " in checked.stdout  # by cell (Swedish "cell")
    assert "ska fortfarande skrivas: TODO" in checked.stdout
    assert "0 av 1 kit är klara" in checked.stdout

    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [talkkit, "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the server and its kernels
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        gallery = None
        while gallery is None:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                gallery = _get(base, timeout=10)
            except OSError:
                assert time.monotonic() < deadline, "talkkit serve never answered"
                time.sleep(0.5)
        assert "my-kit" in gallery
        page = _get(f"{base}voila/render/my-kit/kit.ipynb?lang=sv")
        assert "application/vnd.jupyter.widget-view+json" in page  # the kit ran in a kernel
        assert "Traceback" not in (tmp_path / "serve.log").read_text()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:  # whatever of the group is left (kernels)
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait(timeout=30)
        log.close()
