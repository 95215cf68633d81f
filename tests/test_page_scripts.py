"""The talkkit template's scripts (``templates/talkkit/static/*.js``) on their own, in chromium,
against a stand-in for Voilà's app and widget manager: what each one changes, and that a
manager without the internals a script needs is left alone with one console line.

The same scripts on real kit pages: ``test_widget_race.py`` (``late-models.js``) and
``test_page_unload.py`` (``page-unload.js``).
"""

from __future__ import annotations

from typing import Any

import pytest

from talkkit.upstream._scripts import TEMPLATE_STATIC
from talkkit.upstream.page_unload import SCRIPTS as UNLOAD_SCRIPTS
from talkkit.upstream.widget_manager import SCRIPTS as MANAGER_SCRIPTS

pytestmark = pytest.mark.browser

#: The template's order: the manager hook, then the patches.
ORDER = ["widget-manager.js", "page-unload.js", "late-models.js"]
#: The template's own scripts after the patches (public APIs only: not in the seam).
OWN = ["connection.js"]

#: A widget manager with what the scripts read, as @jupyter-widgets/base 6 has it.
FAKE_MANAGER = """(without) => {
  const signal = () => {
    const slots = [];
    return { connect: (f) => slots.push(f), emit: () => slots.forEach((f) => f()) };
  };
  const restored = signal();
  const manager = {
    _models: {}, _restoredStatus: true, kernel: { isDisposed: false },
    _restored: restored, restored,
    get_model(id) {
      const m = this._models[id];
      return m === undefined ? Promise.reject(new Error('model not found')) : m;
    },
    register_model(id, promise) { this._models[id] = promise; },
  };
  for (const name of without) delete manager[name];
  window.__manager = manager;
  window.jupyterapp = { widgetManagerPromise: { promise: Promise.resolve(manager) } };
  return true;
}"""


#: Resolves once the scripts' callbacks for the manager have run (they were registered first).
SETTLED = "async () => { await window.jupyterapp.widgetManagerPromise.promise; }"


def load(pg: Any) -> list[str]:
    """Open a blank page with the template's scripts; the console lines it writes."""
    lines: list[str] = []
    pg.on("console", lambda m: lines.append(f"{m.type}: {m.text}"))
    pg.set_content("<!doctype html><title>scripts</title>")
    for name in ORDER:
        pg.add_script_tag(content=(TEMPLATE_STATIC / name).read_text(encoding="utf-8"))
    return lines


def test_the_template_loads_every_script_of_both_patches() -> None:
    from talkkit.page.app import TEMPLATE_ROOT

    template = (TEMPLATE_ROOT / "voila" / "templates" / "talkkit" / "index.html.j2").read_text()
    included = [line.split('"')[1] for line in template.splitlines() if "include_js(" in line]
    # the first screen's script (talkkit/upstream/first_screen.py) comes first in the file: its
    # block (body_header) is written before the head's (html_head_js) in the template
    # the boot gate (talkkit/upstream/boot_gate.py) is written in the footer, after Voilà's tags
    assert included == [
        "static/first-screen.js",
        *(f"static/{name}" for name in ORDER + OWN),
        "static/boot-gate.js",
    ]
    assert set(MANAGER_SCRIPTS) | set(UNLOAD_SCRIPTS) == set(ORDER)


def test_a_lost_connection_is_shown_as_text_and_hidden_when_it_comes_back(page) -> None:
    """connection.js shows the page's (translated) message as text when the kernel's
    connection drops, and removes it when the connection is back within the grace time."""
    pg, _log = page
    load(pg)
    pg.add_script_tag(content=(TEMPLATE_STATIC / "connection.js").read_text(encoding="utf-8"))
    pg.evaluate(
        """() => {
          window.talkkitTexts = { connection_lost: '<b>Forbindelsen</b> blev afbrudt' };
          const slots = [];
          window.__kernel = { connectionStatusChanged: {
            connect: (f) => slots.push(f), emit: (s) => slots.forEach((f) => f(null, s)) } };
          const manager = { kernel: window.__kernel, register_model() {} };
          window.jupyterapp = { widgetManagerPromise: { promise: Promise.resolve(manager) } };
        }"""
    )
    pg.evaluate(SETTLED)
    pg.evaluate("() => window.__kernel.connectionStatusChanged.emit('connecting')")
    banner = pg.locator(".tk-connection-lost")
    banner.wait_for()
    assert banner.inner_text() == "<b>Forbindelsen</b> blev afbrudt"  # text, not HTML
    assert banner.get_attribute("role") == "alert"
    pg.evaluate("() => window.__kernel.connectionStatusChanged.emit('connected')")
    banner.wait_for(state="detached")


