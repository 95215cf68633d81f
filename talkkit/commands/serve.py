"""``talkkit serve``: serve the kits as Voilà apps with a gallery at the address it prints."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from talkkit.paths import data_dir, kits_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the kits (a gallery, each kit a Voilà app)")
    p.add_argument("--kits-dir", type=Path, default=None, help="folder of kits (default: kits/)")
    p.add_argument("--port", type=int, default=8866, help="port to listen on (default 8866)")
    p.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to listen on; 0.0.0.0 serves other machines (default: this machine only)",
    )
    p.add_argument("--max-kernels", type=int, default=80, help="most open kits at once")
    p.add_argument(
        "--cull-idle", type=int, default=900, help="seconds before an abandoned kit is closed"
    )
    p.add_argument(
        "--connect-timeout",
        type=float,
        default=60.0,
        help="seconds a kit page may take to connect before its kernel is ended (default 60)",
    )
    p.add_argument(
        "--preheat", type=int, default=0, help="kernels kept ready per kit (0: start on demand)"
    )
    p.add_argument(
        "--preheat-kit",
        action="append",
        default=[],
        metavar="KIT",
        help="keep --preheat kernels ready only for this kit (its folder name; repeatable), "
        "e.g. the kit of today's seminar: --preheat 30 --preheat-kit tidlig-opsporing",
    )
    p.add_argument(
        "--store",
        default=None,
        help="answer store for every kit: a postgresql:// URL for seminars with many groups "
        "(default: $TALKKIT_STORE, else the embedded SQLite file in the data folder)",
    )
    p.add_argument(
        "--server-id",
        default="",
        help="this server's name when several serve one seminar behind a front (a-z 0-9 _ -): "
        "set as the talkkit_srv cookie, which nginx uses to keep a group on this server, and "
        "reported by /talkkit/health (see docs/operating.md)",
    )
    p.add_argument(
        "--no-fork-kernels",
        dest="fork_kernels",
        action="store_false",
        help="start every kit kernel as a new Python process instead of forking it from one "
        "that has already imported what kernels import (slower under load; for debugging)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from talkkit.page.app import serve  # imported here: Voilà is heavy and only serve needs it
    from talkkit.store.postgres_pool import redact

    root = (args.kits_dir or kits_dir()).resolve()
    notebooks = []
    for kit in args.preheat_kit:
        notebook = root / kit / "kit.ipynb"
        if "/" in kit or "\\" in kit or not notebook.is_file():
            print(
                f"talkkit serve: no kit named {kit!r} in {root} (--preheat-kit takes a kit folder's name)"
            )
            return 2
        notebooks.append(f"{kit}/kit.ipynb")
    if notebooks and args.preheat <= 0:
        print("talkkit serve: --preheat-kit needs --preheat N (how many kernels to keep ready)")
        return 2
    from talkkit.page.routing import SERVER_ID

    if args.server_id and not SERVER_ID.match(args.server_id):
        print(f"talkkit serve: --server-id takes 1-32 of a-z 0-9 _ -, not {args.server_id!r}")
        return 2
    if args.store:
        os.environ["TALKKIT_STORE"] = args.store  # kernels inherit it (talkkit.store.default_url)
    from talkkit.store import check_store, default_url

    problem = check_store()
    if problem:
        print(
            f"talkkit serve: the answer store {redact(default_url())} is damaged: {problem}\n"
            "Nothing is served, so no group types into a damaged store. Restore the file from "
            "a backup, or move it aside to start with an empty store (`sqlite3 FILE .recover` "
            "can often rescue its answers).",
            file=sys.stderr,
        )
        return 1
    host = "localhost" if args.ip in ("127.0.0.1", "localhost") else args.ip
    print(f"Serving the kits in {root}")
    store = os.environ.get("TALKKIT_STORE")
    where = redact(store) if store else f"{data_dir()} (outside the served folder)"
    print(f"Answers are kept in {where}")
    print(f"Open http://{host}:{args.port}/ in a browser. Stop with Ctrl+C.", flush=True)
    serve(
        root,
        port=args.port,
        ip=args.ip,
        max_kernels=args.max_kernels,
        cull_idle_seconds=args.cull_idle,
        connect_timeout=args.connect_timeout,
        preheat=args.preheat,
        preheat_notebooks=notebooks or None,
        server_id=args.server_id,
        fork_kernels=args.fork_kernels,
    )
    return 0
