"""What an operator decides, and what ``--groups`` sizes from it.

Sizing (measured with ``talkkit bench``, see ``docs/operating.md``): a kit page holds one kernel
of about 65 MB while its group works, plus the server's own ~250 MB. A group whose tab reloads
leaves its old kernel behind until the idle cull; preheated kernels wait for the first groups.
From the groups expected at once, per ``talkkit serve`` process:

- ``groups_per_server``: the groups spread over the servers (least connections), plus 20 % for
  an uneven spread and for the groups of a server that fails;
- ``preheat``: half of them, at most 20: the first groups of a seminar arrive within a minute or
  two, and the pool refills one kernel at a time while the rest arrive;
- ``max_kernels``: those groups + 25 % for reloads whose old kernel is not culled yet + the
  preheated pool + 3 for facilitators' boards;
- ``cull_idle``: 10 minutes. Only kernels without a page are culled (a kernel whose page is open
  is never culled, however quiet the group), so this is how long a closed or reloaded tab's
  kernel stays.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["KERNEL_MB", "SERVER_MB", "Server", "Settings", "Sizing", "size"]

#: Memory of one kit kernel with its page open (bench/results/2026-12-03-front-*: 2.4 GB for
#: 34 kernels and the server).
KERNEL_MB = 65
#: Memory of one ``talkkit serve`` process with its caches.
SERVER_MB = 250
#: Connections one kernel's store may open to PostgreSQL (talkkit.store.postgres.POOL_MAX).
CONNECTIONS_PER_KERNEL = 2
#: PostgreSQL's default ``max_connections``.
PG_DEFAULT_MAX_CONNECTIONS = 100

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]+$")


@dataclass(frozen=True)
class Server:
    """One ``talkkit serve`` process the front sends groups to."""

    id: str
    host: str
    port: int
    local: bool = True

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"a server id is 1-32 of a-z 0-9 _ -, not {self.id!r}")
        if not _HOST.match(self.host):
            raise ValueError(f"not a host name or address: {self.host!r}")
        if not 0 < self.port < 65536:
            raise ValueError(f"not a port: {self.port}")

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> Server:
        """``ID=HOST:PORT`` (a server on another machine)."""
        sid, sep, address = text.partition("=")
        host, colon, port = address.rpartition(":")
        if not sep or not colon or not port.isdigit():
            raise ValueError(f"a server is ID=HOST:PORT, e.g. b1=10.0.0.12:8871, not {text!r}")
        return cls(sid, host, int(port), local=False)


@dataclass(frozen=True)
class Sizing:
    """What follows from the number of groups (see the module doc)."""

    groups: int
    servers: int
    groups_per_server: int
    max_kernels: int
    preheat: int
    cull_idle: int
    memory_mb_per_server: int
    pg_connections_direct: int


def size(groups: int, servers: int) -> Sizing:
    """The sizing of ``servers`` processes for ``groups`` groups at once."""
    if groups < 1:
        raise ValueError("--groups must be at least 1")
    if servers < 1:
        raise ValueError("at least one server is needed")
    per = math.ceil(groups / servers * 1.2)
    preheat = min(20, math.ceil(per / 2))
    max_kernels = math.ceil(per * 1.25) + preheat + 3
    return Sizing(
        groups=groups,
        servers=servers,
        groups_per_server=per,
        max_kernels=max_kernels,
        preheat=preheat,
        cull_idle=600,
        memory_mb_per_server=SERVER_MB + max_kernels * KERNEL_MB,
        pg_connections_direct=servers * max_kernels * CONNECTIONS_PER_KERNEL,
    )


@dataclass
class Settings:
    """Everything ``talkkit deploy`` writes its files from (each is a command-line option)."""

    groups: int
    tls_cert: Path
    tls_key: Path
    server_name: str = "_"
    https_port: int = 443
    http_port: int = 80
    local_servers: int = 1
    first_port: int = 8871
    listen_ip: str = "127.0.0.1"
    server_prefix: str = "s"
    remote: list[Server] = field(default_factory=list)
    store: str = ""
    pgbouncer: bool = False
    pgbouncer_port: int = 6432
    pg_pool: int = 20
    kits: Path = Path("/srv/talkkit/kits")
    preheat_kit: list[str] = field(default_factory=list)
    venv: Path = Path("/opt/talkkit")
    user: str = "talkkit"
    data: Path = Path("/var/lib/talkkit")
    etc: Path = Path("/etc/talkkit")

    def servers(self) -> list[Server]:
        """Every server the front sends groups to: this machine's, then the others."""
        here = [
            Server(f"{self.server_prefix}{n + 1}", self.listen_ip, self.first_port + n)
            for n in range(self.local_servers)
        ]
        ids = [s.id for s in here + self.remote]
        if len(set(ids)) != len(ids):
            raise ValueError(f"server ids must differ: {ids}")
        return here + self.remote

    def sizing(self) -> Sizing:
        return size(self.groups, len(self.servers()))

    def check(self) -> list[str]:
        """Problems that make the settings unusable, in words an operator acts on."""
        problems = []
        if self.remote and not self.store.startswith(("postgresql://", "postgres://")):
            problems.append(
                "servers on other machines need one shared store: --store postgresql://..."
            )
        if self.pgbouncer and not self.store.startswith(("postgresql://", "postgres://")):
            problems.append("--pgbouncer needs --store postgresql://...")
        for kit in self.preheat_kit:
            if "/" in kit or "\\" in kit or not kit:
                problems.append(f"--preheat-kit takes a kit folder's name, not {kit!r}")
        if self.local_servers < 0 or (self.local_servers == 0 and not self.remote):
            problems.append("no server: --servers 1 or more, or --remote ID=HOST:PORT")
        if "\n" in self.store or " " in self.store:
            problems.append("--store must be one URL without spaces")
        return problems
