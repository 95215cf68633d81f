"""Does Binder build the image from this repository and land a student on the gallery?

No container engine here, so this replays what Binder does, in the order of the Dockerfile that
repo2docker generates for the repository (``repo2docker --no-build``: it prints the Dockerfile
and needs no container engine):

1. the Debian packages of the ``apt-get install`` step (``binder/apt.txt``) are installed here
   (``dpkg-query``; the test does not install packages);
2. a fresh virtual environment with the Python of ``binder/runtime.txt`` stands for the image's
   conda environment, with the Jupyter front-ends at the versions of repo2docker's lock file;
3. a fresh copy of the repository (``git ls-files``: what a clone has, uncommitted edits
   included, no generated media) becomes ``${REPO_DIR}``, owned by an unprivileged user;
4. every ``RUN`` after the repository is copied runs as that user from ``${REPO_DIR}``, as
   written (the pip install of ``binder/requirements.txt``, ``binder/postBuild``), except that
   pip may use a cache (``--no-cache-dir`` dropped: same packages, no downloads on every run);
5. the server starts as Binder starts it: repo2docker's entrypoint, ``binder/start``
   (``R2D_ENTRYPOINT``), then the image's command with the arguments BinderHub's spawner adds
   (base URL ``/user/<name>/``, a token) and Binder's environment (``BINDER_LAUNCH_HOST``...);
6. chromium opens the launch address as BinderHub redirects to it (server URL + the README
   link's ``urlpath`` + ``?token=``): the gallery shows, a kit opens, a group types and
   downloads its answers, and the kit says that nothing is kept on Binder.

The server's memory (the server and its kernels) is measured with the gallery and one kit open
and must fit mybinder.org's smallest allowance (1 GB).
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import free_port
from helpers import ROOT
from playwright.sync_api import expect

# The whole build on 2 cores: about 3 min alone, up to 10 when other jobs share the cores.
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(1800)]

#: The unprivileged user the image runs as (BinderHub builds with ``--user-name jovyan``).
USER = "talkkit-binder"
#: Where pip keeps downloaded wheels between runs (the Dockerfile's ``--no-cache-dir`` dropped).
PIP_CACHE = Path(tempfile.gettempdir()) / "talkkit-binder-pip-cache"
#: mybinder.org's smallest memory allowance per user.
BINDER_MEMORY = 1024**3
LOAD = 120_000  # a cold kernel on a fresh server on 2 busy cores
KIT = "tidlig-opsporing"


# --- the Dockerfile ------------------------------------------------------------------------------


@dataclass
class Step:
    keyword: str
    value: str


def parse_dockerfile(text: str) -> list[Step]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    steps: list[Step] = []
    current = ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + "\n"
            continue
        keyword, _, value = current.strip().partition(" ")
        steps.append(Step(keyword.upper(), value.strip()))
        current = ""
    return steps


def generated_dockerfile(repo: Path, user: pwd.struct_passwd) -> str:
    """What repo2docker would build for ``repo``, built for ``user`` as BinderHub passes its
    user (``--user-id``, ``--user-name``)."""
    out = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--user-id", str(user.pw_uid),
         "--user-name", user.pw_name, str(repo)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout


def build_context_file(name: str) -> Path:
    """A file repo2docker puts into the build context (``build_script_files/<escaped path>``,
    or one of its own scripts) as a path on this machine."""
    import repo2docker.buildpacks

    if name.startswith("build_script_files/"):
        escaped = name.removeprefix("build_script_files/").rsplit("-", 1)[0]  # drop the hash
        return Path(re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), escaped))
    return Path(repo2docker.buildpacks.__file__).parent / name.lstrip("/")


def base_jupyter_packages(lock: Path) -> list[str]:
    """The image's Jupyter front-ends (conda lock file) as pip requirements."""
    found = re.findall(
        r"/(notebook|jupyterlab|jupyter_server)-(\d[\w.]*)-[^/]*\.(?:conda|tar)", lock.read_text()
    )
    assert {name for name, _ in found} == {"notebook", "jupyterlab", "jupyter_server"}, found
    return [f"{name}=={version}" for name, version in found]


# --- running as the image's user -----------------------------------------------------------------


