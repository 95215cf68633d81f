"""Does `talkkit serve` serve the gallery and the kits safely, in a real browser?"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import pytest
from conftest import KITS, start_server, stop_server
from helpers import run_async
from playwright.sync_api import expect


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("voila/files/tidlig-opsporing/media/talk1.webm", 200),
        ("voila/files/tidlig-opsporing/media/talk1.da.vtt", 200),
        ("voila/files/tidlig-opsporing/media/poster.png", 200),
        ("voila/files/tidlig-opsporing/kit.yaml", "refused"),
        ("voila/files/tidlig-opsporing/kit.ipynb", "refused"),
        ("voila/files/tidlig-opsporing/media/talk1.da.txt", "refused"),
        ("voila/files/../pyproject.toml", "refused"),
        ("voila/files/%2E%2E/pyproject.toml", "refused"),
        ("voila/files/tidlig-opsporing/..%2F..%2Fpyproject.toml", "refused"),
        ("voila/files/tidlig-opsporing/../../pyproject.toml", "refused"),
    ],
)
def test_only_media_is_served_as_files(kit_server, path, expected):
    """Are kit media served, and notebooks, YAML, scripts and anything outside kits/ refused?"""
    code = status(kit_server.url + path)
    if expected == "refused":
        assert code in (403, 404)
    else:
        assert code == expected


def test_store_lives_outside_the_served_folder(kit_server):
    assert not kit_server.data_dir.is_relative_to(kit_server.kits_dir)
    assert status(kit_server.url + "voila/files/talkkit.sqlite3") in (403, 404)


def test_pages_forbid_other_hosts(kit_server):
    with urllib.request.urlopen(kit_server.url, timeout=30) as response:  # noqa: S310
        csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp


@pytest.mark.browser
def test_gallery_click_opens_a_rendered_kit(kit_server, page):
    """Does a click on a card open the kit, rendered, with no console error and no other host?"""
    pg, log = page
    pg.goto(kit_server.url + "?lang=en")
    expect(pg.get_by_role("heading", name="Social Talks learning kits")).to_be_visible()
    card = pg.locator("li.card", has_text="Tidlig opsporing: at se barnet i tide")
    card.get_by_role("link", name="Open the kit").click()
    pg.wait_for_url("**/voila/render/tidlig-opsporing/kit.ipynb*")
    expect(pg.locator(".tk-phase-title")).to_be_visible(timeout=60_000)
    expect(pg.get_by_text("Tidlig opsporing: at se barnet i tide").first).to_be_visible()
    pg.locator(".tk-agenda-item", has_text="To oplæg").click()
    expect(pg.locator("video").first).to_be_visible()
    assert pg.locator("text=There was an error when executing").count() == 0
    assert log.console_errors == []
    assert log.external_requests(kit_server.url.rstrip("/")) == []


@pytest.mark.browser
def test_gallery_filters_by_language_and_search(kit_server, page):
    pg, _ = page
    pg.goto(kit_server.url + "?lang=en")
    cards = pg.locator("#kits > li:visible")
    total = cards.count()
    assert total >= 2
    pg.get_by_label("Language of the kit").select_option("sv")
    expect(pg.locator("#kits > li:visible").first).to_be_visible()
    swedish = pg.locator("#kits > li:visible").count()
    assert 0 < swedish < total
    pg.get_by_label("Language of the kit").select_option("")
    pg.get_by_label("Search").fill("Mette Holm")
    expect(pg.locator("#kits > li:visible")).to_have_count(1)
    expect(pg.locator("#count")).to_have_text("1 kits")
    pg.get_by_label("Search").fill("")
    pg.get_by_label("Topic").select_option("skolfranvaro")
    expect(pg.locator("#kits > li:visible")).to_have_count(1)
    expect(pg.locator("#kits > li:visible h2")).to_contain_text("skolfrånvaro")


def test_kernels_are_bounded(tmp_path):
    """Past --max-kernels, does a new page get refused instead of another kernel?"""
    server = start_server(KITS, tmp_path / "data", tmp_path / "serve.log", "--max-kernels", "1")
    try:
        url = server.url + "voila/render/tidlig-opsporing/kit.ipynb"
        with urllib.request.urlopen(url, timeout=60) as first:  # noqa: S310
            first.read()
        second = urllib.request.urlopen(url, timeout=60)  # noqa: S310
        body = second.read().decode()
        assert "Kernel started" in server.log()
        assert server.log().count("Kernel started") == 1
        assert "Too many open kits" in body or second.status == 503
    except urllib.error.HTTPError as exc:
        assert exc.code == 503
        assert server.log().count("Kernel started") == 1
    finally:
        stop_server(server)


@pytest.mark.timeout(240)
def test_abandoned_kernels_are_culled(tmp_path):
    """Is the kernel of a page nobody is connected to shut down after the idle time?"""
    server = start_server(KITS, tmp_path / "data", tmp_path / "serve.log", "--cull-idle", "3")
    try:
        url = server.url + "voila/render/tidlig-opsporing/kit.ipynb"
        # Open the page and leave as soon as its kernel is started: the tab was closed.
        response = urllib.request.urlopen(url, timeout=60)  # noqa: S310
        response.read(512)
        deadline = time.monotonic() + 90
        while "Kernel started" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.2)
        response.close()
        assert "Kernel started" in server.log(), server.log()[-2000:]
        deadline = time.monotonic() + 90
        while "Culling kernel" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "Culling kernel" in server.log(), server.log()[-2000:]
    finally:
        stop_server(server)


def test_page_templates_are_compiled_once_for_all_renders() -> None:
    """Voilà makes a new Jinja environment per rendered page; the second one must not parse
    and compile the page templates again (see ``talkkit.upstream.template_cache``)."""
    from voila.exporter import VoilaExporter
    from voila.paths import collect_template_paths

    from talkkit.page.app import use_talkkit_template
    from talkkit.upstream.template_cache import MemoryBytecodeCache, cache_compiled_templates

    use_talkkit_template()
    cache_compiled_templates()
    paths = collect_template_paths(["voila", "nbconvert"], "talkkit")
    first = VoilaExporter(template_paths=paths, template_name="talkkit").environment
    first.get_template("index.html.j2")
    second = VoilaExporter(template_paths=paths, template_name="talkkit").environment
    assert second is not first
    assert isinstance(second.bytecode_cache, MemoryBytecodeCache)

    def compile_again(*_args, **_kwargs):
        raise AssertionError("a page template was compiled again")

    second.compile = compile_again
    template = second.get_template("index.html.j2")
    assert template.name == "index.html.j2"


def test_kernel_managers_share_one_event_logger() -> None:
    """Registering jupyter_server's event schemas once, not once per kernel."""
    from talkkit.page.kernels import BoundedKernelManager
    from talkkit.upstream.event_logger import KitKernelManager

    manager_class = "talkkit.upstream.event_logger.KitKernelManager"
    assert BoundedKernelManager().kernel_manager_class == manager_class
    first, second = KitKernelManager(), KitKernelManager()
    assert first.event_logger is second.event_logger


