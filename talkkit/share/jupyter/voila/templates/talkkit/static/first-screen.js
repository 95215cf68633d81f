/* talkkit: the kit page's first screen takes typing at once, and hands it to the widgets.
   Server side: talkkit/page/first_screen_html.py (what it shows), talkkit/upstream/first_screen.py
   (streamed before the kernel has started). Runs right after the first screen's HTML.
   - What is typed is kept in this browser as the widget fields keep their unsaved text
     (widgets/autosave.vue: one draft per page, session and field, with the saved text it was
     typed over; after a reload it comes back only over that same saved text) and the field
     says it is not saved yet (data-not-saved, in the page's language): nothing is saved before
     the kernel is there, and nothing here ever says "saved".
   - A widget answer field (widgets/answer_field.vue), once it can be edited, calls
     `talkkitFirstScreen.take(key)`: the first call removes the first screen (the widget page,
     rendered invisibly underneath in the same place, shows in the same frame) and returns the
     field's text, selection and focus, which the widget field takes over before the next key
     event. The widget field then saves it like any typed text, and calls `saved(key, text)`
     once the store has it, which forgets the browser's copy.
   - The widget page calls `release(phase)` when it is ready: a step without answer fields, or
     another step than the first screen's, has no field to take over.
   Without a first screen (facilitator pages, other templates) every call returns null. */
(() => {
  'use strict';
  // Voilà's stylesheets (loaded without blocking by talkkit/upstream/first_screen.py) style only
  // the widget page: applied when its front end starts (boot-gate.js), their long style
  // recalculation does not hold a key typed into the first screen. Without the boot gate, once
  // the page is parsed.
  const styles = [];
  window.talkkitApplyStyles = () => { for (const link of styles.splice(0)) link.media = 'all'; };
  window.talkkitStyle = (link) => {
    styles.push(link);
    if (window.talkkitBoot ? window.talkkitBoot.started : document.readyState !== 'loading') {
      window.talkkitApplyStyles();
    }
  };
  document.addEventListener('DOMContentLoaded', () => {
    if (!window.talkkitBoot) window.talkkitApplyStyles();
  });
  const root = document.getElementById('tk-first');
  const storage = (() => {
    try {
      const s = window.localStorage;
      s.getItem('talkkit-probe');
      return s;
    } catch (e) {
      return null; // storage blocked: typing still works, it is just not kept over a reload
    }
  })();
  const get = (k) => (storage ? storage.getItem(k) : null);
  const put = (k, v) => { try { if (storage) storage.setItem(k, v); } catch (e) { /* full */ } };
  const drop = (k) => { try { if (storage) storage.removeItem(k); } catch (e) { /* blocked */ } };
  const session = root ? root.dataset.session || '' : '';
  const keyOf = (field) => `talkkit.draft.${window.location.pathname}|${session}|${field}`;
  // the saved text a draft was typed over, as the widget field has it ('' when none)
  const base = (area) => area.defaultValue;
  const draft = (area) => {
    let d = null;
    try { d = JSON.parse(get(keyOf(area.dataset.key)) || 'null'); } catch (e) { d = null; }
    if (!d || typeof d !== 'object' || typeof d.v !== 'string') return null;
    // only over the saved text it was typed over, and only when it differs from it
    if ((d.b ?? '') !== base(area) || d.v === area.defaultValue) {
      drop(keyOf(area.dataset.key));
      return null;
    }
    return d.v;
  };
  const fields = root ? [...root.querySelectorAll('textarea[data-key]')] : [];
  const started = performance.now();
  let taken = null;

  const mark = (area) => {
    const line = area.closest('.tkf-answer') && area.closest('.tkf-answer').querySelector('.tkf-save-line');
    if (line) line.textContent = root.dataset.notSaved || '';
  };
  for (const area of fields) {
    const kept = draft(area);
    if (kept !== null && kept !== area.value) {
      area.value = kept;
      mark(area);
    }
    area.addEventListener('input', () => {
      put(keyOf(area.dataset.key), JSON.stringify({ v: area.value, b: base(area) }));
      mark(area);
    });
  }

  const remove = () => {
    const focused = document.activeElement;
    taken = {};
    for (const area of fields) {
      taken[area.dataset.key] = {
        value: area.value,
        start: area.selectionStart,
        end: area.selectionEnd,
        direction: area.selectionDirection,
        focused: area === focused,
      };
    }
    root.remove();
    const ms = performance.now() - started;
    window.dispatchEvent(new CustomEvent('talkkit-first-screen-gone', { detail: { ms } }));
  };

  window.talkkitFirstScreen = {
    /** Whether the page has a first screen still showing. */
    get showing() { return !!root && taken === null; },
    /** The field's state, removing the first screen on the first call (null: no such field). */
    take(field) {
      if (!root) return null;
      if (taken === null) remove();
      const t = taken[field];
      if (!t) return null;
      delete taken[field];
      return t;
    },
    /** The widget page is ready on step `phase`: remove the first screen unless its fields
        are there to take it over (they are when the step is the first screen's and has any). */
    release(phase) {
      if (root && taken === null && (fields.length === 0 || phase !== root.dataset.phase)) remove();
    },
    /** The store has the widget field's text (what was taken over and any later typing):
        forget the browser's copy. */
    saved(field) {
      drop(keyOf(field));
    },
  };
})();
