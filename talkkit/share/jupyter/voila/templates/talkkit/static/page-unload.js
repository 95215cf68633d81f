/* talkkit: leaving the page loses nothing typed and throws nothing.
   Seam module: talkkit/upstream/page_unload.py. Targets Voilà 0.5.13's front end (its own
   `beforeunload` listener disposes the kernel connection) and the widget comms of
   @jupyter-widgets/base 6 (jupyterlab_widgets 3.0.x): `model.comm`, whose `send` goes through
   `jsServicesComm` to the kernel connection. No upstream issue filed.
   4. Our listener is registered first (this script runs before Voilà's), and asks every answer
      field to send what is typed but not yet saved while the connection is still open; the
      fields otherwise send only after a second of idle or when the tab is hidden, which comes
      after the dispose, so text typed just before a reload or a closed tab was lost.
   5. A component that mounts while the page unloads and sends a widget message (a
      component's `mounted` hook) has nowhere to send it: the message is dropped instead of
      throwing "Cannot send" from the disposed connection into the component.
   When the manager has no `register_model` or a comm has no `send`, a console line says so and
   messages are sent as Voilà sends them. */
(() => {
  'use strict';
  window.addEventListener('beforeunload', () => window.dispatchEvent(new Event('talkkit-flush')));
  let warned = false;
  const warn = (what) => {
    if (warned) return;
    warned = true;
    console.warn(`talkkit.upstream.page_unload: ${what}; a widget message sent while the page unloads may throw`);
  };
  const quietAfterUnload = (model, kernel) => {
    const comm = model && model.comm;
    if (!comm) return; // a model without a comm (e.g. a layout made in the page) sends nothing
    const proto = Object.getPrototypeOf(comm);
    if (!proto || proto.__talkkitQuiet) return;
    if (typeof proto.send !== 'function') {
      warn('a widget comm has no send()');
      return;
    }
    proto.__talkkitQuiet = true;
    const send = proto.send;
    proto.send = function (...args) {
      const inner = this.jsServicesComm;
      if ((inner && inner.isDisposed) || (kernel && kernel.isDisposed)) return '';
      return send.apply(this, args);
    };
  };
  window.talkkitWidgetManager.whenReady((manager) => {
    if (typeof manager.register_model !== 'function') {
      warn('the widget manager has no register_model()');
      return;
    }
    const register = manager.register_model.bind(manager);
    manager.register_model = (id, promise) => {
      register(id, promise);
      Promise.resolve(promise).then((m) => quietAfterUnload(m, manager.kernel), () => {});
    };
  });
})();
