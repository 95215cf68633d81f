/* talkkit: Voilà's front end starts when the group is not typing (issue 20).
   Server side: talkkit/upstream/boot_gate.py (why, what it targets, the check at server start).
   The template turns Voilà's two scripts (talkkit's bundle of its chunks, then voila.js) into
   `<script type="text/x-talkkit-boot" data-src=...>`; this script, right after them, fetches
   them at once (preload) and runs them, in order, when the first screen
   (static/first-screen.js) is on the screen and nobody has typed for a moment (a field clicked
   into but not typed into yet counts as about to be typed into), or once the first screen has
   shown for a while in any case. Voilà's start is one long piece of work for
   the browser (about 1 s on a slow laptop): a key pressed meanwhile waits for it. Run while a
   group types, it would hold their first words back; run in a pause, nobody waits.
   Without a first screen with answer fields (facilitator pages, other notebooks) the scripts
   run at once, as Voilà's own would.
   Voilà 0.5.13 starts its app on the window's `load` event. Scripts run after that event see a
   document that is already complete: a `load` listener added then is called at once (the
   event will not come again). */
(() => {
  'use strict';
  const options = Object.assign({ quiet: 800, hold: 3000 }, window.talkkitBootGate || {});
  const pending = [...document.querySelectorAll('script[type="text/x-talkkit-boot"]')];
  const root = document.getElementById('tk-first');
  const fields = root ? root.querySelectorAll('textarea[data-key]').length : 0;
  let booted = false;

  const add = window.addEventListener;
  window.addEventListener = function (type, listener, opts) {
    if (type === 'load' && document.readyState === 'complete' && listener) {
      const call = typeof listener === 'function' ? listener : listener.handleEvent;
      setTimeout(() => call.call(typeof listener === 'function' ? window : listener,
        new Event('load')), 0);
      return undefined;
    }
    return add.call(this, type, listener, opts);
  };

  for (const tag of pending) {
    const link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'script';
    link.href = tag.dataset.src;
    document.head.appendChild(link);
  }

  const boot = (why) => {
    if (booted) return;
    booted = true;
    // Voilà's stylesheets, held by first-screen.js while the first screen takes typing
    if (window.talkkitApplyStyles) window.talkkitApplyStyles();
    for (const tag of pending) {
      const script = document.createElement('script');
      script.src = tag.dataset.src;
      script.async = false; // in the template's order: the chunks, then voila.js
      tag.replaceWith(script);
    }
    window.dispatchEvent(new CustomEvent('talkkit-boot', { detail: { why } }));
  };
  window.talkkitBoot = { get started() { return booted; } };

  if (!pending.length || !fields) {
    boot('no first screen');
    return;
  }
  let last = -Infinity; // the last key, click or input in the page
  let keys = 0; // keys typed (a click alone is not typing)
  const touched = () => { last = performance.now(); };
  const typed = () => { last = performance.now(); keys += 1; };
  document.addEventListener('pointerdown', touched, true);
  for (const type of ['keydown', 'input', 'compositionupdate']) {
    document.addEventListener(type, typed, true);
  }
  // a page opened in a background tab paints no frame: its timers still run
  setTimeout(() => boot('fallback'), options.hold + 1000);
  // the first screen is painted once two frames have begun after this script
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const shown = performance.now();
    const look = () => {
      const now = performance.now();
      if (now - shown >= options.hold) return boot('held long enough');
      const since = Math.min(now - last, now - shown);
      // a field just clicked into, not typed into yet: its group is about to type
      const waiting = keys === 0 && root.contains(document.activeElement)
        && document.activeElement.matches('textarea');
      if (since >= options.quiet && !waiting) return boot('quiet');
      setTimeout(look, Math.max(20, Math.min(options.quiet - since, options.hold - (now - shown))));
      return undefined;
    };
    setTimeout(look, Math.min(options.quiet, options.hold));
  }));
})();
