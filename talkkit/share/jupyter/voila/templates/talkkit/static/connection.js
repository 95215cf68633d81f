/* talkkit: the server is lost (killed, restarted, or this page's kernel is gone).
   The kernel's connection drops and does not come back within RECONNECT_GRACE_MS. The page
   says so in the group's language (page.vue publishes the text in window.talkkitTexts; shown
   as text, never HTML), keeps what is typed (each answer field keeps an unsaved value in
   localStorage, widgets/autosave.vue), asks <base>/talkkit/health until a server answers and
   then reloads. Behind the front, the request carries the dead server's talkkit_srv cookie and
   nginx sends it to a live one, whose answer sets that server's cookie; the reloaded page
   opens the group's session from the store (its id is in the address and a cookie) and the
   fields save what was kept (docs/operating.md, "A server dies").
   Public API only: the widget manager's `kernel` (an IKernelConnection of @jupyterlab/services)
   and its `connectionStatusChanged` / `statusChanged` signals, reached through
   window.talkkitWidgetManager (widget-manager.js). Without them the page runs as before. */
(() => {
  'use strict';
  const RECONNECT_GRACE_MS = 4000;
  const HEALTH_EVERY_MS = 2000;
  let leaving = false;
  window.addEventListener('beforeunload', () => { leaving = true; });
  let banner = null;
  let lostTimer = null;
  const showLost = () => {
    if (banner || leaving) return;
    const texts = window.talkkitTexts || {};
    banner = document.createElement('div');
    banner.className = 'tk-connection-lost';
    banner.setAttribute('role', 'alert');
    banner.textContent = texts.connection_lost || 'The connection to the server was lost, reconnecting.';
    document.body.prepend(banner);
  };
  const hideLost = () => {
    clearTimeout(lostTimer);
    lostTimer = null;
    if (banner) { banner.remove(); banner = null; }
  };
  const healthUrl = () => {
    let base = '/';
    try {
      base = JSON.parse(document.getElementById('jupyter-config-data').textContent).baseUrl || '/';
    } catch (e) { /* the default */ }
    return new URL(base.replace(/\/?$/, '/') + 'talkkit/health', window.location.href).toString();
  };
  const reloadWhenServed = async () => {
    while (!leaving && banner) { // a connection that came back hid the banner
      try {
        const r = await fetch(healthUrl(), { cache: 'no-store', credentials: 'same-origin' });
        if (r.ok) { leaving = true; window.location.reload(); return; }
      } catch (e) { /* no server yet */ }
      await new Promise((done) => setTimeout(done, HEALTH_EVERY_MS));
    }
  };
  const lost = () => {
    if (leaving || lostTimer) return;
    showLost();
    lostTimer = setTimeout(reloadWhenServed, RECONNECT_GRACE_MS);
  };
  if (!window.talkkitWidgetManager) return;
  window.talkkitWidgetManager.whenReady((manager) => {
    const kernel = manager && manager.kernel;
    if (!kernel || !kernel.connectionStatusChanged) {
      console.warn('talkkit: no kernel connection to watch; a lost server is not reported');
      return;
    }
    kernel.connectionStatusChanged.connect((_k, status) => {
      if (status === 'connected') hideLost(); else lost();
    });
    if (kernel.statusChanged) {
      kernel.statusChanged.connect((_k, status) => { if (status === 'dead') lost(); });
    }
  });
})();
