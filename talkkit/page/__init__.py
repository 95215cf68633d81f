"""Serving a kit page: the Voilà app and its kernels, static files, the gallery, the request a
kernel reads, preheated kernels, and the Jupyter server extension for Binder.

- :mod:`~talkkit.page.app`: the Voilà app subclass, ``serve_config``, ``serve``;
- :mod:`~talkkit.page.kernels`: kernel managers (bound, culling, the kit kernel spec);
- :mod:`~talkkit.page.kernel`: the kit kernel's entry point (``python -m talkkit.page.kernel``);
- :mod:`~talkkit.page.policy`: what a page may load, which files are served;
- :mod:`~talkkit.page.static`: precompressed, cached static files;
- :mod:`~talkkit.page.gallery`: the gallery page and its handler;
- :mod:`~talkkit.page.request`: query and cookie -> :class:`~talkkit.page.request.RequestContext`;
- :mod:`~talkkit.page.preheat`: a preheated kernel waiting for its request;
- :mod:`~talkkit.page.first_screen`: the page's first screen, one source for the server-rendered
  HTML (:mod:`~talkkit.page.first_screen_html`) and the kit widgets;
- :mod:`~talkkit.page.extension`: the Jupyter server extension and its configuration (Binder).

What reaches into private parts of Voilà, jupyter_server and the widget libraries is in
:mod:`talkkit.upstream`. This package imports nothing on its own: a kernel imports
``talkkit.page.request`` and ``talkkit.page.preheat`` without Voilà's server side.
"""
