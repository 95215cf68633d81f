"""Binder (mybinder.org): its launch link for a repository, knowing that a kit runs there, and
the environment ``binder/start`` gives the Jupyter server.

Binder's build and start steps live in ``binder/`` (repo2docker reads them): ``apt.txt``,
``runtime.txt``, ``requirements.txt`` (installs this project from the repository root, which is
repo2docker's working directory), ``postBuild`` (``talkkit media``, ``talkkit binder config``)
and ``start`` (``talkkit binder env``, then the server command). ``tests/test_binder_build.py``
replays them in the order of the Dockerfile repo2docker generates.

mybinder.org's limits (its documentation, 2026): 1-2 GB of memory per user, a server culled
after 10 idle minutes, nothing kept after that.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

__all__ = [
    "BINDER_HOST",
    "DEFAULT_URLPATH",
    "IDLE_MINUTES",
    "LinkError",
    "launch_link",
    "on_binder",
    "origin_url",
    "shell_exports",
    "start_environment",
]

BINDER_HOST = "https://mybinder.org"
#: Where a launch lands: the talkkit gallery (``<base>/talkkit/``, the server extension's page).
DEFAULT_URLPATH = "talkkit/"
#: Idle minutes after which mybinder.org culls a server (and with it everything typed).
IDLE_MINUTES = 10

_GITHUB = re.compile(
    r"^(?:https?://|ssh://git@|git@)github\.com[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$"
)
_GITLAB = re.compile(r"^(?:https?://|ssh://git@|git@)gitlab\.com[:/](.+?)(?:\.git)?/?$")
_OWNER_NAME = re.compile(r"^([\w.-]+)/([\w.-]+)$")


class LinkError(ValueError):
    """No launch link can be made (no remote, or one Binder cannot reach)."""


def launch_link(
    repo: str, ref: str = "HEAD", urlpath: str = DEFAULT_URLPATH, host: str = BINDER_HOST
) -> str:
    """The Binder launch link of ``repo``: ``OWNER/NAME`` (GitHub) or a git remote's URL.

    GitHub remotes give ``/v2/gh/OWNER/NAME/REF``, GitLab ones ``/v2/gl/GROUP%2FNAME/REF``, any
    other ``https://`` repository ``/v2/git/<URL>/REF``. ``?urlpath=`` opens the gallery.
    """
    repo = repo.strip()
    if m := _OWNER_NAME.match(repo) or _GITHUB.match(repo):
        spec = f"gh/{m.group(1)}/{m.group(2)}/{quote(ref, safe='')}"
    elif m := _GITLAB.match(repo):
        spec = f"gl/{quote(m.group(1), safe='')}/{quote(ref, safe='')}"
    elif repo.startswith("https://"):
        spec = f"git/{quote(repo, safe='')}/{quote(ref, safe='')}"
    else:
        raise LinkError(
            f"Binder cannot fetch {repo!r}: give a public repository as OWNER/NAME (GitHub) "
            "or its https:// address."
        )
    return f"{host.rstrip('/')}/v2/{spec}?urlpath={quote(urlpath, safe='')}"


def origin_url(folder: Path | None = None) -> str:
    """``git remote get-url origin`` of the repository at ``folder`` (default: the current one)."""
    try:
        out = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise LinkError("git is not installed: give the repository with --repo OWNER/NAME") from exc
    if out.returncode != 0 or not out.stdout.strip():
        raise LinkError(
            "This repository has no remote 'origin' yet. Publish it (e.g. on GitHub), then run "
            "this again, or give the repository with --repo OWNER/NAME."
        )
    return out.stdout.strip()


def on_binder(env: Mapping[str, str] | None = None) -> bool:
    """Does this process run on Binder? ``binder/start`` sets ``TALKKIT_HOSTING=binder``;
    BinderHub itself sets ``BINDER_LAUNCH_HOST`` and ``BINDER_REQUEST`` in the server's
    environment (kernels inherit it)."""
    env = os.environ if env is None else env
    if env.get("TALKKIT_HOSTING"):
        return env["TALKKIT_HOSTING"] == "binder"
    return bool(env.get("BINDER_LAUNCH_HOST") or env.get("BINDER_REQUEST"))


def start_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """What ``binder/start`` exports before it starts the server: the talkkit Voilà template on
    ``JUPYTER_PATH``, a data folder for the store (gone with the server), and the hosting."""
    from talkkit.page.app import TEMPLATE_ROOT

    env = os.environ if env is None else env
    parts = [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(TEMPLATE_ROOT) not in parts:
        parts.insert(0, str(TEMPLATE_ROOT))
    home = env.get("HOME") or str(Path.home())
    return {
        "JUPYTER_PATH": os.pathsep.join(parts),
        "TALKKIT_DATA": env.get("TALKKIT_DATA") or str(Path(home) / ".talkkit-data"),
        "TALKKIT_HOSTING": env.get("TALKKIT_HOSTING") or "binder",
    }


def shell_exports(values: Mapping[str, str]) -> str:
    """``export NAME=value`` lines, quoted for ``eval`` in a POSIX shell."""
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in values.items())
