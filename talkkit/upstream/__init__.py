"""THE seam: everything talkkit does with a private part of Voilà, jupyter_server, ipyvue,
ipywidgets or jupyterlab_widgets, one module per patch.

Each module says which upstream version it targets and which upstream issue it works around,
why no documented hook does the job, checks that the internal it touches is there before
touching it, and when it is not, logs one line on the ``talkkit.upstream`` logger and leaves the
page working as upstream made it (:class:`talkkit.upstream._target.Target`). To upgrade a
package: ``python -m talkkit.upstream`` lists the patches and versions; read the modules that
name it below, run ``tests/test_upstream.py`` and the tests each module names, and update its
``tested`` versions.

Server side (applied by :class:`talkkit.page.app.TalkkitVoila`):

- :mod:`~talkkit.upstream.kernel_pool` (voila): preheated kernel pool refills gently
  (``_pools``, ``_initialize``, ``RequestInfoSocketHandler._waiters``);
- :mod:`~talkkit.upstream.template_cache` (nbconvert, under voila): Jinja bytecode cache for the
  per-page exporter environments (``_create_environment``);
- :mod:`~talkkit.upstream.static_handlers` (voila): Voilà's extension and template file handlers
  swapped by class and address for gzipping, caching ones;
- :mod:`~talkkit.upstream.kit_files` (voila): ``/voila/files/`` serves a link only when its
  target is inside the kit folder and has an allowed name (``AllowListFileHandler`` swapped);
- :mod:`~talkkit.upstream.static_url` (voila): Voilà's files under a versioned address
  (``fullStaticUrl`` through ``page_config_hook``);
- :mod:`~talkkit.upstream.chunk_bundle` (voila, widget extensions): Voilà's and the extensions'
  webpack chunks in one file;
- :mod:`~talkkit.upstream.event_logger` (jupyter_server): one event logger for all kernel
  managers (``_default_event_logger``);
- :mod:`~talkkit.upstream.cdn_links` (voila): the lab template's Font Awesome CDN links removed;
- :mod:`~talkkit.upstream.first_screen` (voila): the page handler puts the request's first
  screen into the page and streams it before the kernel has started
  (``VoilaHandler.get_generator``, ``NotebookRenderer._jinja_kernel_start``);
- :mod:`~talkkit.upstream.fork_provisioner` (jupyter_client): kit kernels are forked by
  :mod:`talkkit.page.fork_server` through a kernel provisioner (the documented hook), with the
  provisioner's ``process`` attribute as the one undocumented part.
- :mod:`~talkkit.upstream.boot_gate` (voila): its front end starts in the first pause of the
  group's typing, ``boot-gate.js`` (the setup macro's ``voila.js`` tag, the app's ``load`` start).

Page side (JavaScript in the talkkit template's ``static/`` folder, checked at server start):

- :mod:`~talkkit.upstream.widget_manager` (jupyterlab_widgets): late widget models wait
  (ipywidgets#4026), ``widget-manager.js`` + ``late-models.js``;
- :mod:`~talkkit.upstream.page_unload` (voila, jupyterlab_widgets): typed text flushed before
  Voilà disposes the connection, no "Cannot send" after it, ``page-unload.js``.

Kernel side (imported by kit kernels; none imports Voilà):

- :mod:`~talkkit.upstream.preheat_protocol` (voila): a preheated kernel receives its request;
- :mod:`~talkkit.upstream.ipyvue_events` (ipyvue, ipywidgets): only talkkit's event handler
  receives a view's messages (``_handle_event``);
- :mod:`~talkkit.upstream.widget_open` (ipywidgets, ipyvuetify): a view's comm opens once it is
  built.

This package imports none of them: a kernel loads only what it uses.
"""

#: Every patch module, by name (see the list above).
PATCHES = (
    "kernel_pool",
    "template_cache",
    "static_handlers",
    "kit_files",
    "static_url",
    "chunk_bundle",
    "event_logger",
    "cdn_links",
    "first_screen",
    "boot_gate",
    "fork_provisioner",
    "widget_manager",
    "page_unload",
    "preheat_protocol",
    "ipyvue_events",
    "widget_open",
)
