"""``talkkit restore FILE``: put a backup made by ``talkkit backup`` back into a store."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("restore", help="restore a backup made by talkkit backup into the store")
    p.add_argument("file", type=Path, help="the backup file")
    p.add_argument("--store", default=None, help="store URL (default: $TALKKIT_STORE or SQLite)")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace a store that holds sessions already (stop the servers first)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from talkkit.store import default_url
    from talkkit.store.backup import BackupError, restore
    from talkkit.store.postgres_pool import redact

    url = args.store or default_url()
    if not args.file.is_file():
        print(f"talkkit restore: no file {args.file}")
        return 1
    try:
        info = restore(args.file, url, replace=args.replace)
    except BackupError as exc:
        print(f"talkkit restore: {exc}")
        return 1
    print(
        f"Restored {info.path} into {redact(url)}: {info.sessions} sessions, {info.answers} answers"
    )
    return 0
