"""The theme overview: recurring words and phrases in Danish and Swedish, stop words removed,
word forms grouped by their stem, similar answers grouped; all computed locally."""

from __future__ import annotations

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
