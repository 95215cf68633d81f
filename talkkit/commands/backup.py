"""``talkkit backup FILE``: a copy of the store while the servers run."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backup",
        help="copy the store to a file while the servers run (SQLite backup API, or pg_dump)",
    )
    p.add_argument("file", type=Path, help="the new backup file")
    p.add_argument("--store", default=None, help="store URL (default: $TALKKIT_STORE or SQLite)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from talkkit.store import default_url
    from talkkit.store.backup import BackupError, backup
    from talkkit.store.postgres_pool import redact

    url = args.store or default_url()
    try:
        info = backup(url, args.file)
    except BackupError as exc:
        print(f"talkkit backup: {exc}")
        return 1
    print(
        f"Backed up {redact(url)} to {info.path} ({info.kind}): "
        f"{info.sessions} sessions, {info.answers} answers"
    )
    return 0
