"""A recorded talk from an author: an .mp4 made with ffmpeg, SRT captions converted with
webvtt-py, written into the kit notebook's settings cell from a notebook cell (issue 21)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from helpers import ROOT, copy_kit

from talkkit.authoring.check import check_kit
from talkkit.authoring.media import MediaError, read_captions
from talkkit.authoring.talks import srt_to_vtt, use_video
from talkkit.kit import load_kit

SRT = """1
00:00:00,500 --> 00:00:04,000
Hej, jag heter Sara.

2
00:00:04,500 --> 00:00:09,000
Jag ska berätta om min skoltid.
"""


@pytest.fixture
def recorded(tmp_path):
    kit = copy_kit(tmp_path, ROOT / "kits" / "skolfranvaro")
    media = kit / "media"
    for p in media.glob("talk1*"):
        p.unlink()
    (media / "poster.png").unlink()
    subprocess.run(
        [shutil.which("ffmpeg") or "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
         "testsrc=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "7",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(media / "sara.mp4")],
        check=True, timeout=120,
    )  # fmt: skip
    (media / "sara.sv.srt").write_text(SRT, encoding="utf-8")
    return kit


def test_srt_becomes_webvtt(recorded):
    vtt = srt_to_vtt(recorded / "media" / "sara.sv.srt")
    cues = read_captions(vtt)
    assert [c.text for c in cues] == ["Hej, jag heter Sara.", "Jag ska berätta om min skoltid."]
    assert cues[1].start == 4.5


def test_a_broken_srt_is_said_in_words(recorded):
    bad = recorded / "media" / "bad.srt"
    bad.write_text("this is no caption file\n", encoding="utf-8")
    with pytest.raises(MediaError, match="not a readable SRT file"):
        srt_to_vtt(bad)


def test_use_video_makes_the_kit_ready(recorded):
    assert any("not there" in str(p) for p in check_kit(recorded))  # the demo talk is gone
    done = use_video("media/sara.mp4", {"sv": "media/sara.sv.srt"}, folder=recorded)
    assert any("poster" in d for d in done)
    kit = load_kit(recorded)
    talk = kit.talks[0]
    assert talk.video == "media/sara.mp4" and talk.generate is None
    assert talk.captions == {"sv": "media/sara.sv.vtt"}
    assert abs(talk.duration_seconds - 7.0) < 0.5
    assert talk.title == "Gör stegen tillbaka små"  # the prose is untouched
    assert check_kit(recorded) == []
