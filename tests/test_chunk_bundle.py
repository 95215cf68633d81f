"""Voilà's chunks in one file (talkkit/upstream/chunk_bundle.py): built right, served right, and complete."""

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

from talkkit.upstream import chunk_bundle as chunks

CHUNK_REQUEST = re.compile(r"/\d+\.voila\.js(\?|$)")
#: a front-end extension's chunk, as the page asks for it (its package and file)
EXTENSION_REQUEST = re.compile(r"/voila/labextensions/(.+)/static/(\d+\.[0-9a-f]+\.js)(\?|$)")
#: The bundle's tag: inert until the boot gate runs it (talkkit/upstream/boot_gate.py), or a plain
#: script where the gate does not apply.
BUNDLE_SRC = re.compile(
    r'<script (?:type="text/x-talkkit-boot" data-)?src="([^"]*/talkkit-chunks\.[0-9a-f]{16}\.js)"'
    r"></script>"
)


def test_the_bundle_holds_the_listed_chunks_it_finds_first_folder_first(tmp_path, caplog):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "1.voila.js").write_text("push(1)\n//# sourceMappingURL=1.voila.js.map\n")
    (second / "1.voila.js").write_text("push('other 1')")
    (second / "22.voila.js").write_text("push(22)")
    bundle = chunks.build_bundle([str(first), str(second)], ["1", "22", "333"], extensions={})
    assert bundle is not None
    assert bundle.chunks == ("1", "22")  # 333 is nowhere: the page will fetch it itself
    text = bundle.body.decode()
    # each chunk in a function of its own; the source map comment ends before the `}`
    assert text == (
        "(function(){\npush(1)\n//# sourceMappingURL=1.voila.js.map\n}).call(this);\n"
        "(function(){\npush(22)\n}).call(this);\n"
    )
    assert gzip.decompress(bundle.gzipped) == bundle.body
    assert re.fullmatch(r"talkkit-chunks\.[0-9a-f]{16}\.js", bundle.name)
    assert "1 of Voilà's listed chunks were not found" in caplog.text

    (second / "22.voila.js").write_text("push(22, 'changed')")
    changed = chunks.build_bundle([str(first), str(second)], ["1", "22"], extensions={})
    assert changed.name != bundle.name
    assert chunks.build_bundle([str(first)], ["404"], extensions={}) is None
    assert chunks.build_bundle([str(first)], [], extensions={}) is None


def test_a_list_for_another_voila_version_is_not_used(tmp_path, caplog):
    listed = tmp_path / "voila_chunks.json"
    listed.write_text(json.dumps({"voila": "0.0.1", "chunks": ["1"]}))
    assert chunks.chunk_ids(listed) is None
    assert "python -m talkkit_bench.chunks" in caplog.text
    listed.write_text(json.dumps({"voila": voila_version, "chunks": ["1", "../x", 2]}))
    assert chunks.chunk_ids(listed) == ["1", "2"]  # only chunk numbers: no path in a name
    assert chunks.chunk_ids(tmp_path / "missing.json") is None


def _extension(root: Path, package: str, version: str, mapped: dict, files: dict) -> None:
    """A built front-end extension as Voilà finds it: package.json, remoteEntry, chunks."""
    static = root.joinpath(*package.split("/"), "static")
    static.mkdir(parents=True)
    meta = {"name": package, "version": version, "jupyterlab": {"_build": {"load": "static/re.js"}}}
    (static.parent / "package.json").write_text(json.dumps(meta))
    table = ",".join(f'{i}:"{h}"' for i, h in mapped.items())  # rspack/webpack's chunk names
    (static / "re.js").write_text(f'r.u=e=>e+"."+{{{table}}}[e]+".js"')
    for name, body in files.items():
        (static / name).write_text(body)


