"""The servers a run talks to: ``talkkit serve`` on a copy of the kits, and a static page.

Everything listens on 127.0.0.1 only, on free ports. A kit server is started as a child process
(``python -m talkkit serve``, exactly what a seminar runs) and stopped by its own process id;
kernels it leaves behind are ended by their ids, which were read while the server ran.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from talkkit.paths import kits_dir
from talkkit_bench.config import BASELINE_DIR

__all__ = [
    "BASELINE_NOTEBOOK",
    "KitServer",
    "free_port",
    "prepare_kits",
    "server_copy",
    "start_kit_server",
    "static_server",
]

#: The trivial Voilà baseline: one ipyvuetify Textarea.
BASELINE_NOTEBOOK = "bench-baseline/trivial.ipynb"


def is_kernel(cmdline: list[str]) -> bool:
    """A Jupyter kernel's command line (``talkkit serve`` starts ``python -m talkkit.page.kernel``)."""
    cmd = " ".join(cmdline)
    return "ipykernel_launcher" in cmd or "talkkit.page.kernel" in cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_kits(target: Path, kit: str) -> Path:
    """A kits folder holding a copy of ``kit``'s folder and the trivial baseline notebook.

    A copy (not the repository's folder) so every notebook in it is one the benchmark loads:
    with preheated kernels Voilà keeps a pool for every notebook it finds.
    """
    kits = target / "kits"
    kit_folder = kits_dir() / Path(kit).parent
    shutil.copytree(kit_folder, kits / kit_folder.name, ignore=shutil.ignore_patterns("*.stamp"))
    baseline = kits / Path(BASELINE_NOTEBOOK).parent
    baseline.mkdir(parents=True)
    shutil.copy2(BASELINE_DIR / "trivial.ipynb", baseline / "trivial.ipynb")
    return kits


@dataclass
class KitServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    kits_dir: Path
    data_dir: Path
    #: Every process id seen under the server (kernels), to end leftovers by id.
    seen_children: set[int] = field(default_factory=set)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def children(self) -> list[psutil.Process]:
        try:
            kids = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        self.seen_children.update(k.pid for k in kids)
        return kids

    def kernels(self) -> list[psutil.Process]:
        found = []
        for proc in self.children():
            with contextlib.suppress(psutil.Error):
                if is_kernel(proc.cmdline()):
                    found.append(proc)
        return found

    def wait_for_pools(self, notebooks: int, timeout: float) -> bool:
        """With preheated kernels: wait until ``notebooks`` pools report they are full."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log().count("is filled with") >= notebooks:
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.25)
        return False

    def wait_idle(self, cpu_below: float = 15.0, timeout: float = 30.0, quiet: int = 2) -> bool:
        """Wait (bounded) until the server and its kernels used little CPU for ``quiet``
        seconds in a row (a kernel pool refilled, a notebook finished running)."""
        deadline = time.monotonic() + timeout
        calm = 0
        known: dict[int, psutil.Process] = {}
        while time.monotonic() < deadline:
            for proc in [psutil.Process(self.process.pid), *self.children()]:
                if proc.pid not in known:
                    known[proc.pid] = proc
                    with contextlib.suppress(psutil.Error):
                        proc.cpu_percent(None)
            time.sleep(1.0)
            total = 0.0
            for proc in list(known.values()):
                try:
                    total += proc.cpu_percent(None)
                except psutil.Error:
                    known.pop(proc.pid, None)
            calm = calm + 1 if total < cpu_below else 0
            if calm >= quiet:
                return True
        return False

    def errors(self) -> tuple[int, list[str]]:
        """How many error lines the server log has, and the first 20 different ones."""
        count, found = 0, []
        for line in self.log().splitlines():
            if re.search(r"\b(ERROR|CRITICAL)\b|Traceback|\[E |\b503\b|Too many open kits", line):
                count += 1
                text = re.sub(r"^\[[^\]]*\]\s*", "", line.strip())[:240]
                if text not in found and len(found) < 20:
                    found.append(text)
        return count, found

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and end any kernel it left, by id."""
        self.children()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for pid in self.seen_children:
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(pid)
                if is_kernel(proc.cmdline()):
                    proc.kill()


def server_copy(target: Path, server_py: Path) -> Path:
    """A copy of the ``talkkit`` package whose ``server.py`` is ``server_py`` (to measure the
    server as it was before a change: ``git show REV:talkkit/server.py > old.py``). The server
    runs from the copy; kernels still import ``talkkit`` and ``widgets`` from the repository."""
    import talkkit

    source = Path(talkkit.__file__).resolve().parent
    shutil.copytree(source, target / "talkkit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(server_py, target / "talkkit" / "server.py")
    return target


def start_kit_server(
    kits_dir: Path,
    data_dir: Path,
    log_path: Path,
    serve_args: list[str],
    timeout: float = 60,
    code_root: Path | None = None,
) -> KitServer:
    """``python -m talkkit serve`` on a free port; returns once the gallery answers.

    ``code_root``: run the server from this folder's ``talkkit`` (see :func:`server_copy`).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "TALKKIT_DATA": str(data_dir),
        "TALKKIT_KITS": str(kits_dir),
        "PYTHONUNBUFFERED": "1",
    }
    if code_root is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code_root), env.get("PYTHONPATH", "")])
    last_error = ""
    for _attempt in range(3):  # another process may take the free port first
        port = free_port()
        log = log_path.open("w")
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "talkkit", "serve", "--port", str(port)),
                *("--ip", "127.0.0.1", "--kits-dir", str(kits_dir), *serve_args),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(code_root) if code_root is not None else None,
        )
        log.close()
        server = KitServer(f"http://127.0.0.1:{port}/", process, log_path, kits_dir, data_dir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(server.url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return server
            except OSError:
                time.sleep(0.2)
        last_error = server.log()[-2000:]
        server.stop()
    raise RuntimeError(f"talkkit serve did not start: {last_error}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the base's signature
        pass


@contextlib.contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """A tiny ``http.server`` on 127.0.0.1 serving ``folder``; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
