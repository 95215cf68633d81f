"""The Vue components compiled ahead of time (``widgets/compiled.mjs``, see widgets/compiled.py).

The browser tests render the kit through the compiled module; these check that the module is
what the compiler makes of the current sources, and that a stale module is never used.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import KITS, ROOT, start_server, stop_server
from playwright.sync_api import expect
from test_browser_kit import kit_url, open_kit

from widgets import compiled

BUILD = ROOT / "widgets" / "vue_build"


def test_compiled_module_is_made_from_the_current_sources():
    assert compiled.stale_sources() == [], "a component changed: run ./dev vue and commit"


@pytest.mark.skipif(
    not (shutil.which("node") and (BUILD / "node_modules" / "@vue" / "compiler-sfc").is_dir()),
    reason="needs node and the Vue compiler (./dev test installs them)",
)
def test_compiling_again_gives_the_committed_module(tmp_path):
    out = tmp_path / "compiled.mjs"
    subprocess.run(
        ["node", str(BUILD / "compile.mjs"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert out.read_text(encoding="utf-8") == compiled.COMPILED.read_text(encoding="utf-8")


def test_a_changed_added_or_removed_source_makes_the_module_stale(tmp_path):
    folder = tmp_path / "widgets"
    shutil.copytree(ROOT / "widgets", folder, ignore=shutil.ignore_patterns("vue_build"))
    module = folder / "compiled.mjs"
    assert compiled.stale_sources(folder, module) == []

    page = folder / "page.vue"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (folder / "extra.vue").write_text("<template><p>x</p></template>", encoding="utf-8")
    (folder / "join.vue").unlink()
    assert compiled.stale_sources(folder, module) == ["extra.vue", "join.vue", "page.vue"]

    module.write_text("// not a compiled module\n", encoding="utf-8")
    assert len(compiled.stale_sources(folder, module)) == len(list(folder.glob("*.vue")))
    module.unlink()
    assert len(compiled.stale_sources(folder, module)) == len(list(folder.glob("*.vue")))


@pytest.fixture
def fresh(monkeypatch):
    """Run with ``is_fresh`` forced to ``value`` (its per-process cache emptied around it)."""

    def set_fresh(value: bool) -> None:
        compiled.is_fresh.cache_clear()
        monkeypatch.setattr(compiled, "stale_sources", lambda *a: [] if value else ["page.vue"])
        if not value:
            monkeypatch.delenv(compiled.SOURCE_ENV, raising=False)

    yield set_fresh
    compiled.is_fresh.cache_clear()


def test_views_take_their_component_from_the_module_when_it_is_fresh(fresh):
    from widgets.join import JoinView
    from widgets.page import PageView

    fresh(True)
    template = compiled.component_template("page.vue")
    assert (template.esm_module, template.esm_export) == (compiled.MODULE_NAME, "page")
    assert template.template is None  # no source for the browser to compile
    assert compiled.component_template("page.vue") is template  # one per file and kernel
    module = compiled._module()
    assert module.name == compiled.MODULE_NAME
    assert module.code == compiled.COMPILED.read_text(encoding="utf-8")
    for view, export in ((PageView, "page"), (JoinView, "join")):
        assert f"export const {export} = " in module.code
        assert view.vue_file == f"{export}.vue"


def test_a_stale_module_is_not_used(fresh, caplog):
    fresh(False)
    with caplog.at_level("WARNING", logger="talkkit.widgets"):
        template = compiled.component_template("questions.vue")
    assert template.esm_module is None
    source = (ROOT / "widgets" / "questions.vue").read_text(encoding="utf-8")
    assert template.template == source
    assert "./dev vue" in caplog.text and "page.vue" in caplog.text


#: Counts the times jupyter-vue loads Vue's SFC compiler into the page (it announces each load).
COUNT_COMPILER_LOADS = """
window.__sfcLoads = 0;
window.addEventListener('jupyter-vue:load-chunk', (e) => {
  if (e.detail && e.detail.chunk === 'vue-sfc') window.__sfcLoads += 1;
});
"""


@pytest.mark.browser
def test_the_kit_page_loads_no_vue_compiler(kit_server, page, tmp_path, monkeypatch):
    pg, _log = page
    pg.add_init_script(COUNT_COMPILER_LOADS)
    open_kit(pg, kit_url(kit_server, "lang=en"))
    expect(pg.locator("textarea").first).to_be_enabled()
    assert pg.evaluate("window.__sfcLoads") == 0

    # The same kit from the sources loads the compiler: the count above can see it.
    monkeypatch.setenv(compiled.SOURCE_ENV, "1")
    server = start_server(KITS, tmp_path / "data", tmp_path / "serve.log")
    try:
        open_kit(pg, kit_url(server, "lang=en"))
        expect(pg.locator("textarea").first).to_be_enabled()
        assert pg.evaluate("window.__sfcLoads") == 1
    finally:
        stop_server(server)
