"""Does `talkkit media` make a talk whose captions match the speech, offline?"""

from __future__ import annotations

import itertools

import pytest

from talkkit.authoring.media import (
    MediaError,
    duration_seconds,
    make_talk_media,
    parse_script,
    read_captions,
)


def test_parse_script_chapters_and_sentences():
    sections = parse_script("## Start\nEn sætning. En til!\n\n## Slut\nSidste sætning?\n")
    assert sections == [("Start", ["En sætning.", "En til!"]), ("Slut", ["Sidste sætning?"])]


@pytest.mark.slow
def test_make_talk_media(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "t.txt").write_text(
        "## Første del\nHej med jer. Det her er en prøve.\n## Anden del\nTak for i dag.\n",
        encoding="utf-8",
    )
    result = make_talk_media(
        tmp_path,
        script="media/t.txt",
        language="da",
        video="media/t.webm",
        title="Prøve",
        subtitle="Test",
    )
    cues = read_captions(result.captions)
    assert [c.text for c in cues] == ["Hej med jer.", "Det her er en prøve.", "Tak for i dag."]
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))
    chapters = read_captions(result.chapters)
    assert [c.text for c in chapters] == ["Første del", "Anden del"]
    real = duration_seconds(result.video)
    assert cues[-1].end <= real <= cues[-1].end + 2.0  # no long silent tail
    assert result.poster.stat().st_size > 1000


def test_duration_of_a_file_that_is_not_media(tmp_path):
    bogus = tmp_path / "x.webm"
    bogus.write_text("hello")
    with pytest.raises(MediaError):
        duration_seconds(bogus)
