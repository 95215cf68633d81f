"""A widget output that looks up its model a moment too early must still render.

Under load (talkkit-bench, 10 browsers on 2 cores) the kit's output asked Voilà's widget
manager for its model just before the kernel's widget states were in; the manager had
restored by the time the lookup failed, and the upstream renderer then shows "Error displaying
widget: model not found" for good (jupyter-widgets/ipywidgets#4026). The talkkit page template
patches the manager. These tests drive the real upstream renderer and manager of a kit page
through the two ways that race goes, with the page's own JavaScript; without the patch both end
on the error text.
"""

from __future__ import annotations

import pytest
from test_browser_kit import kit_url, open_kit

pytestmark = pytest.mark.browser

#: The upstream renderer class and a renderer for one of the page's widget models. The model is
#: taken out of the manager; the test decides when it comes back.
SETUP = """async () => {
  const container = window._JUPYTERLAB['@jupyter-widgets/jupyterlab-manager'];
  const { WidgetRenderer } = (await container.get('./index'))();
  const manager = window.jupyterapp._widgetManager;
  const mimeType = 'application/vnd.jupyter.widget-view+json';
  // the kit page's own view (the one Voilà rendered): the template that holds the others
  const [id] = [...manager._modelsSync.entries()].find(
    ([, m]) => m.get('_model_name') === 'VuetifyTemplateModel' && m.get('conversation'),
  );
  const held = manager._models[id];
  delete manager._models[id];
  const renderer = new WidgetRenderer({ mimeType }, manager);
  document.body.appendChild(renderer.node);
  window.__race = {
    manager, renderer,
    render: () => renderer.renderModel({ data: { [mimeType]: { model_id: id } } }),
    giveBack: () => { manager._models[id] = held; },
    text: () => renderer.node.textContent,
  };
  return id;
}"""


def _rendered(pg) -> str:
    pg.wait_for_function("() => !window.__race.text().includes('Loading widget')", timeout=15000)
    return pg.evaluate("() => window.__race.text()")


def test_a_model_registered_after_the_lookup_began_renders(kit_server, page) -> None:
    """The lookup waits for a model that comes late (upstream gives up after 2 s)."""
    pg, log = page
    open_kit(pg, kit_url(kit_server))
    pg.evaluate(SETUP)
    pg.evaluate("() => { window.__race.done = window.__race.render(); }")
    pg.wait_for_timeout(2500)  # longer than upstream's own wait for a late model
    assert "model not found" not in pg.evaluate("() => window.__race.text()")
    pg.evaluate("() => window.__race.giveBack()")
    pg.evaluate("() => window.__race.done")
    text = _rendered(pg)
    assert "model not found" not in text and "Error" not in text, text
    assert pg.evaluate("() => window.__race.renderer.widgets.length") == 1
    assert not [e for e in log.console_errors if "model not found" in e]


def test_a_lookup_that_failed_as_the_manager_restored_renders_later(kit_server, page) -> None:
    """The lookup was under way before the page patched the manager and fails just as the
    restore finishes: the output keeps its model and renders once the model is there."""
    pg, _ = page
    open_kit(pg, kit_url(kit_server))
    pg.evaluate(SETUP)
    pg.evaluate(
        """async () => {
          const r = window.__race;
          const patched = r.manager.get_model;
          // the lookup as it was before the patch: it fails, at the moment the restore ends
          r.manager.get_model = async () => { throw new Error('widget model not found'); };
          r.manager._restoredStatus = true;
          r.giveBack();
          r.manager._restored.emit();  // what restoreWidgets() does once the states are in
          await r.render();
          r.manager.get_model = patched;
        }"""
    )
    text = _rendered(pg)
    assert "model not found" not in text, text
    assert pg.evaluate("() => window.__race.renderer.widgets.length") == 1
