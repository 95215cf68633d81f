"""Does the page know where every answer sits, what needs the group's attention, what was saved,
and does a speaking round kept by the browser come back only when it makes sense?"""

from __future__ import annotations

from pathlib import Path

import pytest

from talkkit.kit import load_kit
from widgets.progress import attention, places, saved_summary
from widgets.speaking import SpeakingModel

ROOT = Path(__file__).resolve().parent.parent
KIT = load_kit(ROOT / "kits" / "tidlig-opsporing")


def test_every_answer_key_has_a_place_with_its_phase_and_prompt() -> None:
    from widgets.book import answer_keys

    where = places(KIT, "da", self_study=False)
    assert set(answer_keys(KIT)) <= set(where)
    views = where["learning.struck.views"]
    assert views["phase"] == "learning"
    assert views["phase_title"] == "Den lærende samtale"
    assert views["label"].startswith("Hvad gjorde størst indtryk")
    assert views["label"].endswith("(Forskellige synspunkter i gruppen)")
    assert where["takeaways"]["phase_title"] == "Fra viden til praksis"
    assert where["evaluation.useful"]["phase"] == "evaluation"


def test_attention_lists_only_answers_the_group_must_act_on() -> None:
    status = {
        "a": {"state": "saved"},
        "b": {"state": "privacy"},
        "c": {"state": "retrying"},
        "d": {"state": "refused"},
        "e": {"state": "conflict"},
    }
    assert attention(status) == [
        {"key": "b", "state": "privacy"},
        {"key": "d", "state": "refused"},
        {"key": "e", "state": "conflict"},
    ]


def test_the_end_counts_what_was_saved() -> None:
    values = {
        "welcome.expectations": "At lære",
        "learning.struck": "  ",
        "learning.struck.views": "Uenige",
        "takeaways": [{"what": "Skema", "who": "", "when": ""}],
        "questions": ["Hvorfor?", "Hvordan?"],
        "evaluation.useful": 4,
    }
    rows = {r["id"]: r for r in saved_summary(KIT, "da", values)}
    assert rows["welcome"]["saved"] == rows["welcome"]["total"] == 1
    assert rows["learning"]["saved"] == 1  # the views field counts, blank text does not
    assert rows["takeaways"]["saved"] == 1 and rows["takeaways"]["total"] is None
    assert rows["questions"]["saved"] == 2
    assert rows["evaluation"]["saved"] == 1
    assert rows["evaluation"]["total"] == len(KIT.evaluation_questions())


@pytest.mark.parametrize(
    "saved",
    [
        None,
        "x",
        {"turn": 2, "round": 1, "count": 6},  # no seconds
        {"turn": 2, "round": 1, "count": 99, "seconds": 0},
        {"turn": -1, "round": 1, "count": 6, "seconds": 0},
        {"turn": 2, "round": 0, "count": 6, "seconds": 0},
        {"turn": 2, "round": 1, "count": 6, "seconds": 7},
        {"turn": True, "round": 1, "count": 6, "seconds": 0},
    ],
)
def test_a_speaking_round_from_the_browser_is_checked(saved) -> None:
    model = SpeakingModel(clock=lambda: 1000.0)
    assert model.restore(saved) is False
    assert (model.turn, model.round, model.count, model.seconds) == (0, 1, 6, 0)


def test_a_speaking_round_comes_back_within_the_group() -> None:
    model = SpeakingModel(clock=lambda: 5000.0)
    assert model.restore({"turn": 4, "round": 3, "count": 7, "seconds": 120})
    assert (model.turn, model.round, model.count, model.seconds) == (4, 3, 7, 120)
    assert model.started == 5000.0
    model.restore({"turn": 9, "round": 1, "count": 5, "seconds": 0})
    assert model.turn == 4  # never past the last person