def test_late_cell_output_is_waited_for() -> None:
    """Under a burst the server reads a kernel's messages seconds late; nbclient's 4 s wait for
    a cell's output then drops the whole kit page and the group sees a blank page (found with
    60 groups in ``talkkit-bench``). The executor of ``talkkit serve`` and of Binder waits."""
    import nbclient
    import nbformat
    from voila.execute import VoilaExecutor

    from talkkit.page.app import RENDER_OUTPUT_TIMEOUT, serve_config

    nb = nbformat.v4.new_notebook()
    default = nbclient.NotebookClient(nb).iopub_timeout
    assert RENDER_OUTPUT_TIMEOUT >= 30 > default
    assert VoilaExecutor(nb, config=serve_config()).iopub_timeout == RENDER_OUTPUT_TIMEOUT
    assert VoilaExecutor(nb, config=serve_config(preheat=2)).iopub_timeout == RENDER_OUTPUT_TIMEOUT


def _page_config(kit_server) -> dict:
    """The Jupyter page config of the demo kit's page (where its JavaScript lives)."""
    url = f"{kit_server.url}voila/render/tidlig-opsporing/kit.ipynb"
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - localhost
        html = response.read().decode("utf-8")
    found = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "no page config in the kit page"
    return json.loads(found.group(1))


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - localhost
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_every_upstream_patch_applies_to_the_installed_versions(kit_server) -> None:
    """Served pages and their kernels log no ``talkkit.upstream`` line: each patch found the
    internal it needs in the installed Voilà, jupyter_server, ipyvue and ipywidgets (the lines
    when one is missing: ``tests/test_upstream.py``)."""
    config = _page_config(kit_server)  # a kit page rendered: its kernel built every view
    assert config["talkkitChunks"].startswith(config["fullStaticUrl"] + "/talkkit-chunks.")
    assert "/voila/static/v/" in config["fullStaticUrl"]
    assert "talkkit.upstream" not in kit_server.log()


