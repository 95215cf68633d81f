/* talkkit: hands Voilà's widget manager to the page's patches once it exists.
   Seam module: talkkit/upstream/widget_manager.py. Targets voila 0.5.13's front end, which
   sets `window.jupyterapp` to its app and resolves `app.widgetManagerPromise` with the widget
   manager (no documented hook reaches the manager before the first widget renders). When the
   app has no such promise, one console line says so and the patches do not run: the page works
   as plain Voilà. */
(() => {
  'use strict';
  const waiting = [];
  let manager = null;
  const run = (patch) => {
    try {
      patch(manager);
    } catch (e) {
      console.warn('talkkit: a widget manager patch failed, the page runs without it:', e);
    }
  };
  window.talkkitWidgetManager = {
    /* Run `patch(manager)` once the manager exists (at once if it does). */
    whenReady(patch) {
      if (manager) run(patch);
      else waiting.push(patch);
    },
  };
  let app;
  try {
    Object.defineProperty(window, 'jupyterapp', {
      configurable: true,
      enumerable: true,
      get() { return app; },
      set(value) {
        app = value;
        const promise = value && value.widgetManagerPromise && value.widgetManagerPromise.promise;
        if (!promise || typeof promise.then !== 'function') {
          console.warn('talkkit.upstream.widget_manager: Voilà\'s app has no widgetManagerPromise; the page runs without its widget manager patches');
          return;
        }
        promise.then((m) => {
          manager = m;
          waiting.splice(0).forEach(run);
        });
      },
    });
  } catch (e) {
    console.warn('talkkit.upstream.widget_manager: window.jupyterapp cannot be watched; the page runs without its widget manager patches', e);
  }
})();
