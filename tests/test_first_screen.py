"""The kit page's first screen (issue 20): one source with the widget page, escaped, the
session's saved text when the request names the session, and the seam that streams it.

Does the server-rendered first screen say what the widget page says, in the same order, with
the same field keys? Both are built here for every step of a seminar kit and a self-study
kit in da, sv and en: the widget page as :class:`~widgets.app.KitApp` builds it (its views'
synced state), the first screen as the server renders it (its HTML, parsed).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from ipywidgets.widgets.widget import _instances

from talkkit.kit import load_kit
from talkkit.page.first_screen import first_screen
from talkkit.page.first_screen_html import for_request, render
from talkkit.page.request import parse_request
from talkkit.store import open_store
from talkkit.upstream import first_screen as seam
from widgets.app import KitApp

ROOT = Path(__file__).resolve().parent.parent
KITS = ROOT / "kits"
SEMINAR = load_kit(KITS / "tidlig-opsporing")
SELF_STUDY = load_kit(KITS / "skolfranvaro")


class Now:
    def __call__(self, delay: float, callback: Any) -> None:
        callback()


@pytest.fixture(autouse=True)
def close_new_widgets():
    before = set(_instances)
    yield
    for model_id in set(_instances) - before:
        widget = _instances.get(model_id)
        if widget is not None and type(widget).__name__ not in (
            "Template",
            "VueComponent",
            "Module",
            "Layout",
        ):
            widget.close()


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'answers.sqlite3'}"


class Parsed(HTMLParser):
    """The texts of a rendered first screen, in order, and its fields' keys and contents."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.fields: list[tuple[str, str]] = []
        self._area: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "textarea":
            self._area = dict(attrs)["data-key"] or ""
            self.fields.append((self._area, ""))
        if tag == "script":
            raise AssertionError("a script inside the first screen")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._area = None

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            key, text = self.fields[-1]
            self.fields[-1] = (key, text + data)
        elif data.strip():
            self.texts.append(" ".join(data.split()))


def parse(markup: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(markup)
    return parsed


def widget_page(kit: Any, language: str, phase: str, store_url: str) -> list[str]:
    """The texts the widget page shows on ``phase``, in the first screen's order, and the keys
    and labels of its answer fields, from the views' synced state."""
    context = parse_request(f"/voila/render/{kit.id}/kit.ipynb?lang={language}")
    app = KitApp(
        kit, language=language, facilitator=False, context=context, store=store_url, schedule=Now()
    )
    app.agenda.go(phase)
    page, conv = app.page, app.conversation
    t = page.t
    index = [p["id"] for p in page.phases].index(page.current)
    minutes = t["about_minutes"] if page.self_study else t["minutes"]
    texts = [page.title, t["agenda"]]
    for i, p in enumerate(page.phases, 1):
        texts += [str(i), p["title"], minutes.format(n=p["minutes"])]
    texts += [t["step_of"].format(n=index + 1, total=len(page.phases))]
    texts += [page.phases[index]["title"]]
    if index == 0 and page.summary:
        texts.append(page.summary)
    if page.phases[index]["intro"]:
        texts.append(page.phases[index]["intro"])
    for p in conv.phases:
        if p["id"] == conv.phase:
            for q in p["prompts"]:
                texts.append(q["text"])
                if q["help"]:
                    texts.append(q["help"])
                texts += [f"field {q['key']}", conv.t["our_answer"]]
                texts += [f"field {q['key']}.views", conv.t["views"]]
    return [" ".join(x.split()) for x in texts]


def first_screen_page(kit: Any, language: str, phase: str) -> list[str]:
    """The same from the first screen's HTML (without its own loading line)."""
    screen = first_screen(kit, language, phase_id=phase)
    parsed = parse(render(screen))
    texts = [x for x in parsed.texts if x != " ".join(screen.texts["loading"].split())]
    labels = iter(f.key for f in screen.fields)
    out = []
    for text in texts:  # each field's label comes right before its text area
        out += [f"field {next(labels)}", text] if text in _labels(screen) else [text]
    return out


def _labels(screen: Any) -> set[str]:
    return {f.label for f in screen.fields}


@pytest.mark.parametrize("kit", [SEMINAR, SELF_STUDY], ids=lambda k: k.id)
@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_the_first_screen_says_what_the_widget_page_says(kit, language, store_url) -> None:
    """Title, agenda, step, intro, prompts, field keys and labels, in order, on every step."""
    steps_with_fields = 0
    for phase in kit.agenda:
        widgets_view = widget_page(kit, language, phase.id, store_url)
        assert first_screen_page(kit, language, phase.id) == widgets_view, phase.id
        steps_with_fields += any(x.startswith("field ") for x in widgets_view)
    assert steps_with_fields >= 2


def test_kit_and_user_text_is_escaped_never_html(tmp_path: Path, store_url: str) -> None:
    """A kit text or a saved answer holding markup is shown as text."""
    evil = '</textarea><script>alert(1)</script><img src=x onerror="alert(2)">'
    store = open_store(store_url)
    session = store.create_session(SEMINAR.id, "da")
    first = SEMINAR.agenda[0]
    key = f"{first.id}.{first.prompts[0].id}"
    store.save_answer(session.id, key, evil, None)
    store.close()
    markup = for_request(
        KITS / SEMINAR.id / "kit.ipynb",
        f"http://127.0.0.1/voila/render/{SEMINAR.id}/kit.ipynb?session={session.id}",
        f"session={session.id}",
        None,
        store_url=store_url,
    )
    assert "<script>" not in markup and "<img" not in markup
    parsed = parse(markup)  # raises on any script element
    assert dict(parsed.fields)[key] == evil
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)" in markup
    kit = dataclasses.replace(SEMINAR, title={"da": '<b onclick="x()">Titel</b>'})
    shown = render(first_screen(kit, "da"))
    assert "<b" not in shown and parse(shown).texts[0] == '<b onclick="x()">Titel</b>'


