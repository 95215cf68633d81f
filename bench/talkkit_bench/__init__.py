"""talkkit's benchmark: what the groups feel, measured on this machine (issue #6).

``talkkit-bench`` (or ``python -m talkkit_bench``) runs, in one go and side by side:

* time to interactive of the demo kit, of a trivial Voilà notebook with one ipyvuetify
  ``Textarea`` and of a static HTML page with a textarea (the floor), browser cache cold and warm;
* 10, 30 and 60 groups opening the kit at the same moment (one browser context each);
* save latency with 60 writers at once on SQLite and on a throwaway PostgreSQL server;
* resident memory of the kit kernels and of the server with 1, 30 and 60 groups;
* the facilitator board's refresh (a hook: skipped until issue #5 builds the board);

then prints a table of targets, measured values and met/missed, and writes
``bench/results/<date>-<label>.md`` (kept in git) and the raw
``bench/results/raw/<date>-<label>.json`` (ignored by git). See ``bench/README.md``; what was measured and changed is in ``bench/JOURNAL.md``.

The benchmark is its own distribution (``talkkit-bench``, ``bench/pyproject.toml``), installed
beside ``talkkit`` (``./dev test`` installs it editable); ``talkkit`` never imports it.

Modules: :mod:`talkkit_bench.config` (options and targets), :mod:`talkkit_bench.servers` (kit
server, static server, kits folder), :mod:`talkkit_bench.pg` (PostgreSQL),
:mod:`talkkit_bench.browser` (time to interactive), :mod:`talkkit_bench.protocol` (synthetic
groups), :mod:`talkkit_bench.saves` (writers), :mod:`talkkit_bench.memory`,
:mod:`talkkit_bench.machine` (the machine and its noise), :mod:`talkkit_bench.board` and
:mod:`talkkit_bench.board_page` (the facilitator board), :mod:`talkkit_bench.summary` (numbers
and targets), :mod:`talkkit_bench.report` (the results files), :mod:`talkkit_bench.runner`
(the order of it all), :mod:`talkkit_bench.cli`; :mod:`talkkit_bench.chunks` records the list
of Voilà chunks ``talkkit serve`` bundles.


The package imports nothing heavy: writer processes start as ``python -m talkkit_bench.saves``.
"""
