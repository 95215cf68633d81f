/* talkkit: a widget output that asks for its model a moment too early still renders.
   Seam module: talkkit/upstream/widget_manager.py. Works around jupyter-widgets/ipywidgets#4026
   (open upstream; the proposed fix is #4042) in @jupyter-widgets/base 6 /
   @jupyter-widgets/jupyterlab-manager 5 (jupyterlab_widgets 3.0.x) as Voilà 0.5.13 uses it.

   Kit pages under load: a widget output that asks the widget manager for its model a moment
   before the kernel's widget states are in shows "Error displaying widget: model not found"
   for good. With 10 browsers on one 2-core machine (talkkit-bench) 1 to 3 pages in 10 showed
   that error instead of the kit. Voilà's widget manager gets three changes, once it exists:
   1. get_model waits up to LATE_MODEL_MS for a model that is not registered yet;
   2. for GRACE_MS after a restore, restoredStatus reads false, so an output whose lookup
      failed right then keeps its model and waits to render again (instead of the error);
   3. `restored` is emitted again after that grace, and whenever a model registers after the
      restore (as #4042 does), so those outputs render. Outputs that rendered ignore it.
   The manager's internals this reads (`_models`, `_restored`, `_restoredStatus`) are checked
   first; when one is missing a console line says so and the manager is left as it is. */
(() => {
  'use strict';
  const LATE_MODEL_MS = 30000;
  const GRACE_MS = 1500;
  const INTERNALS = ['get_model', 'register_model', '_models', '_restored', 'restored'];
  const patch = (manager) => {
    if (!manager || manager.__talkkitLateModels) return;
    const missing = INTERNALS.filter((name) => manager[name] === undefined);
    if (missing.length || !('_restoredStatus' in manager)) {
      console.warn(`talkkit.upstream.widget_manager: the widget manager has no ${missing.join(', ') || '_restoredStatus'}; late widget models are not waited for (ipywidgets#4026)`);
      return;
    }
    manager.__talkkitLateModels = true;
    const getModel = manager.get_model.bind(manager);
    manager.get_model = (id) => {
      if (manager._models[id] !== undefined) return getModel(id);
      const start = Date.now();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (manager._models[id] !== undefined || Date.now() - start > LATE_MODEL_MS) {
            getModel(id).then(resolve, reject);
          } else {
            setTimeout(check, 50);
          }
        };
        check();
      });
    };
    let settledAt = Date.now();
    let timer = null;
    let ours = false;
    const emit = () => { ours = true; try { manager._restored.emit(); } finally { ours = false; } };
    const settle = () => {
      settledAt = Date.now();
      clearTimeout(timer);
      timer = setTimeout(emit, GRACE_MS + 50);
    };
    Object.defineProperty(manager, 'restoredStatus', {
      configurable: true,
      get: () => manager._restoredStatus && Date.now() - settledAt > GRACE_MS,
    });
    manager.restored.connect(() => { if (!ours) settle(); });
    const register = manager.register_model.bind(manager);
    manager.register_model = (id, promise) => {
      register(id, promise);
      if (manager._restoredStatus) Promise.resolve(promise).then(emit, () => {});
    };
    settle();
  };
  window.talkkitWidgetManager.whenReady(patch);
})();
