"""The theme overview: recurring words and phrases in Danish and Swedish, stop words removed,
word forms grouped by their stem, similar answers grouped; all computed locally."""

from __future__ import annotations

import re
import socket

import pytest

from talkkit.report import themes

DA = [
    ("g1", "Vi skal have et bedre tværfagligt samarbejde om børnene."),
    ("g2", "Tværfagligt samarbejde med sundhedsplejersken er vigtigt for barnet."),
    ("g3", "Barnets trivsel kræver tidlig opsporing."),
    ("g4", "Tidlig opsporing handler om at se barnet i tide. Barnet, barnet, barnet!"),
]
SV = [
    ("g1", "Vi behöver bättre samverkan mellan skolan och socialtjänsten."),
    ("g2", "Samverkan med socialtjänsten är nyckeln för barnen."),
    ("g3", "Barnen behöver trygga vuxna omkring sig."),
]


def test_danish_words_are_stemmed_stopped_and_counted_per_group() -> None:
    words, phrases = themes.recurring(DA, "da")
    by_text = {t.text: t for t in words}
    # barnet/barnets/barn count as one word, shown in the form used most, once per group
    assert by_text["barnet"].groups == 3
    assert by_text["barnet"].count >= 5
    assert "barnets" not in by_text
    for stop in ("vi", "skal", "om", "er", "at", "med", "for", "et", "i"):
        assert stop not in by_text
    assert [p.text for p in phrases[:2]] == ["tidlig opsporing", "tværfagligt samarbejde"]
    assert all(p.groups == 2 for p in phrases[:2])


def test_swedish_words_and_phrases() -> None:
    words, _phrases = themes.recurring(SV, "sv")
    texts = [t.text for t in words]
    assert "samverkan" in texts and "socialtjänsten" in texts and "barnen" in texts
    assert not {"och", "med", "är", "vi", "mellan", "behöver"} & set(texts)


def test_a_word_one_group_repeats_is_not_recurring() -> None:
    words, _ = themes.recurring([("g1", "kaffe kaffe kaffe"), ("g2", "te")], "da")
    assert words == []
    alone, _ = themes.recurring([("g1", "kaffe og kaffe")], "da")  # one group: repeats count
    assert [t.text for t in alone] == ["kaffe"]


def test_similar_answers_are_grouped_and_different_ones_not() -> None:
    clusters = themes.similar_answers(DA, "da")
    groups = sorted(sorted(g for g, _t in c.members) for c in clusters)
    assert groups == [["g1", "g2"], ["g3", "g4"]]
    labels = " ".join(c.label for c in clusters)
    assert "opsporing" in labels and "samarbejde" in labels
    assert themes.similar_answers([("g1", "ja"), ("g2", "ja")], "da") == []  # too short to say


def test_analyse_groups_similar_answers_per_prompt() -> None:
    result = themes.analyse({"learning.struck": DA, "other.prompt": [("g1", "Noget helt andet")]})
    data = result.as_dict()
    assert set(data["clusters"]) == {"learning.struck"}
    assert {w["text"] for w in data["words"]} >= {"barnet", "tidlig", "samarbejde"}


def test_odd_input_never_breaks_the_overview() -> None:
    odd = [("g1", ""), ("g2", "   "), ("g3", "😀 \u202e <script>x</script> 123 ---"), ("g4", None)]
    result = themes.analyse({"k": odd}, "sv")  # type: ignore[dict-item]
    assert result.clusters == {}


def test_the_overview_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Computed locally: no socket is opened (no outside service, no model download)."""
    themes.stop_words.cache_clear()
    themes.stem.cache_clear()

    def refuse(*args, **kwargs):
        raise AssertionError("the theme overview tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert themes.analyse({"k": DA}, "da").words
    assert themes.analyse({"k": SV}, "sv").words


# Real answers in a kit about *tidlig opsporing*, where the Danish stemmer folds tid, tidlig
# and tidligere into the one stem "tid" (and the Swedish one tid, tidig and tidigare).
DA_TIME = [
    ("Bord 1", "Vi skal reagere tidligere, når et barn mistrives."),
    ("Bord 2", "Tidligere ventede vi for længe med at ringe til forældrene."),
    ("Bord 3", "Vi har ikke tid nok til den tidlige opsporing."),
    ("Bord 4", "Tidlig opsporing kræver, at vi tager os tid til barnet."),
]
SV_TIME = [
    ("Grupp 1", "Vi måste se de tidiga tecknen när en elev börjar vara borta."),
    ("Grupp 2", "Förut väntade skolan för länge."),
    ("Grupp 3", "Vi har inte tid att ringa alla föräldrar."),
    ("Grupp 4", "Skolan behöver tidiga insatser och mer tid för varje elev."),
]


def _holds(text: str, form: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text.lower()) is not None


def test_danish_counts_the_groups_that_wrote_the_word_shown() -> None:
    """Is "tidligere" counted for the two groups that wrote it, not for all four?"""
    assert len({themes.stem(w, "da") for w in ("tid", "tidlig", "tidligere")}) == 1  # the trap
    words, phrases = themes.recurring(DA_TIME, "da")
    by_text = {t.text: t for t in words}
    assert by_text["tidligere"].groups == 2 and by_text["tidligere"].forms == ("tidligere",)
    assert by_text["tid"].groups == 2  # Bord 3 and 4 wrote "tid"
    assert by_text["tidlig"].groups == 2 and set(by_text["tidlig"].forms) == {"tidlig", "tidlige"}
    assert by_text["tidlig"].label in ("tidlig (tidlige)", "tidlige (tidlig)")
    for term in words + phrases:  # every count is of groups whose text holds a form shown
        holders = {g for g, text in DA_TIME if any(_holds(text, f) for f in term.forms)}
        assert term.groups == len(holders), term


def test_swedish_counts_the_groups_that_wrote_the_word_shown() -> None:
    words, _ = themes.recurring(SV_TIME, "sv")
    by_text = {t.text: t for t in words}
    assert len({themes.stem(w, "sv") for w in ("tid", "tidiga", "tidigt")}) == 1  # the trap
    assert by_text["tid"].groups == 2 and by_text["tid"].forms == ("tid",)
    assert by_text["tidiga"].groups == 2 and by_text["tidiga"].forms == ("tidiga",)
    assert by_text["skolan"].groups == 2 and by_text["elev"].groups == 2


def test_inflected_forms_of_one_word_still_count_together() -> None:
    """Do barn, barnet and barnets, or skola and skolan, still count as one word, with every
    form shown?"""
    words, _ = themes.recurring(
        [("g1", "Barnet skal høres."), ("g2", "Barnets stemme."), ("g3", "Et barn.")], "da"
    )
    assert [(t.text, t.groups, set(t.forms)) for t in words] == [
        ("barn", 3, {"barn", "barnet", "barnets"})
    ] or [(t.groups, set(t.forms)) for t in words] == [(3, {"barn", "barnet", "barnets"})]
    sv, _ = themes.recurring([("g1", "En skola."), ("g2", "Skolan ringer.")], "sv")
    assert [(t.groups, set(t.forms)) for t in sv] == [(2, {"skola", "skolan"})]
    # two forms of a base nobody wrote: "tidlige" and "tidligt" are both "tidlig"
    da, _ = themes.recurring([("g1", "En tidlige indsats."), ("g2", "Vi ser det tidligt.")], "da")
    assert [(t.groups, set(t.forms)) for t in da] == [(2, {"tidlige", "tidligt"})]
