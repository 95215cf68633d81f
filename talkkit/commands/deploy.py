"""``talkkit deploy``: write the nginx site and the systemd units of a seminar server."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "deploy",
        help="write the nginx site and systemd units for a seminar server (see docs/operating.md)",
        description="Write everything a Debian server needs to run talkkit behind nginx with "
        "TLS, sized from the number of groups. Without --output the files go to their places "
        "(run as root); with --output DIR they are written under DIR for review.",
    )
    p.add_argument(
        "--groups", type=int, required=True, help="groups expected at once in the seminar"
    )
    p.add_argument("--tls-cert", type=Path, required=True, help="TLS certificate (PEM, full chain)")
    p.add_argument("--tls-key", type=Path, required=True, help="TLS private key (PEM)")
    p.add_argument("--server-name", default="_", help="the public host name (nginx server_name)")
    p.add_argument("--https-port", type=int, default=443, help="HTTPS port (default 443)")
    p.add_argument(
        "--http-port", type=int, default=80, help="HTTP port redirecting to HTTPS (0: none)"
    )
    p.add_argument(
        "--servers",
        type=int,
        default=1,
        help="talkkit serve processes on this machine (default 1; 0 for a front only)",
    )
    p.add_argument("--first-port", type=int, default=8871, help="port of the first one")
    p.add_argument(
        "--listen-ip",
        default="127.0.0.1",
        help="address the servers listen on (127.0.0.1 when nginx is on this machine)",
    )
    p.add_argument(
        "--server-prefix", default="s", help="server ids are PREFIX1, PREFIX2, ... (default s)"
    )
    p.add_argument(
        "--remote",
        action="append",
        default=[],
        metavar="ID=HOST:PORT",
        help="a server on another machine that this front also sends groups to (repeatable)",
    )
    p.add_argument(
        "--store",
        default="",
        help="postgresql://user:password@host/db shared by all servers (default: SQLite in "
        "the data folder, for one machine)",
    )
    p.add_argument(
        "--pgbouncer",
        action="store_true",
        help="put PgBouncer (transaction mode) between the servers and PostgreSQL",
    )
    p.add_argument("--pg-pool", type=int, default=20, help="PgBouncer's connections to PostgreSQL")
    p.add_argument("--kits", type=Path, default=Path("/srv/talkkit/kits"), help="the kits folder")
    p.add_argument(
        "--preheat-kit",
        action="append",
        default=[],
        metavar="KIT",
        help="the seminar's kit: kernels are kept ready for it (repeatable)",
    )
    p.add_argument("--venv", type=Path, default=Path("/opt/talkkit"), help="talkkit's venv")
    p.add_argument("--user", default="talkkit", help="the unprivileged service user")
    p.add_argument("--data", type=Path, default=Path("/var/lib/talkkit"), help="data folder")
    p.add_argument("--output", type=Path, default=None, help="write under this folder instead of /")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from talkkit.deploy import Server, Settings, deploy_files, write_files
    from talkkit.deploy.files import ensure_user, summary

    try:
        settings = Settings(
            groups=args.groups,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            server_name=args.server_name,
            https_port=args.https_port,
            http_port=args.http_port,
            local_servers=args.servers,
            first_port=args.first_port,
            listen_ip=args.listen_ip,
            server_prefix=args.server_prefix,
            remote=[Server.parse(r) for r in args.remote],
            store=args.store,
            pgbouncer=args.pgbouncer,
            pg_pool=args.pg_pool,
            kits=args.kits,
            preheat_kit=args.preheat_kit,
            venv=args.venv,
            user=args.user,
            data=args.data,
        )
        files = deploy_files(settings)
    except ValueError as exc:
        print(f"talkkit deploy: {exc}")
        return 2
    root = args.output or Path("/")
    if args.output is None:
        if os.geteuid() != 0:
            print("talkkit deploy: writing to / needs root; use --output DIR to review first")
            return 2
        ensure_user(settings)
    for path in write_files(files, root):
        print(f"wrote {path}")
    print(summary(settings))
    return 0
