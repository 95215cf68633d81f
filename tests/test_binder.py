"""Does the Binder set-up (Voilà as a Jupyter server extension) serve the gallery and kits?

Binder itself cannot run here (no container engine); this starts the same Jupyter server with
the configuration binder/postBuild writes and binder/start's environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import free_port
from helpers import ROOT

from talkkit.page.app import TEMPLATE_ROOT
from talkkit.page.extension import main as write_config


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:  # noqa: S310 (loopback)
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:  # not listening yet
        return 0, ""


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("binder")
    write_config([str(base / "config")])
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(base / "config"),
        "JUPYTER_PATH": str(TEMPLATE_ROOT),
        "TALKKIT_DATA": str(base / "data"),
    }
    env.pop("TALKKIT_KITS", None)
    log = (base / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", f"--port={port}",
         "--IdentityProvider.token=", f"--ServerApp.root_dir={ROOT}"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        if get(url + "talkkit/")[0] == 200:
            break
        assert proc.poll() is None, (base / "server.log").read_text()
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_launch_link_target_is_the_gallery(jupyter_server):
    """Does ?urlpath=talkkit/ (the README's Binder link) land on the gallery with kit links?"""
    code, html = get(jupyter_server + "talkkit/?lang=en")
    assert code == 200
    assert 'href="/voila/render/kits/tidlig-opsporing/kit.ipynb?lang=da"' in html


def test_kit_renders_with_talkkit_template(jupyter_server):
    code, html = get(jupyter_server + "voila/render/kits/tidlig-opsporing/kit.ipynb")
    assert code == 200
    assert "cdn.jsdelivr.net" not in html  # the talkkit template, not plain `lab`
    assert "There was an error when executing" not in html
    # the template's own scripts (talkkit/upstream/widget_manager.py, page_unload.py), served
    scripts = re.findall(r'<script src="/(voila/templates/talkkit/static/[^"?]+\.js\?v=\w+)"', html)
    names = [s.split("?")[0].rsplit("/", 1)[1] for s in scripts]
    ours = ["widget-manager.js", "page-unload.js", "late-models.js"]
    assert [n for n in names if n in ours] == ours
    assert all(get(jupyter_server + script)[0] == 200 for script in scripts)


@pytest.mark.parametrize(
    ("path", "ok"),
    [("kits/tidlig-opsporing/media/talk1.webm", True), ("kits/tidlig-opsporing/kit.yaml", False)],
)
def test_media_allowlist_applies(jupyter_server, path, ok):
    code, _ = get(jupyter_server + "voila/files/" + path)
    assert (code == 200) is ok


def test_binder_server_waits_for_late_cell_output(tmp_path) -> None:
    """Binder's Voilà executor waits for late cell output as ``talkkit serve``'s does (see
    ``test_server.test_late_cell_output_is_waited_for``)."""
    import nbformat
    from traitlets.config.loader import JSONFileConfigLoader
    from voila.execute import VoilaExecutor

    from talkkit.page.app import RENDER_OUTPUT_TIMEOUT

    write_config([str(tmp_path)])
    folder = tmp_path / "jupyter_server_config.d"
    config = JSONFileConfigLoader("talkkit.json", str(folder)).load_config()
    executor = VoilaExecutor(nbformat.v4.new_notebook(), config=config)
    assert executor.iopub_timeout == RENDER_OUTPUT_TIMEOUT