def image_user() -> pwd.struct_passwd:
    """An unprivileged user to build and run as (made once; the tests run as root in CI)."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--user-group", "--no-create-home", "--shell", "/bin/bash", USER],
            check=True,
        )
        return pwd.getpwnam(USER)


def as_user(user: pwd.struct_passwd, argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--", *argv]  # fmt: skip


def owned_dir(path: Path, user: pwd.struct_passwd) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chown(path, user.pw_uid, user.pw_gid)
    return path


def copy_repository(target: Path, user: pwd.struct_passwd) -> None:
    """What a clone of the working tree holds (tracked and new files, nothing ignored)."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for rel in filter(None, files):
        source = ROOT / rel
        if not source.is_file():
            continue  # deleted in the working tree
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    if os.geteuid() == 0:  # COPY --chown=<user>
        subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(target)], check=True)


def expand(text: str, values: dict[str, str]) -> str:
    """``${NAME}`` replaced; a name this replay does not know fails the test."""

    def one(m: re.Match) -> str:
        assert m.group(1) in values, f"the replay does not know ${{{m.group(1)}}} in {text!r}"
        return values[m.group(1)]

    return re.sub(r"\$\{(\w+)\}", one, text)


# --- the replay ----------------------------------------------------------------------------------


@dataclass
class BinderServer:
    url: str  # the server's URL with Binder's base URL, as BinderHub knows it
    token: str
    process: subprocess.Popen
    home: Path
    log_path: Path
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def run_logged(argv: list[str], *, cwd: Path, env: dict[str, str], log: Path, what: str) -> None:
    with log.open("a") as out:
        out.write(f"\n$ {shlex.join(argv)}\n")
        out.flush()
        done = subprocess.run(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        pytest.fail(f"Binder's build step failed ({what}, exit {done.returncode}):\n{tail}")


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 (loopback)
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def readme_urlpath() -> str:
    """The ``urlpath`` of the README's Binder launch link."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/\S+?\?urlpath=([^\s)`\]]+)", text)
    assert links, "README.md gives no Binder launch link"
    return unquote(links[0])


def stop(process: subprocess.Popen) -> None:
    """Stop the server and its kernels (one process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def binder_server() -> Iterator[BinderServer]:
    base = Path(tempfile.mkdtemp(prefix="talkkit-binder-"))
    server = None
    try:
        server = replay_binder(base)
        yield server
    finally:
        if server is not None:
            stop(server.process)
        shutil.rmtree(base, ignore_errors=True)


def replay_binder(base: Path) -> BinderServer:
    """Binder's build and start, replayed in ``base`` (see the module doc)."""
    started = time.monotonic()
    user = image_user()
    os.chmod(base, 0o755)  # noqa: S103 (the image user walks into it; nothing secret)
    home = owned_dir(base / "home" / user.pw_name, user)  # REPO_DIR is the user's HOME
    prefix = base / "env"  # stands for ${KERNEL_PYTHON_PREFIX} (/srv/conda/envs/notebook)
    log = base / "build.log"
    log.touch()
    timings: dict[str, float] = {}
    notes: list[str] = []

    # The Dockerfile, generated from a fresh copy of the repository (what Binder clones).
    copy_repository(home, user)
    steps = parse_dockerfile(generated_dockerfile(home, user))
    keywords = [s.keyword for s in steps]
    assert "WORKDIR" in keywords and steps[keywords.index("WORKDIR")].value == "${REPO_DIR}"

    # 1. The apt step installs exactly binder/apt.txt; those packages are here.
    apt = (ROOT / "binder" / "apt.txt").read_text().split()
    installs = [s for s in steps if s.keyword == "RUN" and "apt-get install" in s.value]
    wanted = [s for s in installs if set(apt) <= set(s.value.split())]
    assert wanted, "the Dockerfile does not install binder/apt.txt"
    listed = re.search(r"--no-install-recommends\s+(.*?)\s+&&", wanted[0].value, re.S)
    assert listed and set(listed.group(1).split()) == set(apt)
    for package in apt:
        status = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        )
        assert status.stdout == "install ok installed", f"{package} (binder/apt.txt) is missing"

    # 2. The image's Python environment: runtime.txt's Python, the base environment's Jupyter.
    # The user's own PATH: a Python it can run (not root's pyenv shims).
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    version = runtime.removeprefix("python-")
    system_path = "/usr/local/bin:/usr/bin:/bin"
    python = shutil.which(f"python{version}", path=system_path)
    if python is None:
        python = shutil.which("python3", path=system_path)
        notes.append(f"python{version} ({runtime}) not found: built with {python}")
        warnings.warn(notes[-1], stacklevel=1)
    lock_copy = next(
        s for s in steps if s.keyword == "COPY" and s.value.endswith("/tmp/env/environment.lock")
    )
    lock = build_context_file(lock_copy.value.split()[-2])
    assert f"py-{version}" in lock.name, f"repo2docker picked {lock.name} for {runtime}"
    owned_dir(prefix, user)
    owned_dir(PIP_CACHE, user)
    env = {
        "HOME": str(home),
        "USER": user.pw_name,
        "REPO_DIR": str(home),
        "LANG": "C.UTF-8",
        "PATH": f"{home}/.local/bin:{prefix}/bin:/usr/local/bin:/usr/bin:/bin",  # as the image's
        "PIP_CACHE_DIR": str(PIP_CACHE),
        # the user's scratch files (espeak-ng's PulseAudio folder too) go with the replay
        "TMPDIR": str(owned_dir(base / "tmp", user)),
        "XDG_RUNTIME_DIR": str(owned_dir(base / "run", user)),
        **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},
    }
    t = time.monotonic()
    run_logged(as_user(user, [python, "-m", "venv", str(prefix)]), cwd=home, env=env, log=log, what="venv")  # fmt: skip
    run_logged(
        as_user(user, [f"{prefix}/bin/pip", "install", "-q", *base_jupyter_packages(lock)]),
        cwd=home, env=env, log=log, what="the image's base environment",
    )  # fmt: skip
    timings["environment"] = time.monotonic() - t

    # 3-4. Every RUN after the repository is copied, as the user, from ${REPO_DIR}.
    copied = next(
        i for i, s in enumerate(steps) if s.keyword == "COPY" and " src/ " in f" {s.value} "
    )
    values = {"REPO_DIR": str(home), "KERNEL_PYTHON_PREFIX": str(prefix), "NB_PYTHON_PREFIX": str(prefix)}  # fmt: skip
    entrypoint = None
    replayed = []
    for step in steps[copied + 1 :]:
        if step.keyword == "USER":
            assert step.value in ("${NB_USER}", user.pw_name), (
                "a build step after the copy runs as root"
            )
        elif step.keyword == "RUN":
            command = expand(step.value, values).replace(" --no-cache-dir", "")
            replayed.append(command)
            t_step = time.monotonic()
            run_logged(as_user(user, ["/bin/sh", "-c", command]), cwd=home, env=env, log=log, what=command)  # fmt: skip
            if "pip install" in command or "postBuild" in command:
                name = "pip install" if "pip install" in command else "postBuild"
                timings[name] = timings.get(name, 0.0) + time.monotonic() - t_step
        elif step.keyword == "ENV" and step.value.startswith("R2D_ENTRYPOINT="):
            entrypoint = expand(step.value.partition("=")[2].strip('"'), values)
    assert any("binder/requirements.txt" in c for c in replayed), replayed
    assert any("binder/postBuild" in c for c in replayed), replayed
    assert entrypoint == f"{home}/binder/start"

    # 5. Start as Binder does: entrypoint + start + the image's command + BinderHub's arguments.
    entry = next(s for s in steps if s.keyword == "ENTRYPOINT").value
    assert "repo2docker-entrypoint" in entry
    cmd = json.loads(next(s for s in steps if s.keyword == "CMD").value)
    program = [a for a in cmd if a not in ("--ip", "0.0.0.0")]  # noqa: S104 (dropped: 127.0.0.1)
    port = free_port()
    token = secrets.token_hex(16)
    base_url = f"/user/{user.pw_name}-talkkit-abc123/"
    args = [
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--NotebookApp.base_url={base_url}",
        f"--NotebookApp.token={token}",
        "--NotebookApp.trust_xheaders=True",
    ]
    args += [a.replace("--NotebookApp.", "--ServerApp.") for a in args if a.startswith("--NotebookApp.")]  # fmt: skip
    run_env = {
        **env,
        "R2D_ENTRYPOINT": entrypoint,
        "PYTHONUNBUFFERED": "1",
        "BINDER_LAUNCH_HOST": "https://mybinder.org/",
        "BINDER_REQUEST": f"v2/gh/OWNER/talkkit/HEAD?urlpath={readme_urlpath()}",
        "BINDER_REPO_URL": "https://github.com/OWNER/talkkit",
    }
    server_log = base / "server.log"
    t = time.monotonic()
    process = subprocess.Popen(
        as_user(user, [f"{prefix}/bin/python", str(build_context_file("repo2docker-entrypoint")), *program, *args]),
        cwd=home, env=run_env, stdout=server_log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}{base_url}"
    server = BinderServer(url, token, process, home, server_log, timings, notes)
    deadline = time.monotonic() + 180
    try:
        while get(f"{url}api/status?token={token}") != 200:
            assert process.poll() is None, server.log()
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.3)
    except BaseException:
        stop(process)
        raise
    timings["start"] = time.monotonic() - t
    timings["replay"] = time.monotonic() - started
    return server


