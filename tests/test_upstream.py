"""Does every upstream patch live in talkkit/upstream/, name what it targets, and, when the
internal it touches is gone, say so in one log line and leave the page working?

Each "missing" test fakes an upstream release without the internal (monkeypatching it away or
renaming it) and checks both halves: the one line on the ``talkkit.upstream`` logger, and that
what the page needs still works the way upstream does it without talkkit's patch.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Any, ClassVar

import pytest
from helpers import run_async

from talkkit.upstream import PATCHES
from talkkit.upstream._target import _log_once

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_log_lines():
    """Each test sees the once-per-process log lines again."""
    _log_once.cache_clear()
    yield
    _log_once.cache_clear()


def upstream_lines(caplog: pytest.LogCaptureFixture, patch: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("talkkit.upstream")
        and r.getMessage().startswith(f"talkkit.upstream.{patch}:")
    ]


def patch_module(name: str) -> Any:
    return importlib.import_module(f"talkkit.upstream.{name}")


# --- the seam itself -----------------------------------------------------------------------


def test_every_patch_states_its_target_issue_and_hook() -> None:
    for name in PATCHES:
        module = patch_module(name)
        target = module.TARGET
        assert target.patch == name
        assert target.tested and target.issue and target.distribution
        doc = module.__doc__ or ""
        assert "Targets" in doc, name
        assert "hook" in doc, f"{name} must say which documented hook it uses, or why none"
        lines = len((ROOT / "talkkit" / "upstream" / f"{name}.py").read_text().splitlines())
        assert lines < 400, name
    listed = {p.stem for p in (ROOT / "talkkit" / "upstream").glob("[!_]*.py")}
    assert listed == set(PATCHES)


def test_the_installed_upstream_is_what_the_patches_were_tested_with() -> None:
    """An upgrade of any targeted package fails here until its patches are checked again."""
    for name in PATCHES:
        target = patch_module(name).TARGET
        assert target.is_tested, f"{name}: {target.distribution} {target.version} untested"
    pinned = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    voila = next(d for d in pinned if d.startswith("voila"))
    for name in PATCHES:
        target = patch_module(name).TARGET
        if target.distribution == "voila":
            assert voila == f"voila=={target.tested[-1]}", name


def test_the_listing_names_every_patch_and_fails_on_an_untested_version(capsys, monkeypatch):
    from talkkit.upstream import __main__ as listing
    from talkkit.upstream import _target

    assert listing.main() == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(PATCHES)
    monkeypatch.setattr(_target, "installed_version", lambda name: "99.0")
    assert listing.main() == 1
    assert capsys.readouterr().out.count("UNTESTED") == len(PATCHES)


#: Private upstream names that only talkkit/upstream/ may touch.
PRIVATE = re.compile(
    r"\._pools\b|\._waiters\b|_create_environment|_default_event_logger|_msg_callbacks"
    r"|fullStaticUrl|TemplateStaticFileHandler|MultiStaticFileHandler|FileFindHandler"
    r"|voila\.request_info_handler|voila\.static_file_handler|jupyterapp|_restoredStatus"
)


def test_no_private_upstream_name_outside_the_seam() -> None:
    seam = ROOT / "talkkit" / "upstream"
    static = ROOT / "talkkit" / "share" / "jupyter" / "voila" / "templates" / "talkkit" / "static"
    found = []
    for folder in (ROOT / "talkkit", ROOT / "widgets"):
        for path in folder.rglob("*"):
            if path.suffix not in (".py", ".j2", ".js", ".vue") or path.name == "compiled.mjs":
                continue
            if path.is_relative_to(seam) or path.is_relative_to(static):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PRIVATE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


# --- server side ---------------------------------------------------------------------------


class FakePoolManager:
    """What Voilà's pooling kernel manager looks like to the patch, with ``_pools`` gone."""

    kernel_pools_config: ClassVar[dict] = {}
    preheat_concurrency = 1
    max_kernels = 4

    async def _initialize(self, *args: Any, **kwargs: Any) -> dict:
        return {}

    def get_pool_size(self, notebook: str) -> int:
        return 7

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> str:
        return "rendered"

    def fill_if_needed(self, **kwargs: Any) -> None:
        pass