def test_the_session_named_by_the_address_or_cookie_fills_its_fields(store_url: str) -> None:
    """Saved text and the session's step, from ``?session=`` or the kit's session cookie; a
    session of another kit, an unknown id and a facilitator page get none."""
    store = open_store(store_url)
    session = store.create_session(SEMINAR.id, "sv")
    phase = next(p for p in SEMINAR.agenda if p.kind == "learning-conversation")
    key = f"{phase.id}.{phase.prompts[0].id}"
    store.save_answer(session.id, key, "Vi såg barnet.", None)
    store.set_phase(session.id, phase.id)
    other = store.create_session(SELF_STUDY.id, "sv")
    store.close()
    notebook = KITS / SEMINAR.id / "kit.ipynb"
    url = f"http://127.0.0.1/voila/render/{SEMINAR.id}/kit.ipynb"

    def fields(query: str, cookie: str | None = None) -> dict[str, str]:
        return dict(parse(for_request(notebook, url, query, cookie, store_url=store_url)).fields)

    assert fields(f"session={session.id}&lang=sv")[key] == "Vi såg barnet."
    cookie = f"x=1; talkkit_session_{SEMINAR.id}={session.id}"
    assert fields("lang=sv", cookie)[key] == "Vi såg barnet."
    assert key not in fields(f"session={other.id}")  # another kit's session: the first step
    assert key not in fields("session=nosuchsession1")
    assert for_request(notebook, url, "facilitator=1", None, store_url=store_url) == ""
    assert for_request(KITS / "board.ipynb", url, "", None, store_url=store_url) == ""


def test_the_seam_finds_voilas_internals() -> None:
    assert seam.check() is True


def test_the_page_handler_gets_its_kernel_id_before_the_kernel_has_started() -> None:
    """``_EarlyStart``: the id at once, the kernel when its start is done; a refusal at once."""

    class SlowManager:
        def __init__(self) -> None:
            self.release = asyncio.Event()
            self.kernels: dict[str, str] = {}

        async def start_kernel(self, *, kernel_id: str, **kwargs: Any) -> str:
            if kwargs.get("refuse"):
                raise RuntimeError("too many kernels")
            await self.release.wait()
            self.kernels[kernel_id] = f"manager of {kernel_id}"
            return kernel_id

        def get_kernel(self, kernel_id: str) -> str:
            return self.kernels[kernel_id]

    async def scenario() -> None:
        manager = SlowManager()
        early = seam._EarlyStart(manager)
        kernel_id = await early.start_kernel(kernel_name="python3")
        assert kernel_id not in manager.kernels  # not started, yet the handler may render
        future = asyncio.ensure_future(early.get_kernel(kernel_id))
        await asyncio.sleep(0)
        assert not future.done()
        manager.release.set()
        assert await future == f"manager of {kernel_id}"
        with pytest.raises(RuntimeError, match="too many"):
            await early.start_kernel(refuse=True)

    # a loop of its own in a thread of its own: a server fixture of another test module may
    # be running its loop in this thread
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=60)


def test_without_voilas_internals_the_page_handler_stays_voilas(monkeypatch, caplog) -> None:
    from voila.tornado.handler import TornadoVoilaHandler

    monkeypatch.setattr(seam, "_HANDLER_NEEDS", ("something Voilà no longer does",))
    handlers = [("/voila/render/(.*)", TornadoVoilaHandler, {})]
    with caplog.at_level("WARNING", logger="talkkit.upstream"):
        assert seam.swap_page_handler(handlers) == handlers
    assert "talkkit.upstream.first_screen" in caplog.text


def test_voilas_stylesheets_no_longer_hold_back_the_first_paint(caplog) -> None:
    """Only Voilà's JupyterLab styles load without blocking; the first screen's own do block."""
    voila = '<link rel="stylesheet" type="text/css" href="/voila/templates/talkkit/static/index.css?v=1">'
    own = '<link rel="stylesheet" type="text/css" href="/voila/templates/talkkit/static/first-screen.css?v=2">'
    page = f"<head>{voila}{own}</head><body>{seam.MARKER}"
    out = seam.unblock_styles(page)
    assert out.count('media="print"') == 1 and own in out and voila not in out
    assert out.endswith(f"<body>{seam.MARKER}")
    with caplog.at_level("WARNING", logger="talkkit.upstream"):
        assert seam.unblock_styles("<head></head>") == "<head></head>"
    assert "index.css" in caplog.text