def test_late_models_waits_for_a_model_registered_after_the_lookup(page) -> None:
    pg, log = page
    lines = load(pg)
    pg.evaluate(FAKE_MANAGER, [])
    pg.wait_for_function("() => window.__manager.__talkkitLateModels === true")
    value = pg.evaluate(
        """async () => {
          const m = window.__manager;
          const late = m.get_model('late');
          setTimeout(() => m.register_model('late', Promise.resolve('the model')), 300);
          return await late;
        }"""
    )
    assert value == "the model"
    # just after a restore, restoredStatus reads false (outputs keep waiting, no error text)
    assert pg.evaluate("() => window.__manager.restoredStatus") is False
    pg.wait_for_function("() => window.__manager.restoredStatus === true")
    assert [line for line in lines if "talkkit" in line] == []
    assert log.console_errors == []


def test_late_models_leaves_a_manager_without_its_internals_alone(page) -> None:
    pg, log = page
    lines = load(pg)
    pg.evaluate(FAKE_MANAGER, ["_restored"])
    pg.evaluate(SETTLED)
    assert pg.evaluate("() => window.__manager.__talkkitLateModels") is None
    failed = pg.evaluate(
        "() => window.__manager.get_model('late').then(() => 'found', () => 'not')"
    )
    assert failed == "not"  # upstream's own get_model: no wait
    warnings = [line for line in lines if "talkkit.upstream.widget_manager" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning:") and "_restored" in warnings[0]
    assert log.console_errors == []


def test_page_unload_flushes_and_drops_sends_after_the_dispose(page) -> None:
    pg, log = page
    load(pg)
    pg.evaluate(FAKE_MANAGER, [])
    result = pg.evaluate(
        """async () => {
          await window.jupyterapp.widgetManagerPromise.promise;
          const m = window.__manager;
          const sent = [];
          class Comm { send(data) { sent.push(data); return 'msg-id'; } }
          const model = { comm: new Comm() };
          const registered = Promise.resolve(model);
          m.register_model('a', registered);
          await registered;
          await null;  // the script's then() on the same promise has run
          let flushed = 0;
          window.addEventListener('talkkit-flush', () => { flushed += 1; });
          window.dispatchEvent(new Event('beforeunload'));
          const before = model.comm.send('typed');
          m.kernel.isDisposed = true;  // what Voilà's own beforeunload listener does
          const after = model.comm.send('mounted late');
          return { flushed, before, after, sent };
        }"""
    )
    assert result == {"flushed": 1, "before": "msg-id", "after": "", "sent": ["typed"]}
    assert log.console_errors == []


def test_page_unload_without_register_model_says_so_once(page) -> None:
    pg, log = page
    lines = load(pg)
    pg.evaluate(FAKE_MANAGER, ["register_model"])
    pg.evaluate(SETTLED)
    warnings = [line for line in lines if "talkkit.upstream.page_unload" in line]
    assert len(warnings) == 1 and "register_model" in warnings[0]
    # the late-models patch needs it too, and says so itself
    assert any("talkkit.upstream.widget_manager" in line for line in lines)
    assert log.console_errors == []


def test_an_app_without_a_widget_manager_promise_is_reported(page) -> None:
    pg, log = page
    lines = load(pg)
    pg.evaluate("() => { window.jupyterapp = { name: 'not Voilà' }; }")
    assert pg.evaluate("() => window.jupyterapp.name") == "not Voilà"
    warnings = [line for line in lines if "widgetManagerPromise" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning:")
    assert log.console_errors == []


# --- boot-gate.js (talkkit/upstream/boot_gate.py) -----------------------------------------

#: Two inert tags as the template writes them: the chunk bundle, then voila.js (stand-ins that
#: record their turn, and a "Voilà" that starts its app on the window's load event).
BOOT_TAGS = """
<script type="text/x-talkkit-boot" data-src="data:text/javascript,window.__ran=[...(window.__ran||[]),'chunks',performance.now()]"></script>
<script type="text/x-talkkit-boot" data-src="data:text/javascript,window.__ran=[...(window.__ran||[]),'voila',performance.now()];window.addEventListener('load',()=>{window.__started=true})"></script>
"""
FIRST_SCREEN = '<div id="tk-first"><textarea data-key="welcome.expectations"></textarea></div>'
RECORD = """() => {
  window.__keys = [];
  document.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
  window.addEventListener('talkkit-boot', (e) => { window.__boot = [performance.now(), e.detail.why]; });
}"""


def gate(pg: Any, body: str, options: str = "") -> None:
    pg.set_content(f"<!doctype html><title>gate</title><body>{body}{BOOT_TAGS}</body>")
    pg.evaluate(RECORD)
    if options:
        pg.evaluate(f"() => {{ window.talkkitBootGate = {options}; }}")
    pg.add_script_tag(content=(TEMPLATE_STATIC / "boot-gate.js").read_text(encoding="utf-8"))


def test_boot_gate_without_a_first_screen_runs_voila_at_once_in_order(page) -> None:
    """A page without a first screen (the board, another notebook) starts as Voilà's would: both
    scripts in the template's order, and Voilà's app, which waits for the window's load event
    although it came before its script ran."""
    page, log = page
    gate(page, "<p>board</p>")
    page.wait_for_function("() => window.__started === true")
    assert log.console_errors == []
    ran = page.evaluate("() => window.__ran.filter((x) => typeof x === 'string')")
    assert ran == ["chunks", "voila"]
    assert page.evaluate("() => window.__boot[1]") == "no first screen"


def test_boot_gate_waits_for_a_pause_in_the_groups_typing(page) -> None:
    """With a first screen, Voilà starts only once nobody has typed for ``quiet`` ms: not while
    the keys come faster than that. Every key typed is in the field."""
    page, log = page
    gate(page, FIRST_SCREEN, "{quiet: 600, hold: 600000}")
    area = page.locator("#tk-first textarea")
    area.focus()
    text = "vi vil se barnet i tide"
    page.keyboard.type(text, delay=20)
    page.wait_for_function("() => window.__started === true")
    boot, why = page.evaluate("() => window.__boot")
    keys = page.evaluate("() => window.__keys")
    assert why == "quiet"
    before = [k for k in keys if k <= boot]
    assert before, "the scripts ran before the first key"
    assert boot - before[-1] >= 600  # it started in a pause, after the last key
    assert area.input_value() == text
    assert log.console_errors == []


def test_boot_gate_does_not_wait_longer_than_its_hold(page) -> None:
    """A group typing without pause does not keep Voilà from starting: after ``hold`` ms it
    starts anyway, and what they type on is kept."""
    page, log = page
    gate(page, FIRST_SCREEN, "{quiet: 600000, hold: 300}")
    page.locator("#tk-first textarea").focus()
    page.keyboard.type("abc")
    page.wait_for_function("() => window.__started === true")
    assert page.evaluate("() => window.__boot[1]") == "held long enough"
    page.keyboard.type("def")
    assert page.locator("#tk-first textarea").input_value() == "abcdef"
    assert log.console_errors == []


def test_boot_gate_waits_while_a_field_is_focused_but_not_typed_into(page) -> None:
    """A group that has just clicked into a field is about to type: Voilà does not start in
    that moment, however quiet the page is, but once the first words are typed and paused."""
    page, log = page
    gate(page, FIRST_SCREEN, "{quiet: 100, hold: 600000}")
    page.locator("#tk-first textarea").focus()
    page.wait_for_function("() => window.__keys !== undefined")
    page.evaluate("() => new Promise((done) => setTimeout(done, 500))")  # 5 quiet periods
    assert page.evaluate("() => window.__boot === undefined")
    page.keyboard.type("vi")
    page.wait_for_function("() => window.__started === true")
    assert page.evaluate("() => window.__boot[1]") == "quiet"
    assert page.locator("#tk-first textarea").input_value() == "vi"
    assert log.console_errors == []
