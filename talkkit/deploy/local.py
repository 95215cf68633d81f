"""A whole deployment on this machine, from one folder: ``talkkit serve`` processes behind a
real nginx with TLS, all on 127.0.0.1 (a trial run before a seminar, the benchmark's
``front`` level, the deployment tests).

nginx runs as a foreground process from the folder (``nginx -p``) with the site that
``talkkit deploy`` writes for a server, so what is tried is what is deployed; only the ports
are free ones and the certificate is self-signed (``openssl``).

Example::

    with LocalFront(Path("/tmp/trial"), kits, store="postgresql://...", servers=2) as front:
        print(front.url)          # https://127.0.0.1:<port>/
        front.kill("s1")          # kill -9 one server
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talkkit.deploy.nginx import main_conf, site
from talkkit.deploy.settings import Settings

__all__ = ["LocalFront", "LocalServer", "free_port", "self_signed"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A self-signed certificate and key for ``host``, made by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=IP:{host}",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def insecure_context() -> ssl.SSLContext:
    """A client context that accepts the self-signed certificate (loopback tests only)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _get_json(url: str, timeout: float = 5) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=insecure_context()) as r:  # noqa: S310
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@dataclass
class LocalServer:
    id: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class LocalFront:
    """``servers`` × ``talkkit serve`` + nginx in ``folder`` (see the module doc)."""

    folder: Path
    kits: Path
    store: str = ""
    servers: int = 2
    groups: int = 30
    preheat_kit: list[str] = field(default_factory=list)
    max_kernels: int | None = None
    env: dict[str, str] = field(default_factory=dict)
    started: list[LocalServer] = field(default_factory=list)
    nginx: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/"

    @property
    def access_log(self) -> Path:
        return self.folder / "nginx" / "access.log"

    def __enter__(self) -> LocalFront:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def settings(self) -> Settings:
        cert, key = self.folder / "cert.pem", self.folder / "key.pem"
        return Settings(
            groups=self.groups,
            tls_cert=cert,
            tls_key=key,
            https_port=self.port,
            http_port=0,
            local_servers=len(self.started) or self.servers,
            first_port=self.started[0].port if self.started else 0,
            store=self.store,
            preheat_kit=self.preheat_kit,
            kits=self.kits,
        )

    def start(self, timeout: float = 180) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self_signed(self.folder)
        self.port = free_port()
        sizing = Settings(
            groups=self.groups,
            tls_cert=Path(),
            tls_key=Path(),
            local_servers=self.servers,
        ).sizing()
        env = {**os.environ, **self.env, "TALKKIT_DATA": str(self.folder / "data")}
        if self.store:
            env["TALKKIT_STORE"] = self.store
        # consecutive ports, as the site lists them (first_port + n)
        base = free_port()
        for n in range(self.servers):
            sid = f"s{n + 1}"
            log_path = self.folder / f"{sid}.log"
            preheat = [f"--preheat-kit={k}" for k in self.preheat_kit]
            cmd = [
                sys.executable,
                "-m",
                "talkkit",
                "serve",
                "--port",
                str(base + n),
                "--server-id",
                sid,
                "--kits-dir",
                str(self.kits),
                "--max-kernels",
                str(self.max_kernels or sizing.max_kernels),
                "--cull-idle",
                str(sizing.cull_idle),
                "--preheat",
                str(sizing.preheat if preheat else 0),
                *preheat,
            ]
            process = subprocess.Popen(
                cmd,
                stdout=log_path.open("w"),
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group: the server and its kernels
            )
            self.started.append(LocalServer(sid, base + n, process, log_path))
        deadline = time.monotonic() + timeout
        for server in self.started:
            while True:
                if server.process.poll() is not None:
                    raise RuntimeError(f"talkkit serve {server.id} exited:\n{server.log()}")
                with contextlib.suppress(OSError, ValueError):
                    if _get_json(server.url + "talkkit/health", 2)[0] == 200:
                        break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"talkkit serve {server.id} did not start:\n{server.log()}")
                time.sleep(0.3)
        prefix = self.folder / "nginx"
        (prefix / "tmp").mkdir(parents=True, exist_ok=True)
        site_file = prefix / "talkkit.conf"
        site_file.write_text(site(self.settings()))
        conf = prefix / "nginx.conf"
        conf.write_text(main_conf(prefix, site_file))
        self.nginx = subprocess.Popen(
            ["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=(prefix / "stdout.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while True:
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: {(prefix / 'error.log').read_text()}")
            with contextlib.suppress(OSError, ValueError):
                if _get_json(self.url + "talkkit/health", 2)[0] == 200:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError("nginx did not answer")
            time.sleep(0.2)

    def server(self, sid: str) -> LocalServer:
        return next(s for s in self.started if s.id == sid)

    def health(self, sid: str) -> dict[str, Any]:
        return _get_json(self.server(sid).url + "talkkit/health")[1]

    def kill(self, sid: str) -> None:
        """``kill -9`` the server process (its kernels see their parent die and exit)."""
        server = self.server(sid)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(10)

    def served_by(self) -> list[tuple[str, str, str]]:
        """(request line, address of the server that answered, talkkit_srv cookie) of every
        proxied request, from nginx's access log; redirects left out (a page load without the
        client cookie may be sent once to its own address with one: it is one page)."""
        rows = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            try:
                request = line.split('"')[1]
                if line.split('"')[2].split()[0].startswith("3"):
                    continue
                # servers tried are listed "a, b" (the last one answered)
                upstream = line.split(" upstream=")[1].split(" srv=")[0].split(", ")[-1]
                cookie = line.split(" srv=")[1].split(" ")[0]
            except IndexError:
                continue
            rows.append((request, upstream, cookie))
        return rows

    def stop(self) -> None:
        procs = [s.process for s in self.started] + ([self.nginx] if self.nginx else [])
        for process in procs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in procs:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