def test_an_extension_chunk_is_bundled_only_if_it_is_what_the_page_would_fetch(tmp_path, caplog):
    first, second = tmp_path / "share", tmp_path / "voila"
    _extension(
        first,
        "@org/ext",
        "1.0.0",
        {7: "aaaaaaaa", 8: "cccccccc", 9: "dddddddd"},
        {"7.aaaaaaaa.js": "push(7)", "8.bbbbbbbb.js": "push('old 8')"},
    )
    _extension(first, "ext-b", "2.1.0", {3: "eeeeeeee"}, {"3.eeeeeeee.js": "push(3)"})
    _extension(first, "ext-c", "9.0.0", {4: "ffffffff"}, {"4.ffffffff.js": "push('c 9')"})
    _extension(second, "ext-c", "1.0.0", {4: "ffffffff"}, {"4.ffffffff.js": "push('c 1')"})
    listed = {
        "@org/ext": {
            "version": "1.0.0",
            # 8: a file left from another build (the runtime asks for 8.cccccccc.js); 9: gone
            "chunks": ["7.aaaaaaaa.js", "8.bbbbbbbb.js", "9.dddddddd.js"],
        },
        "ext-b": {"version": "2.0.0", "chunks": ["3.eeeeeeee.js"]},  # upgraded since
        "ext-c": {"version": "1.0.0", "chunks": ["4.ffffffff.js"]},  # the page loads 9.0.0
    }
    bundle = chunks.build_bundle(
        [], [], labextension_paths=[str(first), str(second)], extensions=listed
    )
    assert bundle is not None
    assert bundle.chunks == ()
    assert bundle.extension_chunks == ("@org/ext/static/7.aaaaaaaa.js",)
    assert bundle.body == b"(function(){\npush(7)\n}).call(this);\n"
    assert "@org/ext/static/8.bbbbbbbb.js is not @org/ext's chunk now" in caplog.text
    assert "the chunk list is for ext-b 2.0.0, this is 2.1.0" in caplog.text

    listed["ext-b"]["version"] = "2.1.0"  # recorded again: bundled, after Voilà's own chunks
    (tmp_path / "5.voila.js").write_text("push(5)")
    bundle = chunks.build_bundle(
        [str(tmp_path)], ["5"], labextension_paths=[str(first)], extensions=listed
    )
    assert bundle.chunks == ("5",)
    assert bundle.extension_chunks == (
        "@org/ext/static/7.aaaaaaaa.js",
        "ext-b/static/3.eeeeeeee.js",
    )
    assert bundle.body.decode().index("push(5)") < bundle.body.decode().index("push(3)")
    assert chunks.build_bundle([], [], [str(first)], {"ext-c": listed["ext-c"]}) is None


def test_the_list_keeps_only_well_formed_extension_names(tmp_path):
    listed = tmp_path / "voila_chunks.json"
    good = {"version": "1", "chunks": ["7.aaaaaaaa.js", "../../x.js", "vue-sfc.aaaaaaaa.js", 8]}
    listed.write_text(
        json.dumps(
            {
                "voila": voila_version,
                "chunks": [],
                "labextensions": {
                    "@org/ext": good,
                    "../etc": good,
                    "ext/../../x": good,
                    "no-version": {"chunks": ["7.aaaaaaaa.js"]},
                    "no-list": {"version": "1", "chunks": 7},
                },
            }
        )
    )
    assert chunks.extension_chunks(listed) == {
        "@org/ext": {"version": "1", "chunks": ["7.aaaaaaaa.js"]}
    }
    listed.write_text(json.dumps({"voila": voila_version, "chunks": ["1"]}))
    assert chunks.extension_chunks(listed) == {}


def test_record_keeps_the_extension_chunks_of_the_urls_with_their_versions(tmp_path):
    _extension(tmp_path, "@org/ext", "1.2.3", {}, {})
    _extension(tmp_path, "ext-b", "0.1.0", {}, {})
    urls = [
        "http://h/voila/labextensions/@org/ext/static/12.aaaaaaaa.js?v=aaaaaaaa",
        "http://h/voila/labextensions/@org/ext/static/7.bbbbbbbb.js?v=bbbbbbbb",
        "http://h/voila/labextensions/@org/ext/static/remoteEntry.cccccccc.js",
        "http://h/voila/labextensions/ext-b/static/1dfbc3dbf815e3f3.woff2",
        "http://h/voila/labextensions/ext-b/static/3.dddddddd.js",
        "http://h/voila/labextensions/not-installed/static/3.dddddddd.js",
        "http://h/voila/static/v/abc/7883.voila.js",
    ]
    assert chunks.record_extensions(urls, [str(tmp_path)]) == {
        "@org/ext": {"version": "1.2.3", "chunks": ["7.bbbbbbbb.js", "12.aaaaaaaa.js"]},
        "ext-b": {"version": "0.1.0", "chunks": ["3.dddddddd.js"]},
    }


