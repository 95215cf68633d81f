"""Voilà's chunks in one file (talkkit/chunks.py): built right, served right, and complete."""

from __future__ import annotations

import gzip
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import KITS, start_server, stop_server
from playwright.sync_api import expect
from test_browser_kit import kit_url, open_kit
from voila import __version__ as voila_version

from talkkit import chunks

CHUNK_REQUEST = re.compile(r"/\d+\.voila\.js(\?|$)")
BUNDLE_SRC = re.compile(r'<script src="([^"]*/talkkit-chunks\.[0-9a-f]{16}\.js)"></script>')


def test_the_bundle_holds_the_listed_chunks_it_finds_first_folder_first(tmp_path, caplog):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "1.voila.js").write_text("push(1)\n//# sourceMappingURL=1.voila.js.map\n")
    (second / "1.voila.js").write_text("push('other 1')")
    (second / "22.voila.js").write_text("push(22)")
    bundle = chunks.build_bundle([str(first), str(second)], ["1", "22", "333"])
    assert bundle is not None
    assert bundle.chunks == ("1", "22")  # 333 is nowhere: the page will fetch it itself
    text = bundle.body.decode()
    # the source map comment ends before the next chunk starts
    assert text == "push(1)\n//# sourceMappingURL=1.voila.js.map\n;\npush(22)\n;\n"
    assert gzip.decompress(bundle.gzipped) == bundle.body
    assert re.fullmatch(r"talkkit-chunks\.[0-9a-f]{16}\.js", bundle.name)
    assert "1 of Voilà's listed chunks were not found" in caplog.text

    (second / "22.voila.js").write_text("push(22, 'changed')")
    assert chunks.build_bundle([str(first), str(second)], ["1", "22"]).name != bundle.name
    assert chunks.build_bundle([str(first)], ["404"]) is None
    assert chunks.build_bundle([str(first)], []) is None


def test_a_list_for_another_voila_version_is_not_used(tmp_path, caplog):
    listed = tmp_path / "voila_chunks.json"
    listed.write_text(json.dumps({"voila": "0.0.1", "chunks": ["1"]}))
    assert chunks.chunk_ids(listed) is None
    assert "python -m talkkit.chunks" in caplog.text
    listed.write_text(json.dumps({"voila": voila_version, "chunks": ["1", "../x", 2]}))
    assert chunks.chunk_ids(listed) == ["1", "2"]  # only chunk numbers: no path in a name
    assert chunks.chunk_ids(tmp_path / "missing.json") is None


def test_record_keeps_the_chunk_ids_of_the_urls():
    urls = [
        "http://h/voila/static/v/abc/voila.js",
        "http://h/voila/static/v/abc/7883.voila.js",
        "http://h/voila/static/v/abc/143.voila.js?v=1",
        "http://h/voila/static/v/abc/7883.voila.js",
        "http://h/voila/labextensions/jupyter-vue/static/962.128c06e0.js",
    ]
    assert chunks.record(urls) == ["143", "7883"]


def test_the_committed_list_is_for_this_voila_and_every_chunk_exists():
    from voila.paths import collect_static_paths  # Voilà's own lookup of its static folders

    ids = chunks.chunk_ids()
    assert ids, f"talkkit/voila_chunks.json is not for Voilà {voila_version}"
    bundle = chunks.build_bundle(collect_static_paths(["voila", "nbconvert"], "lab"), ids)
    assert bundle is not None and list(bundle.chunks) == ids


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return response.headers, response.read()


def test_the_server_sends_the_bundle_gzipped_and_cached_for_good(kit_server):
    _headers, html = _get(kit_url(kit_server, "lang=en"))
    found = BUNDLE_SRC.search(html.decode())
    assert found, "the kit page does not load the chunk bundle"
    url = kit_server.url.rstrip("/") + found.group(1)
    headers, body = _get(url, **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert headers["Content-Type"].startswith("text/javascript")
    plain = gzip.decompress(body)
    assert b"webpackChunk_JUPYTERLAB_CORE_OUTPUT" in plain
    headers, same = _get(url)  # a client without gzip gets the file as it is
    assert same == plain and "Content-Encoding" not in headers

    stale = re.sub(r"[0-9a-f]{16}\.js$", "0" * 16 + ".js", url)
    with pytest.raises(urllib.error.HTTPError) as error:
        _get(stale)
    assert error.value.code == 404


@pytest.mark.browser
def test_the_kit_page_fetches_no_chunk_one_by_one(kit_server, page, tmp_path, monkeypatch):
    pg, log = page
    open_kit(pg, kit_url(kit_server, "lang=en"))
    expect(pg.locator("textarea").first).to_be_enabled()
    pg.wait_for_timeout(1500)  # chunks a page loads after the widgets render
    one_by_one = [u for u in log.requests if CHUNK_REQUEST.search(u)]
    assert one_by_one == [], (
        "chunks missing from talkkit/voila_chunks.json: run python -m talkkit.chunks"
    )
    assert sum("talkkit-chunks." in u for u in log.requests) == 1

    # Without the bundle the same page fetches them one by one: the check above can see it.
    monkeypatch.setenv("TALKKIT_NO_CHUNK_BUNDLE", "1")
    server = start_server(KITS, tmp_path / "data", tmp_path / "serve.log")
    try:
        log.requests.clear()
        open_kit(pg, kit_url(server, "lang=en"))
        expect(pg.locator("textarea").first).to_be_enabled()
        assert len([u for u in log.requests if CHUNK_REQUEST.search(u)]) > 50
        assert not any("talkkit-chunks." in u for u in log.requests)
    finally:
        stop_server(server)


def test_the_list_file_is_packaged():
    import tomllib

    root = Path(chunks.__file__).parents[1]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["talkkit"]
    assert chunks.CHUNK_LIST.name in package_data
