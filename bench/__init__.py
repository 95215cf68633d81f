"""talkkit's benchmark: what the groups feel, measured on this machine (issue #6).

``talkkit bench`` (or ``python -m bench``) runs, in one go and side by side:

* time to interactive of the demo kit, of a trivial Voilà notebook with one ipyvuetify
  ``Textarea`` and of a static HTML page with a textarea (the floor), browser cache cold and warm;
* 10, 30 and 60 groups opening the kit at the same moment (one browser context each);
* save latency with 60 writers at once on SQLite and on a throwaway PostgreSQL server;
* resident memory of the kit kernels and of the server with 1, 30 and 60 groups;
* the facilitator board's refresh (a hook: skipped until issue #5 builds the board);

then prints a table of targets, measured values and met/missed, and writes
``bench/results/<date>-<label>.md`` and ``.json``. See ``bench/README.md``.

Modules: :mod:`bench.config` (options and targets), :mod:`bench.servers` (kit server, static
server, kits folder), :mod:`bench.pg` (PostgreSQL), :mod:`bench.browser` (time to interactive),
:mod:`bench.saves` (writers), :mod:`bench.memory`, :mod:`bench.board`, :mod:`bench.report`,
:mod:`bench.runner` (the order of it all) and :mod:`bench.cli`.


The package imports nothing heavy: writer processes start as ``python -m bench.saves``.
"""
