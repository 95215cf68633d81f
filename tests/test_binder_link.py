"""Does ``talkkit binder link`` give a fork's launch link, and does the README show its form?"""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from helpers import ROOT

from talkkit.binder import DEFAULT_URLPATH, LinkError, launch_link, on_binder, origin_url
from talkkit.cli import main


@pytest.mark.parametrize(
    ("repo", "spec"),
    [
        ("me/talkkit", "gh/me/talkkit/main"),
        ("https://github.com/me/talkkit", "gh/me/talkkit/main"),
        ("https://github.com/me/talkkit.git", "gh/me/talkkit/main"),
        ("git@github.com:me/talkkit.git", "gh/me/talkkit/main"),
        ("ssh://git@github.com/me/talk.kit.git", "gh/me/talk.kit/main"),
        ("git@gitlab.com:group/sub/talkkit.git", "gl/group%2Fsub%2Ftalkkit/main"),
        ("https://git.example.org/x/talkkit.git", "git/https%3A%2F%2Fgit.example.org%2Fx%2Ftalkkit.git/main"),
    ],
)  # fmt: skip
def test_launch_link_of_a_remote(repo: str, spec: str) -> None:
    link = launch_link(repo, "main")
    assert link == f"https://mybinder.org/v2/{spec}?urlpath=talkkit%2F"
    assert parse_qs(urlsplit(link).query)["urlpath"] == [DEFAULT_URLPATH]


def test_a_branch_with_a_slash_is_one_path_segment() -> None:
    assert launch_link("me/talkkit", "fix/binder").startswith(
        "https://mybinder.org/v2/gh/me/talkkit/fix%2Fbinder?"
    )


@pytest.mark.parametrize("repo", ["/srv/git/talkkit", "file:///srv/talkkit", "git@myhost:x/y.git"])
def test_a_remote_binder_cannot_reach_is_refused(repo: str) -> None:
    with pytest.raises(LinkError, match="Binder cannot fetch"):
        launch_link(repo)


def test_the_command_reads_origin(tmp_path, capsys) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with pytest.raises(LinkError, match="no remote 'origin'"):
        origin_url(tmp_path)
    subprocess.run(
        ["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:fork/talkkit.git"],
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-m", "talkkit", "binder", "link", "--ref", "v1"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert out == "https://mybinder.org/v2/gh/fork/talkkit/v1?urlpath=talkkit%2F\n"
    assert main(["binder", "link", "--repo", "a/b", "--markdown"]) == 0
    assert "](https://mybinder.org/v2/gh/a/b/HEAD?urlpath=talkkit%2F)" in capsys.readouterr().out


def test_without_origin_the_command_says_how(tmp_path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    out = subprocess.run(
        [sys.executable, "-m", "talkkit", "binder", "link"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 1
    assert "--repo OWNER/NAME" in out.stderr and out.stdout == ""


def test_readme_shows_the_links_form_and_no_dead_link() -> None:
    """The README's launch link is the form ``talkkit binder link`` prints, with placeholders
    (this repository has no public address yet), never a clickable link to a guessed one."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/[^\s`)\]]+", text)
    assert links
    for link in links:
        assert "OWNER/NAME" in link, link
        assert unquote(parse_qs(urlsplit(link).query)["urlpath"][0]) == DEFAULT_URLPATH
    assert "talkkit binder link" in text


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"TALKKIT_HOSTING": "binder"}, True),
        ({"BINDER_LAUNCH_HOST": "https://mybinder.org/"}, True),
        ({"BINDER_REQUEST": "v2/gh/a/b/HEAD"}, True),
        ({"JUPYTERHUB_USER": "x"}, False),  # any JupyterHub, not Binder
        ({"TALKKIT_HOSTING": "seminar", "BINDER_LAUNCH_HOST": "x"}, False),
    ],
)
def test_binder_is_recognised(env, expected) -> None:
    assert on_binder(env) is expected