def server_memory(process: subprocess.Popen) -> tuple[int, int]:
    """(RSS, PSS) in bytes of the server and every process it started (its kernels)."""
    import psutil

    top = psutil.Process(process.pid)
    rss = pss = 0
    for p in [top, *top.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss, pss


def test_binder_launch_lands_on_the_gallery_and_a_group_downloads(binder_server, page) -> None:
    """Built and started as Binder does: does the launch address show the gallery, does a kit
    open from it, does the kit say nothing is kept, and does a group's download hold what it
    typed? And does the server fit Binder's memory with the gallery and one kit open?"""
    pg, _log = page
    server = binder_server
    # BinderHub's redirect: the server URL, the launch link's urlpath, then ?token=.
    launch = f"{server.url}{readme_urlpath().lstrip('/')}"
    launch += ("&" if "?" in launch else "?") + f"token={server.token}"
    pg.goto(launch, timeout=LOAD)
    gallery_link = pg.locator(f"a[href*='kits/{KIT}/kit.ipynb']").first
    expect(gallery_link).to_be_visible(timeout=LOAD)
    t = time.monotonic()
    gallery_link.click()
    expect(pg.locator(".tk-phase-title")).to_be_visible(timeout=LOAD)
    expect(pg.locator(".tk-status")).not_to_have_class(
        re.compile("tk-status-opening"), timeout=LOAD
    )
    server.timings["kit"] = time.monotonic() - t
    assert urlsplit(pg.url).path.startswith(urlsplit(server.url).path)  # under Binder's base URL

    # The kit tells the group that nothing is kept on Binder, and how to download.
    notice = pg.locator(".tk-temporary")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Binder")
    expect(notice).to_contain_text("Hent svarene")
    # ... and offers no "continue later" link: the server and its answers are gone by then
    expect(pg.get_by_role("button", name="Link til at fortsætte senere")).to_have_count(0)
    shots = ROOT / "tests" / "output"
    shots.mkdir(exist_ok=True)
    pg.screenshot(path=str(shots / "binder-kit.png"))

    rss, pss = server_memory(server.process)
    print(f"\nBinder server with the gallery and one kit open: RSS {rss / 2**20:.0f} MiB, PSS {pss / 2**20:.0f} MiB")  # fmt: skip
    assert rss < BINDER_MEMORY

    # A group types, the answer is saved, and the download holds it.
    pg.locator(".tk-agenda-item", has_text="Den lærende samtale").click()
    answer = "Vi så tegnene for sent; <b>næste gang</b> taler vi sammen"
    pg.locator("#tk-learning-struck").fill(answer)
    expect(pg.locator(".tk-status")).to_have_text(re.compile("Alle svar er gemt"), timeout=15_000)
    with pg.expect_download() as info:
        notice.get_by_role("button", name="Hent svarene").click()
        pg.get_by_role("menuitem", name="CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if text.count(";") else ","))
    assert any(answer in cell for row in rows for cell in row), text

    # What one more kit tab costs (a kernel each): how many fit in Binder's memory.
    second = pg.context.new_page()
    second.goto(launch, timeout=LOAD)
    other = second.locator(f"a[href*='kits/']:not([href*='kits/{KIT}/'])").first
    other.click()
    expect(second.locator(".tk-phase-title")).to_be_visible(timeout=LOAD)
    rss2, _ = server_memory(server.process)
    print(f"A second kit open: RSS {rss2 / 2**20:.0f} MiB (+{(rss2 - rss) / 2**20:.0f} MiB)")
    assert rss2 < BINDER_MEMORY
    second.close()

    print(
        "Binder replay (s): "
        + ", ".join(f"{k} {v:.0f}" for k, v in server.timings.items())
        + ("; " + "; ".join(server.notes) if server.notes else "")
    )
