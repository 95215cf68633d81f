"""The pages of a series (issue 22): the team's page and the leader's overview.

Static HTML rendered on the server with Jinja's autoescape, in the look of the gallery: opening
them starts no kernel. Everything a team typed is shown as plain text (escaped, never HTML,
script or formula); nothing is loaded from another host.

* ``GET  <base>/talkkit/team?code=CODE``: where the team is in its series, what it committed
  to and how it went. Without a code: a form to type it.
* ``POST <base>/talkkit/team/open`` (code, step): opens the step's kit in the step's session
  (found or made, following the previous step's session: :meth:`Store.open_step`), so the kit
  starts with the follow-up of last time's take-aways.
* ``GET|POST <base>/talkkit/series-overview``: the leader logs in with the series secret
  (every request: nothing is remembered) and sees the team's way through the series.

Codes and secrets go through the events' guard (:mod:`talkkit.series.access`): one gate per
browser, under the :data:`GATE_COOKIE` cookie. Every argument is checked before use.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import jinja2
from babel.dates import format_date
from tornado import web
from tornado.ioloop import IOLoop

from talkkit.events.codes import format_code
from talkkit.export.followup import status_label
from talkkit.i18n import LANGUAGE_NAMES, normalise_language, translator
from talkkit.kit import NOTEBOOK_FILE, find_kit
from talkkit.page.policy import SECURITY_HEADERS
from talkkit.series.access import Access, Gates, find_by_code, login
from talkkit.series.progress import Progress, progress
from talkkit.store import Store, StoreError, open_store
from talkkit.store.series import MAX_STEPS
from talkkit.store.types import Session

__all__ = ["GATE_COOKIE", "SeriesOverviewHandler", "TeamHandler", "TeamOpenHandler", "handlers"]

#: The cookie naming a browser's gate (random; nothing else in it).
GATE_COOKIE = "talkkit_gate"
_GATES = Gates()
#: Where the store and scrypt work of these pages runs (two at a time, off the event loop).
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="talkkit-series")
_T = TypeVar("_T")

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("talkkit", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _arg(handler: web.RequestHandler, name: str, limit: int = 200) -> str:
    value = handler.get_argument(name, "")
    return value[:limit] if type(value) is str else ""


class _SeriesHandler(web.RequestHandler):
    def initialize(self, store_url: str | None = None, base: str = "") -> None:
        self.store_url = store_url
        self.base = base.rstrip("/")

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        # a form's POST carries its _xsrf field, whether or not the app turned the check on
        if self.request.method == "POST" and not self.settings.get("xsrf_cookies"):
            self.check_xsrf_cookie()

    def gate(self) -> Any:
        token, gate = _GATES.get(self.get_cookie(GATE_COOKIE))
        if token != self.get_cookie(GATE_COOKIE):
            self.set_cookie(GATE_COOKIE, token, path="/", httponly=True, samesite="Strict")
        return gate

    def store(self) -> Store:
        return open_store(self.store_url)

    async def off_loop(self, work: Callable[[], _T]) -> _T:
        """Run ``work`` (store reads, a secret's scrypt hash) off the server's event loop, so
        no page waits for it; a store that fails is a 503."""
        try:
            return await IOLoop.current().run_in_executor(_POOL, work)
        except StoreError:
            raise web.HTTPError(503) from None

    async def progress_view(
        self, check: Callable[[Store], Access]
    ) -> tuple[Access, str, dict[str, Any] | None]:
        """The series ``check`` opens (a code or a secret, through its gate), the page's
        language and the series' progress as the templates show it (None: not opened)."""

        def work() -> tuple[Access, str, dict[str, Any] | None]:
            with self.store() as store:
                access = check(store)
                if access.series is None:
                    return access, self.language(), None
                language = self.language(access.series.language)
                return access, language, _view(progress(store, access.series, language), language)

        return await self.off_loop(work)

    def language(self, fallback: str = "da") -> str:
        return normalise_language(_arg(self, "lang", 10) or fallback)

    def page(self, template: str, language: str, **values: Any) -> None:
        _ = translator(language, "series")
        html = _ENV.get_template(template).render(
            _=_,
            lang=language,
            languages=list(LANGUAGE_NAMES.items()),
            xsrf=self.xsrf_token.decode("ascii"),
            base=self.base,
            **values,
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)

    def refusal(self, access: Access, language: str, what: str) -> str:
        _ = translator(language, "series")
        if access.error == "wait":
            return _(
                "Too many wrong tries from this browser: wait {n} seconds, then try again.",
                n=max(1, math.ceil(access.wait)),
            )
        if access.error == "store":
            return _("The series cannot be read just now. Try again in a moment.")
        if what == "code":
            return _("No series has this code. Check the code you were given and try again.")
        return _("This is not the secret of a series. Check it and try again.")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        _ = translator(self.language(), "series")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(_("The page could not be shown ({status}).", status=status_code))


def _view(found: Progress, language: str) -> dict[str, Any]:
    """The progress as plain values for the templates (text stays text: Jinja escapes it)."""
    _ = translator(language, "series")
    states = {"done": _("Done"), "next": _("Next"), "planned": _("Planned")}
    steps = []
    previous_started = True
    for step in found.steps:
        # a step opens once the one before it was opened (a team may skip the evaluation)
        openable = step.started or step.state == "next" or previous_started
        previous_started = step.started
        steps.append(
            {
                "n": step.position,
                "title": step.title,
                "kit_id": step.kit_id,
                "planned": format_date(step.planned, "long", locale=language),
                "state": step.state,
                "state_name": states[step.state],
                "started": step.started,
                "openable": openable,
                "opened": (
                    format_date(step.session.created_at.date(), "long", locale=language)
                    if step.session
                    else ""
                ),
                "commitments": [
                    {
                        "what": c.what,
                        "who": c.who,
                        "when": c.when,
                        "status": c.status,
                        "status_name": status_label(c.status, language) if c.status else "",
                        "note": c.note,
                    }
                    for c in step.commitments
                ],
                "ratings": [
                    {"text": q.text, "mean": q.mean, "n": q.n}
                    for q in step.evaluation
                    if q.kind == "rating" and q.n
                ],
                "comments": [c for q in step.evaluation for c in q.comments],
                "mean": step.rating_mean,
            }
        )
    return {
        "team": found.series.team,
        "code": format_code(found.series.code),
        "steps": steps,
        "done": found.done,
        "total": len(found.steps),
        "next": found.next_step.position if found.next_step else None,
    }


class TeamHandler(_SeriesHandler):
    """The team's page: its series, done / next / planned, and what it committed to."""

    async def get(self) -> None:
        code = _arg(self, "code", 64)
        if not code:
            self.page("series_team.html.j2", self.language(), view=None, error="", code="")
            return
        gate = self.gate()
        access, language, view = await self.progress_view(lambda s: find_by_code(s, code, gate))
        if view is None:
            self.set_status(403 if access.error != "store" else 503)
            message = self.refusal(access, language, "code")
            self.page("series_team.html.j2", language, view=None, error=message, code=code)
            return
        self.page("series_team.html.j2", language, view=view, error="", code=view["code"])


class TeamOpenHandler(_SeriesHandler):
    """Opens a step's kit in the step's session, then sends the browser to the kit."""

    async def post(self) -> None:
        code = _arg(self, "code", 64)
        step_text = _arg(self, "step", 4)
        step = int(step_text) if step_text.isdigit() else 0
        if not 0 < step <= MAX_STEPS:
            raise web.HTTPError(400)
        gate = self.gate()

        def work() -> tuple[Access, str, Session | None]:
            with self.store() as store:
                access = find_by_code(store, code, gate)
                if access.series is None:
                    return access, self.language(), None
                language = self.language(access.series.language)
                return access, language, store.open_step(access.series.id, step, language)

        access, language, session = await self.off_loop(work)
        if access.series is None:
            self.set_status(403 if access.error != "store" else 503)
            message = self.refusal(access, language, "code")
            self.page("series_team.html.j2", language, view=None, error=message, code=code)
            return
        kit = find_kit(session.kit_id) if session is not None else None
        if session is None or kit is None:
            raise web.HTTPError(404)
        query = urlencode({"session": session.id, "lang": kit.content_language(language)})
        self.redirect(
            f"{self.base}/voila/render/{quote(kit.folder.name)}/{NOTEBOOK_FILE}?{query}", status=303
        )


class SeriesOverviewHandler(_SeriesHandler):
    """The leader's overview, behind the series secret (asked on every visit)."""

    def get(self) -> None:
        self.page("series_overview.html.j2", self.language(), view=None, error="")

    async def post(self) -> None:
        # a secret is 32 characters: nothing longer is hashed (scrypt's cost grows with it)
        secret = self.get_body_argument("secret", "")[:200]
        gate = self.gate()
        access, language, view = await self.progress_view(lambda s: login(s, secret, gate))
        if view is None:
            self.set_status(403 if access.error != "store" else 503)
            message = self.refusal(access, language, "secret")
            self.page("series_overview.html.j2", language, view=None, error=message)
            return
        self.page("series_overview.html.j2", language, view=view, error="")


def handlers(base: str, store_url: str | None = None) -> list[tuple[str, type, dict[str, Any]]]:
    """The routes of the series pages under ``base`` (the server's base URL)."""
    base = base.rstrip("/")
    options = {"store_url": store_url, "base": base}
    return [
        (rf"{base}/talkkit/team", TeamHandler, options),
        (rf"{base}/talkkit/team/open", TeamOpenHandler, options),
        (rf"{base}/talkkit/series-overview", SeriesOverviewHandler, options),
    ]
