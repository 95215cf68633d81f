"""The kit app: header, talk players and agenda for one kit page."""

from __future__ import annotations

from pathlib import Path

import ipyvuetify as v
from IPython.display import display

from talkkit.i18n import normalise_language
from talkkit.kit import Kit, load_kit
from talkkit.request import RequestContext, from_environment
from widgets.player import TalkPlayer


class KitApp:
    """One kit page. Holds the kit and the request; builds the view from them."""

    def __init__(self, kit: Kit, *, language: str, facilitator: bool, context: RequestContext):
        self.kit = kit
        self.language = language
        self.content_language = kit.content_language(language)
        self.facilitator = facilitator
        self.context = context
        self.players = [
            TalkPlayer(kit, talk, language=self.content_language, media_base=context.media_base)
            for talk in kit.talks
        ]
        self.view = self._build()

    def _text(self, value) -> str:
        return self.kit.text(value, self.content_language)

    def _build(self) -> v.Html:
        kit = self.kit
        header = v.Html(
            tag="header",
            children=[
                v.Html(tag="h1", children=[self._text(kit.title)]),
                v.Html(tag="p", children=[self._text(kit.summary)]),
            ],
        )
        agenda = v.Html(
            tag="ol",
            children=[
                v.Html(tag="li", children=[f"{self._text(p.title)} ({p.minutes} min)"])
                for p in kit.agenda
            ],
        )
        return v.Html(
            tag="main",
            attributes={"lang": self.content_language},
            children=[header, *[p.view for p in self.players], agenda],
        )


def show_kit(
    folder: str | Path = ".",
    *,
    language: str = "da",
    event: str = "",
    group: str = "",
    store: str = "",
    facilitator: bool = False,
) -> KitApp:
    """Load the kit in ``folder`` and display it; the page address may override parameters."""
    context = from_environment()
    kit = load_kit(folder)
    lang = context.language or normalise_language(language)
    app = KitApp(
        kit, language=lang, facilitator=facilitator or context.facilitator, context=context
    )
    display(app.view)
    return app
