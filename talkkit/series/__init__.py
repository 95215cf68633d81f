"""A series of kits for one workplace (issue 22, "Lokalt Læringsløft").

A leader or knowledge broker sets up an ordered list of kits with planned dates for one team
(``talkkit series create``); the team gets one link and code, the leader one secret.

* :mod:`talkkit.series.setup`: checking what the leader typed, making the series, its links;
* :mod:`talkkit.series.access`: the team's code and the leader's secret, checked through the
  events' guard (:class:`talkkit.events.guard.Gate`: guessing slowed per source, nobody locked
  out);
* :mod:`talkkit.series.progress`: where the team is, what it committed to and how it went, the
  evaluation per step (what the team page and the leader's overview show);
* the pages are in :mod:`talkkit.page.series_page`, the records in :mod:`talkkit.store.series`.

Messages are in the ``series`` catalogue (``talkkit/locale/<lang>/LC_MESSAGES/series.po``).
"""

from talkkit.i18n import LOCALE_DIR, register_domain

register_domain("series", LOCALE_DIR)
