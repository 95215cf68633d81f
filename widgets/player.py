"""The talk player: the kit's video, served by the server as a file (never through the kernel)."""

from __future__ import annotations

import ipyvuetify as v
import traitlets

from talkkit.i18n import LANGUAGE_NAMES
from talkkit.kit import Kit, Talk


class PlayerView(v.VuetifyTemplate):
    template_file = (__file__, "player.vue")
    src = traitlets.Unicode("").tag(sync=True)
    poster = traitlets.Unicode("").tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)
    tracks = traitlets.List(traitlets.Dict()).tag(sync=True)


class TalkPlayer:
    def __init__(self, kit: Kit, talk: Talk, *, language: str, media_base: str) -> None:
        self.kit = kit
        self.talk = talk
        poster = kit.talk_poster(talk)
        self.view = PlayerView(
            src=f"{media_base}{talk.video}" if talk.video else "",
            poster=f"{media_base}{poster}" if poster else "",
            caption=f"{kit.text(talk.title, language)} · {talk.speaker}, "
            f"{kit.text(talk.role, language)}",
            tracks=[
                {
                    "lang": lang,
                    "src": f"{media_base}{path}",
                    "label": LANGUAGE_NAMES.get(lang, lang),
                    "default": lang == language,
                }
                for lang, path in talk.captions.items()
            ],
        )