def test_kernel_pool_without_its_internals_keeps_voilas_pool(caplog, monkeypatch) -> None:
    from voila.request_info_handler import RequestInfoSocketHandler

    from talkkit.upstream.kernel_pool import tune_preheat

    km = FakePoolManager()
    before = (km.get_pool_size, km.get_rendered_notebook)
    assert tune_preheat(km, preheat=True) is False
    assert (km.get_pool_size, km.get_rendered_notebook) == before
    assert km.get_pool_size("kit.ipynb") == 7  # Voilà's own pool answers
    [line] = upstream_lines(caplog, "kernel_pool")
    assert "_pools" in line and "voila 0.5.13" in line

    caplog.clear()
    km._pools = {}
    monkeypatch.delattr(RequestInfoSocketHandler, "_waiters")
    assert tune_preheat(km, preheat=True) is False
    assert run_async(km.get_rendered_notebook("kit.ipynb")) == "rendered"
    assert "_waiters" in upstream_lines(caplog, "kernel_pool")[0]
    assert tune_preheat(km, preheat=False) is False  # no pool: nothing to say
    assert len(upstream_lines(caplog, "kernel_pool")) == 1


def test_template_cache_after_a_rename_upstream_still_renders(caplog, monkeypatch) -> None:
    """nbconvert renaming ``_create_environment``: no cache, and the page template renders."""
    from nbconvert.exporters.templateexporter import TemplateExporter
    from voila.exporter import VoilaExporter
    from voila.paths import collect_template_paths

    from talkkit.page.app import use_talkkit_template
    from talkkit.upstream.template_cache import MemoryBytecodeCache, cache_compiled_templates

    original = TemplateExporter._create_environment
    monkeypatch.delattr(VoilaExporter, "_talkkit_cached", raising=False)
    if "_create_environment" in vars(VoilaExporter):  # patched by an earlier test
        monkeypatch.delattr(VoilaExporter, "_create_environment")
    monkeypatch.delattr(TemplateExporter, "_create_environment")
    monkeypatch.setattr(TemplateExporter, "_make_environment", original, raising=False)
    monkeypatch.setattr(
        TemplateExporter, "environment", property(lambda self: self._make_environment())
    )
    assert cache_compiled_templates() is False
    [line] = upstream_lines(caplog, "template_cache")
    assert "_create_environment" in line and "compiled for each page" in line

    use_talkkit_template()
    paths = collect_template_paths(["voila", "nbconvert"], "talkkit")
    environment = VoilaExporter(template_paths=paths, template_name="talkkit").environment
    assert not isinstance(environment.bytecode_cache, MemoryBytecodeCache)
    assert environment.get_template("index.html.j2").name == "index.html.j2"


def test_static_handlers_not_found_are_left_as_voila_made_them(caplog) -> None:
    from tornado.web import StaticFileHandler

    from talkkit.upstream.static_handlers import swap_handlers

    class RenamedFileHandler(StaticFileHandler):
        pass

    handlers = [
        (r"/voila/labextensions/(.*)", RenamedFileHandler, {"path": "/nowhere"}),
        (r"/voila/templates/(.*)", RenamedFileHandler, {"path": "/nowhere"}),
    ]
    swapped, roots = swap_handlers(handlers, "talkkit")
    assert swapped == handlers and roots == []
    lines = upstream_lines(caplog, "static_handlers")
    assert len(lines) == 2
    assert "FileFindHandler" in lines[0] and "TemplateStaticFileHandler" in lines[1]


