"""PgBouncer in front of PostgreSQL: the database sees a bounded number of connections,
however many kernels and servers there are.

Each kit kernel has its own store, with a pool of up to two connections that stay open while
the group saves (``talkkit.store.postgres``). 300 groups would hold about 300 connections,
PostgreSQL's default ``max_connections`` is 100, and servers on several machines cannot share
one bound. PgBouncer (Debian's ``pgbouncer``) in *transaction* mode hands each transaction one
of ``default_pool_size`` server connections: the store keeps no session state (every save is
one transaction, its lock a transaction-level lock) and prepares no statements
(``prepare_threshold=None``), which is what transaction mode needs. Kernels over the pool wait
for a connection for at most ``query_wait_timeout``; a save takes a few milliseconds.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from talkkit.deploy.settings import Settings

__all__ = ["client_url", "ini", "userlist"]


def _parts(url: str) -> tuple[str, str, str, int, str]:
    parts = urlsplit(url)
    user = unquote(parts.username or "talkkit")
    password = unquote(parts.password or "")
    return user, password, parts.hostname or "127.0.0.1", parts.port or 5432, parts.path.lstrip("/")


def ini(
    settings: Settings,
    *,
    prefix: str = "/etc/pgbouncer",
    log: str = "",
    auth: str = "scram-sha-256",
) -> str:
    """``pgbouncer.ini`` for the database of ``settings.store``."""
    user, _password, host, port, db = _parts(settings.store)
    local = max(1, sum(1 for s in settings.servers() if s.local))
    clients = local * settings.sizing().max_kernels * 2 + 50
    logline = f"logfile = {log}\n" if log else ""
    return (
        "; Written by `talkkit deploy`; see docs/operating.md (talkkit).\n"
        "[databases]\n"
        f"{db} = host={host} port={port} dbname={db}\n"
        "\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {settings.pgbouncer_port}\n"
        f"{logline}"
        f"auth_type = {auth}\n"
        f"auth_file = {prefix}/userlist.txt\n"
        "pool_mode = transaction\n"
        f"max_client_conn = {clients}\n"
        f"default_pool_size = {settings.pg_pool}\n"
        "reserve_pool_size = 2\n"
        "reserve_pool_timeout = 2\n"
        "query_wait_timeout = 20\n"
        "server_idle_timeout = 60\n"
        "ignore_startup_parameters = extra_float_digits\n"
        f"admin_users = {user}\n"
    )


def userlist(settings: Settings) -> str:
    """``userlist.txt``: the store's user and password (mode 0640, owner postgres)."""
    user, password, *_ = _parts(settings.store)
    q = password.replace('"', '""')
    return f'"{user}" "{q}"\n'


def client_url(settings: Settings) -> str:
    """The store URL the servers use: the same database, through PgBouncer."""
    parts = urlsplit(settings.store)
    cred = parts.netloc.rpartition("@")[0]
    netloc = (
        f"{cred}@127.0.0.1:{settings.pgbouncer_port}"
        if cred
        else f"127.0.0.1:{settings.pgbouncer_port}"
    )
    return urlunsplit(parts._replace(netloc=netloc))
