"""Does talkkit run as operators deploy it: installed as a package into its own venv outside
the repository, started by an unprivileged user with the settings ``talkkit deploy`` wrote?

systemd is not running on this machine (no PID 1 systemd in the container), so the test
starts the unit's ``ExecStart`` the way systemd would: as the unit's ``User=``, with its
``EnvironmentFile=`` variables and ``WorkingDirectory=``. ``systemd-analyze verify`` checks the
unit itself (tests/test_deploy_config.py).
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import KITS, free_port
from synthetic import PageClient

from talkkit.deploy.files import ensure_user

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
USER = "talkkit"


def env_file(path: Path) -> dict[str, str]:
    """An EnvironmentFile as systemd reads the lines talkkit deploy writes (NAME="value")."""
    env = {}
    for line in path.read_text().splitlines():
        m = re.fullmatch(r'([A-Z_]+)="((?:[^"\\]|\\.)*)"', line)
        if m:
            env[m.group(1)] = re.sub(r"\\(.)", r"\1", m.group(2))
    return env


def exec_start(unit: str, env: dict[str, str], instance: str) -> list[str]:
    line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    line = line.removeprefix("ExecStart=").replace("%i", instance)
    line = re.sub(r"\$\{([A-Z_]+)\}", lambda m: env[m.group(1)], line)
    return shlex.split(line)


@pytest.fixture(scope="module")
def installed() -> Iterator[Path]:
    """A folder standing for the server's /: talkkit installed into <root>/opt/talkkit."""
    if os.geteuid() != 0:
        pytest.skip("needs root: it creates the unprivileged service user, as deploy does")
    root = Path(tempfile.mkdtemp(prefix="talkkit-install-"))  # outside the repository
    root.chmod(0o755)
    venv = root / "opt" / "talkkit"
    # Debian's python3 (python3-venv), as on a server: the service user can run it, which
    # it cannot a Python under /root (this checkout's .venv may use one)
    python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    # from a copy of the sources: a build in the checkout would leave build/ behind
    src = root / "src"
    skip = shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "build", "*.egg-info", "__pycache__", "results", "*.webm"
    )
    shutil.copytree(ROOT, src, ignore=skip)
    result = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(src)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_package_runs_as_the_service_user_with_the_deployed_settings(installed: Path) -> None:
    root = installed
    venv = root / "opt" / "talkkit"
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import talkkit, widgets; print(talkkit.__file__)"],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)), where  # the package, not the checkout
    kits = root / "srv" / "talkkit" / "kits"
    shutil.copytree(KITS, kits)
    data = root / "var" / "lib" / "talkkit"
    etc = root / "etc" / "talkkit"
    cert = root / "cert.pem"
    port = free_port()
    out = root / "review"
    deploy = [
        str(venv / "bin" / "talkkit"), "deploy", "--groups", "10",
        "--tls-cert", str(cert), "--tls-key", str(cert), "--first-port", str(port),
        "--venv", str(venv), "--kits", str(kits), "--data", str(data),
        "--preheat-kit", "tidlig-opsporing", "--output", str(out),
    ]  # fmt: skip
    result = subprocess.run(deploy, capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kernel bound" in result.stdout
    shutil.copytree(out / "etc" / "talkkit", etc)
    from talkkit.deploy import Settings

    settings = Settings(groups=10, tls_cert=cert, tls_key=cert, data=data, user=USER)
    ensure_user(settings)  # what `talkkit deploy` does on the server
    account = pwd.getpwnam(USER)
    assert account.pw_uid != 0 and account.pw_shell.endswith("nologin")
    assert data.stat().st_uid == account.pw_uid and data.stat().st_mode & 0o777 == 0o750
    unit = (out / "etc" / "systemd" / "system" / "talkkit@.service").read_text()
    assert f"User={USER}" in unit
    env = {**env_file(etc / "talkkit.env"), **env_file(etc / "s1.env")}
    assert env["TALKKIT_DATA"] == str(data) and env["TALKKIT_PORT"] == str(port)
    cmd = exec_start(unit, env, "s1")
    assert cmd[0] == str(venv / "bin" / "talkkit")
    clean = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", **env}
    log = (root / "s1.log").open("w")
    as_user = {"user": USER, "group": USER, "extra_groups": []}  # what User=/Group= do
    process = subprocess.Popen(
        cmd,
        **as_user,
        cwd=data,
        env=clean,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, (root / "s1.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(base + "talkkit/health", timeout=5) as r:  # noqa: S310
                    health = r.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, (root / "s1.log").read_text()[-3000:]
                time.sleep(0.5)
        assert '"server": "s1"' in health and '"ok": true' in health
        uid = next(
            line.split()[1]
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines()
            if line.startswith("Uid:")
        )
        assert int(uid) == account.pw_uid  # not root

        group = PageClient(base, "tidlig-opsporing/kit.ipynb")
        group.open()
        assert group.save("learning.struck", "installeret og gemt", 1)
        group.close()
        store = data / "talkkit.sqlite3"
        assert store.stat().st_uid == account.pw_uid
        backup = data / "backup.sqlite3"
        b = subprocess.run(
            [str(venv / "bin" / "talkkit"), "backup", str(backup)],
            **as_user,
            env=clean,
            cwd=data,
            capture_output=True,
            text=True,
        )
        assert b.returncode == 0 and "1 sessions" in b.stdout, b.stdout + b.stderr
    finally:
        os.killpg(process.pid, 15)
        process.wait(20)