@pytest.mark.browser
def test_each_chunk_keeps_its_own_strictness_in_the_bundle(tmp_path, page):
    (tmp_path / "1.voila.js").write_text(
        '"use strict";self.strictOne = (function () { return this; })() === undefined;'
    )
    (tmp_path / "2.voila.js").write_text(
        "self.sloppyTwo = (function () { return this; })() === self;\n"
        "self.topThis = this === self; undeclaredTwo = 2;"  # an error in strict code
    )
    bundle = chunks.build_bundle([str(tmp_path)], ["1", "2"], extensions={})
    pg, _log = page
    pg.set_content("<!doctype html><title>bundle</title>")
    pg.add_script_tag(content=bundle.body.decode())
    flags = pg.evaluate("[self.strictOne, self.sloppyTwo, self.topThis, self.undeclaredTwo]")
    assert flags == [True, True, True, 2]


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
    ids = chunks.chunk_ids()
    assert ids, f"talkkit/upstream/voila_chunks.json is not for Voilà {voila_version}"
    bundle = _installed_bundle()
    assert bundle is not None and list(bundle.chunks) == ids
    # every listed chunk of an extension installed in the recorded version passes the checks
    current = _current_extensions()
    assert "@jupyter-widgets/jupyterlab-manager" in chunks.extension_chunks()
    expected = [f"{p}/static/{f}" for p, e in current.items() for f in e["chunks"]]
    assert list(bundle.extension_chunks) == expected


def _installed_bundle() -> chunks.ChunkBundle | None:
    from voila.paths import collect_static_paths  # Voilà's own lookups, as the server's
    from voila.utils import get_voila_labextensions_path

    return chunks.build_bundle(
        collect_static_paths(["voila", "nbconvert"], "lab"),
        labextension_paths=get_voila_labextensions_path(),
    )


def _current_extensions() -> dict[str, dict]:
    """The listed extensions installed in the recorded version (the others are not bundled:
    the extensions are not pinned, a newer release is recorded with python -m talkkit_bench.chunks)."""
    from jupyterlab_server.config import get_federated_extensions
    from voila.utils import get_voila_labextensions_path

    installed = get_federated_extensions(get_voila_labextensions_path())
    return {
        package: entry
        for package, entry in chunks.extension_chunks().items()
        if installed.get(package, {}).get("version") == entry["version"]
    }


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
        "chunks missing from talkkit/upstream/voila_chunks.json: run python -m talkkit_bench.chunks"
    )
    assert sum("talkkit-chunks." in u for u in log.requests) == 1
    fetched = [m.groups()[:2] for u in log.requests if (m := EXTENSION_REQUEST.search(u))]
    bundled = set(_installed_bundle().extension_chunks)
    assert [f for f in fetched if "/static/".join(f) in bundled] == []  # never twice
    current = _current_extensions()
    missing = [f for f in fetched if f[0] in current]
    assert missing == [], "run python -m talkkit_bench.chunks: the list misses these chunks"
    assert {f"{p}/static/{f}" for p, e in current.items() for f in e["chunks"]} <= bundled

    # Without the bundle the same page fetches them one by one: the check above can see it.
    monkeypatch.setenv("TALKKIT_NO_CHUNK_BUNDLE", "1")
    server = start_server(KITS, tmp_path / "data", tmp_path / "serve.log")
    try:
        log.requests.clear()
        open_kit(pg, kit_url(server, "lang=en"))
        expect(pg.locator("textarea").first).to_be_enabled()
        assert len([u for u in log.requests if CHUNK_REQUEST.search(u)]) > 50
        assert len([u for u in log.requests if EXTENSION_REQUEST.search(u)]) >= len(bundled) > 0
        assert not any("talkkit-chunks." in u for u in log.requests)
    finally:
        stop_server(server)


def test_the_list_file_is_packaged():
    import tomllib

    root = Path(chunks.__file__).parents[2]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["talkkit"]
    assert chunks.CHUNK_LIST.relative_to(root / "talkkit").as_posix() in package_data
