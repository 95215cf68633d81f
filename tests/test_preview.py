"""The author's preview (issue 21): JupyterLab with the talkkit configuration serves a kit
notebook through Voilà's server extension, the page Voilà's JupyterLab preview shows. Each
render reads the saved notebook (no cache across saves), the talkkit template hides the
notebook's prose and settings, and the preview extension is enabled in JupyterLab."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import free_port
from helpers import ROOT

from talkkit.page.app import TEMPLATE_ROOT
from talkkit.page.extension import main as write_config

KIT = "skolfranvaro"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 (127.0.0.1 only)
            return r.status, r.read().decode("utf-8", "replace")
    except OSError:
        return 0, ""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("lab")
    root = base / "kits"
    shutil.copytree(ROOT / "kits" / KIT, root / KIT)
    write_config([str(base / "config")])
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(base / "config"),
           "JUPYTER_PATH": str(TEMPLATE_ROOT), "TALKKIT_DATA": str(base / "data"),
           "TALKKIT_KITS": str(root)}  # fmt: skip
    log = (base / "lab.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--IdentityProvider.token=", f"--ServerApp.root_dir={root}"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        if _get(url + "lab")[0] == 200:
            break
        assert proc.poll() is None, (base / "lab.log").read_text()
        time.sleep(0.2)
    yield url, root / KIT
    proc.terminate()
    proc.wait(timeout=20)


def test_the_voila_preview_extension_is_enabled_in_jupyterlab(lab):
    url, _kit = lab
    _code, html = _get(url + "lab")
    config = json.loads(html.split('id="jupyter-config-data" type="application/json">')[1]
                        .split("</script>")[0])  # fmt: skip
    names = [e["name"] for e in config.get("federated_extensions", [])]
    assert "@voila-dashboards/jupyterlab-preview" in names
    assert "@voila-dashboards/jupyterlab-preview" not in str(config.get("disabledExtensions"))


@pytest.mark.browser
def test_the_preview_shows_each_saved_change_and_no_prose_cell(lab, page):
    from playwright.sync_api import expect

    url, kit = lab
    pg, _log = page
    address = f"{url}voila/render/{KIT}/kit.ipynb"
    pg.goto(address, timeout=90_000)
    expect(pg.locator(".tk-phase-title").first).to_be_visible(timeout=90_000)
    body = pg.locator("body").inner_text()
    assert "How this notebook is a learning kit" not in body  # the guide cell
    assert "schema_version" not in body  # the settings cell
    assert "## Fas:" not in body and "Vägen tillbaka" in body  # the kit, not its markdown

    nb = json.loads((kit / "kit.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "".join(c["source"]).startswith("# Vägen"))
    source = "".join(cell["source"]).replace("# Vägen tillbaka", "# Sparad ändring", 1)
    cell["source"] = source
    (kit / "kit.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")  # a save

    pg.goto(address, timeout=90_000)  # what "render on save" does: the preview reloads
    expect(pg.locator(".tk-phase-title").first).to_be_visible(timeout=90_000)
    assert "Sparad ändring" in pg.locator("body").inner_text(), pg.locator("body").inner_text()[
        :600
    ]
