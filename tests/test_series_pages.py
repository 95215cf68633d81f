"""The team's page and the leader's overview (issue 22 part 2), served by tornado as in
``talkkit serve``, asked over real HTTP: typed text comes back as text, a wrong code or secret
makes only the browser that sent it wait, never anyone else, and every form value is checked."""

from __future__ import annotations

import asyncio
import html
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import free_port
from tornado import httpserver, web

from talkkit.events.codes import format_code
from talkkit.page import series_page
from talkkit.series.access import Gates
from talkkit.series.setup import create_series
from talkkit.store import open_store

XSS = '<img src=x onerror="alert(1)"> =HYPERLINK("http://evil")'
PLAN = [("tidlig-opsporing", date(2027, 1, 10)), ("tvaerfagligt-samarbejde", date(2027, 3, 1))]


@dataclass
class Site:
    url: str
    store_url: str


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    if request.param == "sqlite":
        store_url = f"sqlite://{tmp_path / 'store.sqlite3'}"
    else:
        store_url = str(request.getfixturevalue("pg_fresh_url"))
    port = free_port()
    ready = threading.Event()
    holder: dict[str, object] = {}

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = web.Application(series_page.handlers("", store_url))
        server = httpserver.HTTPServer(app)
        server.listen(port, "127.0.0.1")
        holder["loop"], holder["server"] = loop, server
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield Site(f"http://127.0.0.1:{port}", store_url)
    loop = holder["loop"]
    loop.call_soon_threadsafe(loop.stop)  # type: ignore[attr-defined]
    thread.join(10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One browser: its own cookies (so its own gate)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str, dict]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.site.url + path, data=data, timeout=30) as r:
                return r.status, r.read().decode(), dict(r.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(), dict(exc.headers)

    def xsrf(self, path: str) -> str:
        _status, body, _ = self.request(path)
        return html.unescape(re.search(r'name="_xsrf" value="([^"]+)"', body).group(1))

    def post(self, path: str, form: dict[str, str], page: str) -> tuple[int, str, dict]:
        return self.request(path, {"_xsrf": self.xsrf(page), **form})


@pytest.fixture
def series(site: Site):
    with open_store(site.store_url) as store:
        made, secret = create_series(store, "Team <b>Nord</b>", PLAN, "da")
        one = store.open_step(made.id, 1, "da")
        takeaway = {"what": XSS, "who": "Mette & Co", "when": "1. marts"}
        store.save_answer(one.id, "takeaways", [takeaway], None)
        store.save_answer(one.id, "evaluation.useful", 4, None)
        two = store.open_step(made.id, 2, "da")
        store.save_answer(two.id, "followup", [{**takeaway, "status": "done", "note": XSS}], None)
    return made, secret, one, two


def test_the_team_page_shows_the_way_and_the_commitments_as_text(site, series) -> None:
    made, _secret, _one, _two = series
    status, body, headers = Browser(site).request(f"/talkkit/team?code={format_code(made.code)}")
    assert status == 200 and 'lang="da"' in body
    assert "Content-Security-Policy" in headers and headers["Cache-Control"] == "no-store"
    assert "Team &lt;b&gt;Nord&lt;/b&gt;" in body and "<b>Nord" not in body
    assert XSS in html.unescape(body) and "<img" not in body
    assert "Gjort" in body and "Næste" in body and "Planlagt til 1. marts 2027" in body
    assert "Mette &amp; Co" in body and "1 af 2 kits gennemført" in body


def test_a_code_is_found_however_it_is_typed(site, series) -> None:
    made, *_ = series
    typed = " " + format_code(made.code).lower().replace("-", " ") + " "
    status, body, _ = Browser(site).request(
        "/talkkit/team?" + urllib.parse.urlencode({"code": typed})
    )
    assert status == 200 and "Team &lt;b&gt;Nord" in body


def test_a_wrong_code_slows_only_the_browser_that_sent_it(site, series) -> None:
    made, *_ = series
    right = f"/talkkit/team?code={format_code(made.code)}"
    guesser = Browser(site)
    status, body, _ = guesser.request("/talkkit/team?code=AAAA-AAAA-AAAA&lang=en")
    assert status == 403 and "No series has this code" in body
    status, body, _ = guesser.request(right + "&lang=en")  # even the right code waits now
    assert status == 403 and "wait 1 seconds" in body
    for _ in range(20):  # a flood of wrong codes ...
        guesser.request("/talkkit/team?code=BBBB-BBBB-BBBB")
    status, body, _ = Browser(site).request(right)  # ... keeps nobody else out
    assert status == 200 and "Team &lt;b&gt;Nord" in body
    # the guesser itself gets in once its own wait is over (its gate's clock moved on)
    token = next(c.value for c in guesser.jar if c.name == series_page.GATE_COOKIE)
    _token, gate = series_page._GATES.get(token)
    gate.clock = lambda: gate._last + 3600
    assert guesser.request(right)[0] == 200


def test_opening_a_step_sends_the_team_to_its_session(site, series) -> None:
    made, _secret, one, two = series
    team = Browser(site)
    page = f"/talkkit/team?code={format_code(made.code)}"
    status, _body, headers = team.post("/talkkit/team/open", {"code": made.code, "step": "2"}, page)
    assert status == 303
    assert (
        headers["Location"]
        == f"/voila/render/tvaerfagligt-samarbejde/kit.ipynb?session={two.id}&lang=da"
    )
    status, _body, headers = team.post("/talkkit/team/open", {"code": made.code, "step": "1"}, page)
    assert status == 303 and f"session={one.id}" in headers["Location"]


@pytest.mark.parametrize("step", ["0", "3", "abc", "-1", "1" * 50, ""])
def test_a_step_that_is_not_one_is_refused(site, series, step) -> None:
    made, *_ = series
    page = f"/talkkit/team?code={format_code(made.code)}"
    status, _body, headers = Browser(site).post(
        "/talkkit/team/open", {"code": made.code, "step": step}, page
    )
    assert status in (400, 404) and "Location" not in headers
    with open_store(site.store_url) as store:
        assert sorted(store.series_sessions(made.id)) == [1, 2]


def test_a_form_sent_from_elsewhere_is_refused(site, series) -> None:
    made, *_ = series
    status, _body, headers = Browser(site).request(
        "/talkkit/team/open", {"code": made.code, "step": "1"}
    )
    assert status == 403 and "Location" not in headers
    status, body, _ = Browser(site).request("/talkkit/series-overview", {"secret": series[1]})
    assert status == 403 and "Team" not in body


def test_the_overview_opens_with_the_secret_and_shows_text_as_text(site, series) -> None:
    made, secret, *_ = series
    leader = Browser(site)
    status, body, _ = leader.request("/talkkit/series-overview")
    assert status == 200 and 'type="password"' in body and "Nord" not in body
    status, body, _ = leader.post(
        "/talkkit/series-overview", {"secret": secret}, "/talkkit/series-overview"
    )
    assert status == 200 and "Lederens overblik" in body
    assert XSS in html.unescape(body) and "<img" not in body
    assert '<span class="mean">4.0</span>' in body and '<span class="mean">–</span>' in body
    assert 'style="width: 80%"' in body  # the bar of the first kit's average
    assert "Gjort" in body and format_code(made.code) in body


def test_a_wrong_secret_is_slowed_and_locks_nobody_out(site, series) -> None:
    _made, secret, *_ = series
    page = "/talkkit/series-overview?lang=sv"
    guesser = Browser(site)
    status, body, _ = guesser.post(page, {"secret": "not-it"}, page)
    assert status == 403 and "Det är inte chefskoden" in body
    status, body, _ = guesser.post(page, {"secret": secret}, page)  # refused unchecked: waits
    assert status == 403 and "vänta 1 sekunder" in body
    for _ in range(5):
        guesser.post(page, {"secret": "x" * 5000}, page)  # too long: just wrong
    status, body, _ = Browser(site).post(page, {"secret": secret}, page)
    assert status == 200 and "Chefens översikt" in body  # the leader is not locked out


def test_a_browser_is_slowed_only_by_its_own_gate() -> None:
    """The gates are per token, bounded in number; an unknown token gets a fresh gate."""
    gates = Gates(size=3)
    token, gate = gates.get(None)
    gate.failed()
    assert gates.get(token)[1] is gate and gate.wait() > 0
    other_token, other = gates.get("made-up-token")
    assert other_token != "made-up-token" and other.wait() == 0
    for _ in range(5):
        gates.get(None)
    assert gates.get(token)[0] != token  # forgotten (the oldest first): a fresh, open gate