def test_static_url_without_voilas_key_leaves_the_page_config(caplog) -> None:
    from talkkit.upstream.static_url import versioned_page_config

    page_config = {"baseUrl": "/"}
    assert versioned_page_config(page_config, "/", "voila/static/v/0123") is False
    assert page_config == {"baseUrl": "/"}
    assert "fullStaticUrl" in upstream_lines(caplog, "static_url")[0]
    page_config["fullStaticUrl"] = "/voila/static"
    assert versioned_page_config(page_config, "/base/", "voila/static/v/0123") is True
    assert page_config["fullStaticUrl"] == "/base/voila/static/v/0123"


def test_event_logger_without_the_default_is_jupyter_servers_manager(caplog, monkeypatch):
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

    from talkkit.upstream import event_logger

    monkeypatch.delattr(ServerKernelManager, "_default_event_logger")
    try:
        fallback = importlib.reload(event_logger)
        assert "_default_event_logger" not in vars(fallback.KitKernelManager)
        manager = fallback.KitKernelManager()
        assert isinstance(manager, ServerKernelManager)
        [line] = upstream_lines(caplog, "event_logger")
        assert "_default_event_logger" in line
    finally:
        monkeypatch.undo()
        importlib.reload(event_logger)
    assert "_default_event_logger" in vars(event_logger.KitKernelManager)


def test_cdn_links_changed_upstream_are_reported(caplog, tmp_path) -> None:
    from talkkit.upstream.cdn_links import LAB_CDN_LINKS, check

    assert check() is True  # the installed Voilà: exactly the links the template removes
    changed = tmp_path / "index.html.j2"
    changed.write_text(
        LAB_CDN_LINKS[0] + '\n<link rel="stylesheet" href="https://cdn.example/fa6.css" />\n'
    )
    assert check(changed) is False
    [line] = upstream_lines(caplog, "cdn_links")
    assert "1 of 2 not found" in line and "https://cdn.example/fa6.css" in line


def test_the_template_removes_exactly_the_listed_cdn_links() -> None:
    from talkkit.page.app import TEMPLATE_ROOT
    from talkkit.upstream.cdn_links import LAB_CDN_LINKS

    template = (TEMPLATE_ROOT / "voila" / "templates" / "talkkit" / "index.html.j2").read_text()
    removed = re.findall(r"\| replace\('(.*?)', ''\)", template)
    assert removed == list(LAB_CDN_LINKS)


def test_page_scripts_missing_are_reported(caplog, monkeypatch, tmp_path) -> None:
    from talkkit.upstream import _scripts, page_unload, widget_manager

    assert widget_manager.check() is True and page_unload.check() is True
    for module in (widget_manager, page_unload):
        monkeypatch.setattr(
            module, "missing_scripts", lambda names: _scripts.missing_scripts(names, tmp_path)
        )
    assert widget_manager.check() is False and page_unload.check() is False
    assert "late-models.js" in upstream_lines(caplog, "widget_manager")[0]
    assert "page-unload.js" in upstream_lines(caplog, "page_unload")[0]


def test_boot_gate_without_voilas_script_tag_is_reported(caplog, monkeypatch, tmp_path) -> None:
    """When Voilà's setup macro writes voila.js otherwise, the gate says so (the template then
    leaves Voilà's tags as they are: the page starts at once)."""
    from talkkit.upstream import _scripts, boot_gate

    assert boot_gate.check() is True
    macro = tmp_path / "voila_setup.macro.html.j2"
    macro.write_text('<script defer src="{{ main_js }}"></script>', encoding="utf-8")
    assert boot_gate.check(macro) is False
    assert "voila.js tag" in upstream_lines(caplog, "boot_gate")[0]
    caplog.clear()
    monkeypatch.setattr(
        boot_gate, "missing_scripts", lambda names: _scripts.missing_scripts(names, tmp_path)
    )
    assert boot_gate.check() is False
    assert "boot-gate.js" in upstream_lines(caplog, "boot_gate")[0]


# --- kernel side ---------------------------------------------------------------------------


