"""The agenda, the speaking round and the player's helpers, from Python with a fake clock."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from talkkit.kit import load_kit
from talkkit.kit.phases import PHASE_KINDS
from widgets.agenda import MAX_EXTRA_MINUTES, AgendaModel
from widgets.player import clock_label, embed_url
from widgets.speaking import SpeakingModel

ROOT = Path(__file__).resolve().parent.parent
KIT = load_kit(ROOT / "kits" / "tidlig-opsporing")


class Clock:
    def __init__(self) -> None:
        self.ms = 1_800_000_000_000.0

    def __call__(self) -> float:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += seconds * 1000


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_countdown_runs_pauses_and_takes_extra_minutes(clock: Clock) -> None:
    agenda = AgendaModel(KIT, clock=clock)
    assert agenda.current == "welcome" and agenda.remaining() == 5 * 60
    agenda.start()
    clock.advance(90)
    assert agenda.remaining() == 210
    agenda.pause()
    clock.advance(600)
    assert agenda.remaining() == 210  # paused: no time passes
    agenda.add_minute()
    assert agenda.remaining() == 270
    agenda.start()
    clock.advance(400)
    assert agenda.remaining() == -130  # time is up; the view shows a calm signal
    agenda.reset()
    assert agenda.remaining() == 300


def test_extra_minutes_are_bounded(clock: Clock) -> None:
    agenda = AgendaModel(KIT, clock=clock)
    for _ in range(MAX_EXTRA_MINUTES + 10):
        agenda.add_minute()
    assert agenda.timers["welcome"]["extra"] == MAX_EXTRA_MINUTES * 60


def test_session_time_left_counts_the_phases_ahead(clock: Clock) -> None:
    agenda = AgendaModel(KIT, clock=clock)
    assert agenda.session_left() == KIT.total_minutes * 60
    agenda.go("practice")
    assert agenda.session_left() == (15 + 5) * 60


def test_going_elsewhere_pauses_the_running_timer(clock: Clock) -> None:
    agenda = AgendaModel(KIT, clock=clock)
    agenda.go("learning")
    agenda.start()
    clock.advance(60)
    assert agenda.step(1) and agenda.current == "productive"
    clock.advance(600)
    assert agenda.remaining("learning") == 29 * 60
    assert not agenda.go("nope") and not agenda.go(None) and agenda.current == "productive"
    agenda.go("evaluation")
    assert not agenda.step(1) and agenda.current == "evaluation"


def test_timers_kept_by_the_browser_are_checked_before_they_are_restored(clock: Clock) -> None:
    first = AgendaModel(KIT, clock=clock)
    first.go("learning")
    first.start()
    first.add_minute()
    clock.advance(120)
    saved = first.timers
    second = AgendaModel(KIT, clock=clock)
    assert second.restore(saved) == len(KIT.agenda)
    assert second.remaining("learning") == first.remaining("learning") == 29 * 60
    bad = {
        "welcome": {"running": True, "started": clock.ms + 10_000, "elapsed": 0, "extra": 0},
        "talks": {"running": False, "started": 0, "elapsed": -5, "extra": 0},
        "learning": {"running": False, "started": 0, "elapsed": 0, "extra": 10**9},
        "productive": {"running": "yes", "started": 0, "elapsed": 0, "extra": 0},
        "break": {"running": False, "started": 0, "elapsed": 0, "extra": 0, "x": 1},
        "gathering": ["running"],
        "nope": {"running": False, "started": 0, "elapsed": 0, "extra": 0},
    }
    third = AgendaModel(KIT, clock=clock)
    assert third.restore(bad) == 0
    assert third.restore("not a dict") == 0 and third.restore(None) == 0
    assert third.remaining("welcome") == 300


def test_the_speaking_round_goes_round(clock: Clock) -> None:
    round_ = SpeakingModel(clock=clock)
    assert round_.set_count(3)
    for bad in (0, 21, "3", 3.0, True, None):
        assert not round_.set_count(bad)
    round_.next()
    round_.next()
    round_.next()
    assert (round_.turn, round_.round) == (0, 2)
    round_.set_names(["Anna", " ", "Bo "])
    assert round_.names == ["Anna", "Bo"] and round_.size == 2
    round_.next()
    assert round_.turn == 1 and round_.started == clock.ms
    assert not round_.set_seconds(45) and round_.set_seconds(120)
    round_.restart()
    assert (round_.turn, round_.round) == (0, 1)


@pytest.mark.parametrize(
    ("external", "url"),
    [
        (
            {"provider": "youtube", "id": "aqz-KE-bpKQ"},
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        ({"provider": "vimeo", "id": "76979871"}, "https://player.vimeo.com/video/76979871?dnt=1"),
        ({"provider": "youtube", "id": "x/../../evil"}, None),
        ({"provider": "youtube", "id": "a" * 65}, None),
        ({"provider": "youtube", "id": 'x" onload="alert(1)'}, None),
        ({"provider": "dailymotion", "id": "abc"}, None),
        ({"provider": "vimeo", "id": 5}, None),
        (None, None),
    ],
)
def test_external_ids_are_checked_again(external, url) -> None:
    assert embed_url(external) == url


def test_clock_labels() -> None:
    assert clock_label(0) == "0:00"
    assert clock_label(75.9) == "1:15"
    assert clock_label(3725) == "1:02:05"
    assert clock_label(-3) == "0:00"


def test_no_template_spells_a_phase_kind() -> None:
    """Do the Vue templates take the phase kinds from the kernel (``kinds``, from
    talkkit/kit/phases.py) instead of spelling them?"""
    compare = re.compile(r"""kind\s*[!=]==?\s*['"]([a-z-]+)['"]""")
    for path in sorted((ROOT / "widgets").glob("*.vue")):
        text = path.read_text(encoding="utf-8")
        assert [k for k in compare.findall(text) if k in PHASE_KINDS] == [], path.name
        assert [k for k in PHASE_KINDS if "-" in k and k in text] == [], path.name
