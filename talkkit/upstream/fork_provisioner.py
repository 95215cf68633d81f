"""Kit kernels started by forking (:mod:`talkkit.page.fork_server`), through jupyter_client's
kernel provisioner API.

Targets jupyter_client 8.x (tested 8.10.0). The documented hook: kernel provisioners,
jupyter_client's way to change how a kernel process is launched (a kernel spec names one in its
``metadata.kernel_provisioner``; the class is found by its ``jupyter_client.kernel_provisioners``
entry point, ``pyproject.toml``). :class:`ForkProvisioner` is the documented
``LocalProvisioner``, which says it is meant to be subclassed, with one method changed:
``launch_kernel`` asks the fork server for the kernel instead of ``subprocess.Popen``. The rest
of ``LocalProvisioner`` (ports, connection file, poll, wait, signals, kill) works on its
``process`` attribute, a ``Popen``: the forked kernel is given one with the same methods
(:class:`ForkedProcess`, on a Linux pidfd, so that a signal never reaches a process that merely
got the same pid later). That attribute is the one part used that the API does not document;
:func:`check` looks for it and when it is missing the kernels start with ``Popen``, with one
log line, as does any kernel when the fork server cannot fork.
"""

from __future__ import annotations

import os
import select
import signal
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from talkkit.page.fork_server import KERNEL_MODULE, current
from talkkit.upstream._target import Target

__all__ = ["NAME", "TARGET", "ForkProvisioner", "ForkedProcess", "check"]

TARGET = Target(
    patch="fork_provisioner",
    distribution="jupyter_client",
    tested=("8.10.0",),
    issue="none filed: a documented hook (kernel provisioners); its process attribute is not",
)

#: The provisioner's entry point name (``pyproject.toml``, kernel spec metadata).
NAME = "talkkit-fork-provisioner"


def check() -> bool:
    """Whether ``LocalProvisioner`` still keeps its kernel process as ``process``."""
    if "process" not in vars(LocalProvisioner) or not hasattr(LocalProvisioner, "launch_kernel"):
        return TARGET.missing("LocalProvisioner.process", "kit kernels start with Popen")
    TARGET.untested()
    return True


class ForkedProcess:
    """A forked kernel, with the methods of ``subprocess.Popen`` that ``LocalProvisioner``
    calls. It is the fork server's child, not ours: its end is seen on a pidfd, and its exit
    status is not known (reported as -1 unless it was killed by a signal we sent)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._signal: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # it has ended already
            self._fd = None
            self.returncode = -1

    def _ended(self, timeout: float | None) -> bool:
        # select.poll, not select.select: a busy server's descriptors pass 1023
        assert self._fd is not None
        watch = select.poll()
        watch.register(self._fd, select.POLLIN)
        return bool(watch.poll(None if timeout is None else int(timeout * 1000)))

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            if self._ended(0):
                self.returncode = -self._signal if self._signal else -1
                os.close(self._fd)
                self._fd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._fd is not None:
            self._ended(timeout)
        code = self.poll()
        if code is None:
            import subprocess

            raise subprocess.TimeoutExpired(KERNEL_MODULE, timeout or 0)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._fd is not None:
            signal.pidfd_send_signal(self._fd, signum)
            self._signal = signum

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """``LocalProvisioner`` whose kit kernels are forked (see the module doc)."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        server = current()
        if server is None or cmd[1:3] != ["-m", KERNEL_MODULE] or not check():
            return await super().launch_kernel(cmd, **kwargs)
        env = kwargs.get("env")
        cwd = kwargs.get("cwd")
        try:
            pid = await server.fork(
                cmd[3:], dict(env if env is not None else os.environ), str(cwd) if cwd else None
            )
        except OSError as exc:
            TARGET.missing("the fork server", f"kit kernels start with Popen ({exc})")
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)  # type: ignore[assignment]  # a Popen in its methods' eyes (module doc)
        self.pid = pid
        self.pgid = pid  # the child made its own session, as Popen(start_new_session=True)
        self.cwd = cwd or os.getcwd()
        return self.connection_info