def test_javascript_is_cached_for_good_and_sent_gzipped(kit_server) -> None:
    """Voilà's files and the widget extensions' hashed chunks: immutable caching, gzip once."""
    import gzip

    config = _page_config(kit_server)
    base = kit_server.url.rstrip("/")
    extension = next(e for e in config["federated_extensions"] if e["name"] == "jupyter-vuetify")
    urls = [
        base + config["fullStaticUrl"] + "/voila.js",
        f"{base}{config['fullLabextensionsUrl']}/{extension['name']}/{extension['load']}",
    ]
    for url in urls:
        status, plain_headers, plain = _get(url, **{"Accept-Encoding": "identity"})
        assert status == 200 and len(plain) > 1000, url
        assert plain_headers["cache-control"] == "public, max-age=31536000, immutable", url
        assert "content-encoding" not in plain_headers
        status, headers, body = _get(url, **{"Accept-Encoding": "gzip, deflate, br"})
        assert headers.get("content-encoding") == "gzip", url
        assert "Accept-Encoding" in headers.get("vary", ""), url
        assert int(headers["content-length"]) == len(body) < len(plain) / 2
        assert gzip.decompress(body) == plain  # the same file, only smaller
        # A range request gets the file's own bytes.
        status, headers, part = _get(url, Range="bytes=0-99", **{"Accept-Encoding": "gzip"})
        assert status == 206 and part == plain[:100] and "content-encoding" not in headers
    assert "Could not open static file" not in kit_server.log()


def test_the_templates_style_sheets_and_script_are_sent_gzipped(kit_server) -> None:
    """The page's own ``/voila/templates/<template>/static/`` files (600 kB for talkkit's):
    gzipped, kept for good under their ``?v=`` address; other addresses are refused."""
    import gzip

    url = f"{kit_server.url}voila/render/tidlig-opsporing/kit.ipynb"
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - localhost
        html = response.read().decode("utf-8")
    links = sorted(
        set(re.findall(r'"(/voila/templates/talkkit/static/[^"?]+\?v=[0-9a-f]+)"', html))
    )
    names = {link.split("?")[0].rsplit("/", 1)[-1] for link in links}
    assert {"index.css", "voila-style.js"} <= names, links
    base = kit_server.url.rstrip("/")
    for link in links:
        code, plain_headers, plain = _get(base + link, **{"Accept-Encoding": "identity"})
        assert code == 200 and "content-encoding" not in plain_headers, link
        _, headers, body = _get(base + link, **{"Accept-Encoding": "gzip, deflate"})
        assert headers.get("content-encoding") == "gzip", link
        assert "Accept-Encoding" in headers.get("vary", ""), link
        assert gzip.decompress(body) == plain, link
        if len(plain) > 100_000:
            assert len(body) < len(plain) / 3, link
        max_age = re.search(r"max-age=(\d+)", headers.get("cache-control", ""))
        assert max_age and int(max_age.group(1)) >= 365 * 24 * 3600, link
    for path, expected in [
        ("voila/templates/no-such-template/static/index.css", 404),
        ("voila/templates/talkkit/index.css", 404),
        ("voila/templates/talkkit/static/no-such-file.css", 404),
        ("voila/templates/talkkit/static/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd", 403),
        ("voila/templates/..%2F..%2F/static/index.css", 404),
    ]:
        assert status(kit_server.url + path) == expected, path


def test_files_compressed_at_start_are_served_without_compressing_again(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``precompress`` (run at server start) keys its cache as the handlers look it up: the
    real path tornado resolves, here through a symlinked folder, as a venv's share/ may be."""
    import gzip

    from tornado.httpclient import AsyncHTTPClient
    from tornado.httpserver import HTTPServer
    from tornado.testing import bind_unused_port
    from tornado.web import Application

    from talkkit.page import static
    from talkkit.upstream.static_handlers import VersionedStaticHandler

    real = tmp_path / "real" / "static"
    real.mkdir(parents=True)
    code = b"console.log('talkkit');\n" * 500
    (real / "chunk.0123456789abcdef.js").write_bytes(code)
    (real / "chunk.0123456789abcdef.js.map").write_text("{}")  # only developer tools ask
    (real / "poster.png").write_bytes(b"\x89PNG" + bytes(2000))  # not text: never gzipped
    link = tmp_path / "served"
    link.symlink_to(tmp_path / "real")
    assert static.precompress([str(link)]) == 1

    compress, calls = gzip.compress, []
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: calls.append(1) or compress(*a, **k))

    async def fetch() -> tuple[str | None, bytes]:
        app = Application([(r"/s/(.*)", VersionedStaticHandler, {"paths": [str(link)]})])
        sock, port = bind_unused_port()
        server = HTTPServer(app)
        server.add_sockets([sock])
        try:
            response = await AsyncHTTPClient().fetch(
                f"http://127.0.0.1:{port}/s/static/chunk.0123456789abcdef.js",
                headers={"Accept-Encoding": "gzip"},
                decompress_response=False,
            )
            return response.headers.get("Content-Encoding"), response.body
        finally:
            server.stop()

    encoding, body = run_async(fetch())
    assert encoding == "gzip" and gzip.decompress(body) == code
    assert calls == []  # served from what was compressed at start
    (real / "chunk.0123456789abcdef.js").write_bytes(code + b"// changed\n")
    assert run_async(fetch())[0] == "gzip" and calls == [1]  # a changed file: compressed anew
