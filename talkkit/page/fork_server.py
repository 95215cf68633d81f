"""Kit kernels forked from a process that has already imported what every kit kernel imports.

A kit kernel spends about 0.7 s of CPU importing ipykernel, IPython, ipywidgets, ipyvuetify
and talkkit before it runs a line of the kit (measured on this project's 2-core machine,
``bench/JOURNAL.md``). When 30 groups open the kit in the same second, that is 20 s of both
cores. ``talkkit serve`` therefore starts one *fork server* (``python -m
talkkit.page.fork_server``) which imports those modules once and then forks a kernel for each
request: the child has them already (copy-on-write memory), and starts in a fraction of that.

* **Only the server asks.** The fork server reads requests from one end of a socket pair
  whose other end only the ``talkkit serve`` process holds: no path, no port. It forks only
  ``python -m talkkit.page.kernel`` with the given arguments, environment and folder.
* **The child is a kernel as ``Popen`` would start it:** its own session and process group,
  standard input from ``/dev/null``, the request's environment (``JPY_PARENT_PID`` is the fork
  server, whose end comes with the server's: the kernel's parent poller then ends the kernel),
  default signal handlers and a fresh random seed.
* **When it cannot fork** (not Linux, a thread in the fork server, the fork server gone) the
  kernel starts as before, with one log line (:mod:`talkkit.upstream.fork_provisioner`).

Left as it is: the children share the fork server's hash seed (``PYTHONHASHSEED``); one kernel's
dictionaries tell nothing about another's text.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import json
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
from typing import Any

from talkkit.page.kernel import KERNEL_MODULE

__all__ = ["KERNEL_MODULE", "WARM_MODULES", "ForkServer", "current", "start", "stop"]

log = logging.getLogger("talkkit.page")

#: What the fork server imports before it forks (what every kit kernel imports).
WARM_MODULES = (
    "setproctitle",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython",
    "ipywidgets",
    "ipyvue",
    "ipyvuetify",
    "talkkit.kit",
    "talkkit.store",
    "widgets",
)
#: The environment variable that tells the child it was forked (ipywidgets then registers its
#: comm targets through its documented IPython extension hook: it was imported before any
#: kernel existed).
FORKED_ENV = "TALKKIT_FORKED_KERNEL"


# -- in the fork server's process ---------------------------------------------------------------


def _title(argv: list[str]) -> None:
    """The child's command line as ``ps`` and ``psutil`` show it: the kernel's, not the fork
    server's (setproctitle rewrites the process's argument area)."""
    try:
        import setproctitle
    except ImportError:
        return
    setproctitle.setproctitle(" ".join([sys.executable, "-m", *argv]))


def _child(sock: socket.socket, request: dict[str, Any]) -> None:
    """In the forked child: become the requested kernel (never returns)."""
    code = 1
    try:
        sock.close()
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        env = {str(k): str(v) for k, v in dict(request.get("env") or {}).items()}
        env["JPY_PARENT_PID"] = str(os.getppid())
        env[FORKED_ENV] = "1"
        os.environ.clear()
        os.environ.update(env)
        if request.get("cwd"):
            os.chdir(str(request["cwd"]))
        random.seed()
        gc.unfreeze()
        # ipykernel read JPY_PARENT_PID when the fork server imported it: say it again
        parent = f"--IPKernelApp.parent_handle={os.getppid()}"
        sys.argv = [KERNEL_MODULE, *[str(a) for a in request.get("argv") or []], parent]
        _title(sys.argv)
        from talkkit.page.kernel import main

        main(forked=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # the child must never return into the fork server's loop
        with contextlib.suppress(Exception):
            sys.stderr.write(f"talkkit: a forked kernel failed to start: {exc!r}\n")
    finally:
        os._exit(code)


def serve(fd: int) -> None:
    """The fork server's loop: import, then one fork per request line, until the server's end
    of the socket closes."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps its children
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which ends us
    sys.modules["debugpy"] = None  # type: ignore[assignment]  # as in talkkit.page.kernel
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a kernel imports it then, as without the fork server
            sys.stderr.write(f"talkkit fork server: could not import {name}: {exc!r}\n")
    with contextlib.suppress(ImportError):
        import setproctitle

        # its setup must see the environment as the process started with it; the child then
        # replaces the environment and sets its title (_title)
        setproctitle.setproctitle(setproctitle.getproctitle())
    gc.collect()
    gc.freeze()  # the imported objects stay shared with every child (copy-on-write)
    sock = socket.socket(fileno=fd)
    stream = sock.makefile("rwb")
    for line in stream:
        try:
            request = json.loads(line)
            if threading.active_count() != 1:
                raise RuntimeError("the fork server has a thread: forking is not safe")
            pid = os.fork()
            if pid == 0:
                _child(sock, request)
            answer: dict[str, Any] = {"pid": pid}
        except Exception as exc:
            answer = {"error": repr(exc)}
        stream.write(json.dumps(answer).encode() + b"\n")
        stream.flush()


# -- in the server's process --------------------------------------------------------------------


class ForkServer:
    """The server's end of the fork server."""

    def __init__(self, process: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self.process = process
        self._sock = sock
        self._lock: asyncio.Lock | None = None
        self._buffer = b""

    def alive(self) -> bool:
        return self.process.poll() is None

    async def fork(self, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
        """The pid of a new ``python -m talkkit.page.kernel ARGV`` (OSError when it cannot)."""
        if not self.alive():
            raise OSError("the fork server has ended")
        if self._lock is None:
            self._lock = asyncio.Lock()
        loop = asyncio.get_running_loop()
        line = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n"
        async with self._lock:  # one request and its answer at a time
            await loop.sock_sendall(self._sock, line)
            while b"\n" not in self._buffer:
                chunk = await loop.sock_recv(self._sock, 4096)
                if not chunk:
                    raise OSError("the fork server has ended")
                self._buffer += chunk
            answer, _, self._buffer = self._buffer.partition(b"\n")
        reply = json.loads(answer)
        if "pid" not in reply:
            raise OSError(f"the fork server could not fork: {reply.get('error')}")
        return int(reply["pid"])

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()
        with contextlib.suppress(OSError):
            self.process.terminate()
            self.process.wait(timeout=5)


_CURRENT: ForkServer | None = None


def start() -> ForkServer | None:
    """Start the fork server of this process (once); None where forking is not available."""
    global _CURRENT
    if _CURRENT is not None and _CURRENT.alive():
        return _CURRENT
    if not hasattr(os, "fork") or not hasattr(os, "pidfd_open"):
        log.warning("kit kernels start one by one: this system cannot fork them (no pidfd)")
        return None
    ours, theirs = socket.socketpair()
    try:
        process = subprocess.Popen(  # our own module, with our own interpreter
            [sys.executable, "-m", "talkkit.page.fork_server", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
    except OSError as exc:
        ours.close()
        log.warning("kit kernels start one by one: the fork server did not start: %s", exc)
        return None
    finally:
        theirs.close()
    ours.setblocking(False)
    _CURRENT = ForkServer(process, ours)
    return _CURRENT


def current() -> ForkServer | None:
    """This process's fork server, when it runs."""
    return _CURRENT if _CURRENT is not None and _CURRENT.alive() else None


def stop() -> None:
    global _CURRENT
    if _CURRENT is not None:
        _CURRENT.stop()
        _CURRENT = None


if __name__ == "__main__":
    serve(int(sys.argv[1]))
