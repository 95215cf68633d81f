"""Kit kernels forked by ``talkkit serve``'s fork server (issue 20, the 60-groups row).

Against a real server: a kit page's kernel is a child of the fork server in a session of its
own, holds the request's environment (its page's language), answers the
widget protocol (ipywidgets imported before the kernel existed), ends when the server shuts it
down and when the server is killed; without the fork server (gone, or ``--no-fork-kernels``) kernels start
as before, with one log line.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from conftest import KITS, KitServer, crash_server, start_server, stop_server
from test_access import RawKernelClient, comm_with

from talkkit.upstream import fork_provisioner
from talkkit.upstream.fork_provisioner import ForkedProcess

KIT_PATH = "voila/render/tidlig-opsporing/kit.ipynb"


def _fork_server(server: KitServer) -> psutil.Process:
    found = [
        p
        for p in psutil.Process(server.process.pid).children()
        if "talkkit.page.fork_server" in " ".join(p.cmdline())
    ]
    assert len(found) == 1, "one fork server, a child of talkkit serve"
    return found[0]


def _kernels(parent: psutil.Process) -> list[psutil.Process]:
    """The kit kernels among ``parent``'s children: started with ``Popen`` they run
    ``talkkit.page.kernel``; forked, every child of the fork server is one (keeping its
    command line)."""
    forker = "talkkit.page.fork_server" in " ".join(parent.cmdline())
    return [
        p for p in parent.children() if forker or "talkkit.page.kernel" in " ".join(p.cmdline())
    ]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _gone(pids: list[int], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_kit_kernels_are_forked_and_behave_as_started_ones(tmp_path: Path) -> None:
    server = start_server(KITS, tmp_path / "data", tmp_path / "serve.log", "--connect-timeout", "5")
    try:
        forker = _fork_server(server)
        da = RawKernelClient(server.url, KIT_PATH)
        sv = RawKernelClient(server.url, KIT_PATH + "?lang=sv")
        kernels = _kernels(forker)
        assert len(kernels) == 2, "both kernels are the fork server's children"
        assert not _kernels(psutil.Process(server.process.pid))
        for kernel in kernels:
            assert os.getsid(kernel.pid) == kernel.pid  # a session of its own
            assert "talkkit.page.kernel" in kernel.cmdline()  # as ps shows it
        # the widget protocol works (ipywidgets' comm targets are registered)
        page_da = da.all_states()[comm_with(da.all_states(), "kit_id")]
        page_sv = sv.all_states()[comm_with(sv.all_states(), "kit_id")]
        assert (page_da["lang"], page_sv["lang"]) == ("da", "sv")  # each its request's env
        # a kernel the server shuts down ends: a page that never connects, past the deadline
        urllib.request.urlopen(server.url + KIT_PATH, timeout=60).close()  # noqa: S310
        end = time.monotonic() + 10
        while len(_kernels(forker)) != 3 and time.monotonic() < end:
            time.sleep(0.1)
        unconnected = {k.pid for k in _kernels(forker)} - {k.pid for k in kernels}
        assert len(unconnected) == 1
        assert _gone(list(unconnected), 60), "the unconnected kernel was shut down"
        assert "did not connect in time" in server.log()
        assert all(_alive(k.pid) for k in kernels), "the connected ones run on"
        # killed like a power cut: the server and the fork server; the kernels follow
        left = [k.pid for k in kernels]
        crash_server(server)
        assert _gone(left, 30), "forked kernels end when the server is gone"
        da.close()
        sv.close()
    finally:
        stop_server(server)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_without_the_fork_server_kernels_start_as_before(tmp_path: Path) -> None:
    server = start_server(KITS, tmp_path / "data", tmp_path / "serve.log")
    try:
        _fork_server(server).kill()
        client = RawKernelClient(server.url, KIT_PATH)
        try:
            assert comm_with(client.all_states(), "kit_id")
            assert _kernels(psutil.Process(server.process.pid)), "started by the server itself"
        finally:
            client.close()
    finally:
        stop_server(server)
    plain = start_server(KITS, tmp_path / "d2", tmp_path / "plain.log", "--no-fork-kernels")
    try:
        assert not [
            p
            for p in psutil.Process(plain.process.pid).children()
            if "fork_server" in " ".join(p.cmdline())
        ]
        client = RawKernelClient(plain.url, KIT_PATH)
        client.close()
        assert _kernels(psutil.Process(plain.process.pid))
    finally:
        stop_server(plain)


def test_a_forked_process_is_seen_and_signalled_through_its_pidfd() -> None:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        forked = ForkedProcess(child.pid)
        assert forked.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            forked.wait(timeout=0.1)
        forked.terminate()
        child.wait(timeout=30)  # reaped here: the pidfd then reads as ended
        assert forked.wait(timeout=30) == -signal.SIGTERM
        forked.kill()  # ended: nothing is sent
    finally:
        child.kill()
        child.wait()
    assert ForkedProcess(child.pid).poll() == -1  # that pid is gone


def test_the_provisioner_falls_back_to_popen_when_no_fork_server_runs(monkeypatch, caplog):
    """No fork server: ``launch_kernel`` is LocalProvisioner's (one log line when it is gone)."""
    calls: list[list[str]] = []

    async def popen(self, cmd, **kwargs):
        calls.append(cmd)
        return {"ok": True}

    class Gone:
        async def fork(self, *args):
            raise OSError("the fork server has ended")

    monkeypatch.setattr(fork_provisioner.LocalProvisioner, "launch_kernel", popen)
    provisioner = fork_provisioner.ForkProvisioner.__new__(fork_provisioner.ForkProvisioner)
    cmd = ["python", "-m", "talkkit.page.kernel", "-f", "c.json"]

    def launch() -> object:
        return asyncio.run(provisioner.launch_kernel(cmd))

    monkeypatch.setattr(fork_provisioner, "current", lambda: None)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(launch).result(timeout=30) == {"ok": True}
    monkeypatch.setattr(fork_provisioner, "current", lambda: Gone())
    with caplog.at_level("WARNING", logger="talkkit.upstream"):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            assert pool.submit(launch).result(timeout=30) == {"ok": True}
    assert calls == [cmd, cmd]
    assert "fork_provisioner" in caplog.text and "Popen" in caplog.text