def test_preheat_protocol_without_the_kernel_id_renders_with_defaults(caplog, monkeypatch):
    from talkkit.page import preheat

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    assert preheat.wait_for_request() is False
    assert "VOILA_KERNEL_ID" in upstream_lines(caplog, "preheat_protocol")[0]


def _custom(widget: Any, content: Any) -> None:
    widget._handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
    )


def test_ipyvue_registering_another_handler_still_reaches_only_talkkits(caplog, monkeypatch):
    """ipyvue renaming ``_handle_event``: its handler would run ``create_widget`` from any
    client; the view keeps only talkkit's handler, and its own events still work."""
    from ipyvue.VueTemplateWidget import Events

    from widgets._base import SafeTemplate

    raw: list[Any] = []

    def init(self: Any, **kwargs: Any) -> None:
        self.on_msg(lambda _w, content, _b: raw.append(content))  # "ipyvue 4"
        self.events = [item[4:] for item in dir(self) if item.startswith("vue_")]

    monkeypatch.setattr(Events, "__init__", init)

    class Probe(SafeTemplate):
        def __init__(self) -> None:
            self.got: list[Any] = []
            super().__init__(template="<div />")

        def vue_ping(self, data: Any) -> None:
            self.got.append(data)

    probe = Probe()
    try:
        [line] = upstream_lines(caplog, "ipyvue_events")
        assert "_handle_event" in line
        _custom(probe, {"create_widget": ["os", "system", "x"], "props": {}})
        _custom(probe, {"event": "ping", "data": 3})
        assert raw == [] and probe.got == [3]
    finally:
        probe.close()


def test_ipywidgets_opening_in_init_is_reported_and_the_view_works(caplog, monkeypatch):
    import ipywidgets

    from widgets._base import SafeTemplate

    init = ipywidgets.Widget.__init__

    def opening_init(self: Any, **kwargs: Any) -> None:
        init(self, **kwargs)
        ipywidgets.Widget.open(self)  # "ipywidgets 9": not through the overridable open()

    monkeypatch.setattr(ipywidgets.Widget, "__init__", opening_init)
    view = SafeTemplate(template="<div />")
    try:
        [line] = upstream_lines(caplog, "widget_open")
        assert "self.open()" in line
        assert view.comm is not None and view.model_id
    finally:
        view.close()


KERNEL_CODE = """
import ipywidgets
init = ipywidgets.Widget.__init__
def opening_init(self, **kwargs):
    init(self, **kwargs)
    ipywidgets.Widget.open(self)
ipywidgets.Widget.__init__ = opening_init
from widgets._base import SafeTemplate
view = SafeTemplate(template="<div />")
print("built", view.comm is not None)
"""


def test_a_kernels_line_goes_to_the_server_log_not_into_the_page(tmp_path) -> None:
    """In a kit kernel a missing internal is told to the operator (the kernel's stderr, which
    ``talkkit serve`` logs), not shown to the group as output under the kit."""
    from jupyter_client.manager import KernelManager

    from talkkit.page.kernels import KitKernelSpecManager

    km = KernelManager(kernel_name="python3", kernel_spec_manager=KitKernelSpecManager())
    with (tmp_path / "kernel.err").open("w") as stderr:
        km.start_kernel(stderr=stderr, cwd=str(ROOT))
    kc = km.client()
    kc.start_channels()
    outputs: list[str] = []
    try:
        kc.wait_for_ready(timeout=60)
        msg_id = kc.execute(KERNEL_CODE)
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                outputs.append(msg["content"]["text"])
            if msg["msg_type"] == "error":
                outputs.append("\n".join(msg["content"]["traceback"]))
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert "".join(outputs) == "built True\n"  # the view works; nothing else on the page
    lines = [
        line
        for line in (tmp_path / "kernel.err").read_text().splitlines()
        if "talkkit.upstream.widget_open:" in line
    ]
    assert len(lines) == 1 and "self.open()" in lines[0]
