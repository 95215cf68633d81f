"""Every file of a deployment, and writing them to a folder (for review) or to ``/``."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from talkkit.deploy import nginx, pgbouncer, systemd
from talkkit.deploy.settings import Settings

__all__ = ["GROUPS_PER_CORE", "DeployFile", "deploy_files", "summary", "write_files"]

#: Groups one core serves with pages that open in a few seconds (bench/results/*-front-*).
GROUPS_PER_CORE = 15


@dataclass(frozen=True)
class DeployFile:
    """One file: its absolute path on the server, its text, its mode, its group."""

    path: Path
    text: str
    mode: int = 0o644
    group: str | None = None


def store_url(settings: Settings) -> str:
    """The store URL the servers use (through PgBouncer when there is one)."""
    if settings.pgbouncer:
        return pgbouncer.client_url(settings)
    return settings.store


def deploy_files(settings: Settings) -> list[DeployFile]:
    """The nginx site, the systemd units and settings, PgBouncer's files if asked for."""
    problems = settings.check()
    if problems:
        raise ValueError("; ".join(problems))
    etc = settings.etc
    files = [
        DeployFile(Path("/etc/nginx/sites-available/talkkit.conf"), nginx.site(settings)),
        DeployFile(Path("/etc/systemd/system/talkkit@.service"), systemd.service_unit(settings)),
        DeployFile(Path("/etc/systemd/system/talkkit.target"), systemd.target_unit(settings)),
        DeployFile(
            Path("/etc/systemd/system/talkkit-backup.service"), systemd.backup_service(settings)
        ),
        DeployFile(
            Path("/etc/systemd/system/talkkit-backup.timer"), systemd.backup_timer(settings)
        ),
        DeployFile(
            etc / "talkkit.env",
            systemd.shared_env(settings, store_url(settings)),
            0o640,
            settings.user,
        ),
    ]
    files += [
        DeployFile(etc / f"{s.id}.env", systemd.server_env(s))
        for s in settings.servers()
        if s.local
    ]
    if settings.pgbouncer:
        files += [
            DeployFile(
                Path("/etc/pgbouncer/pgbouncer.ini"), pgbouncer.ini(settings), 0o640, "postgres"
            ),
            DeployFile(
                Path("/etc/pgbouncer/userlist.txt"), pgbouncer.userlist(settings), 0o640, "postgres"
            ),
        ]
    return files


def summary(settings: Settings) -> str:
    """What the sizing is and what to run next, for the operator."""
    sz = settings.sizing()
    servers = settings.servers()
    local = [s for s in servers if s.local]
    lines = [
        f"Sized for {sz.groups} groups at once on {sz.servers} server(s): per server up to "
        f"{sz.groups_per_server} groups, kernel bound {sz.max_kernels}, "
        f"{sz.preheat if settings.preheat_kit else 0} preheated kernels, idle kernels culled "
        f"after {sz.cull_idle} s; about {sz.memory_mb_per_server / 1024:.1f} GB of memory per "
        "server at its bound.",
    ]
    cores = os.cpu_count() or 1
    here = sz.groups_per_server * len(local)
    if local and here > GROUPS_PER_CORE * cores:
        lines.append(
            f"This machine has {cores} cores and would hold up to {here} groups: measured, a "
            f"core holds about {GROUPS_PER_CORE} (docs/operating.md); add servers on other "
            "machines (--remote) or cores."
        )
    if local and len(local) < min(cores, 4) and sz.groups_per_server > GROUPS_PER_CORE:
        lines.append(
            f"One talkkit serve process uses one core: --servers {min(cores, 4)} uses this "
            "machine's cores better."
        )
    if settings.store.startswith(("postgresql://", "postgres://")) and not settings.pgbouncer:
        lines.append(
            f"PostgreSQL: up to {sz.pg_connections_direct} connections at the bound "
            "(default max_connections is 100): consider --pgbouncer."
        )
    if settings.pgbouncer:
        lines.append(
            f"PgBouncer holds at most {settings.pg_pool} (+2 reserve) connections to PostgreSQL "
            "from this machine; set max_connections above the sum over machines."
        )
    if local:
        lines += [
            "Next (as root):",
            "  systemctl daemon-reload && systemctl enable --now talkkit.target "
            "talkkit-backup.timer",
            "  nginx -t && systemctl reload nginx",
            f"  curl -k https://localhost:{settings.https_port}/talkkit/health",
        ]
    return "\n".join(lines)


def _chown(path: Path, user: str | None, group: str | None) -> None:
    if os.geteuid() == 0 and (user or group):
        try:
            if user is not None and group is not None:
                shutil.chown(path, user, group)
            elif user is not None:
                shutil.chown(path, user)
            elif group is not None:
                shutil.chown(path, group=group)
        except (LookupError, PermissionError):  # the user is made when installing to /
            pass


def ensure_user(settings: Settings) -> None:
    """The unprivileged service user and its data folder (when installing to ``/``)."""
    try:
        import pwd

        pwd.getpwnam(settings.user)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--home-dir",
                str(settings.data),
                "--shell",
                "/usr/sbin/nologin",
                "--user-group",
                settings.user,
            ],
            check=True,
        )
    settings.data.mkdir(parents=True, exist_ok=True)
    settings.data.chmod(0o750)
    _chown(settings.data, settings.user, settings.user)


def write_files(files: list[DeployFile], root: Path) -> list[Path]:
    """Write ``files`` under ``root`` (``/`` on the server, a folder for review); the paths."""
    written = []
    for f in files:
        target = root / f.path.relative_to("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(f.text, encoding="utf-8")
        tmp.chmod(f.mode)
        _chown(tmp, "root" if f.group else None, f.group)
        tmp.replace(target)
        written.append(target)
    site = root / "etc/nginx/sites-enabled/talkkit.conf"
    if (root / "etc/nginx/sites-available/talkkit.conf").exists() and not site.exists():
        site.parent.mkdir(parents=True, exist_ok=True)
        site.symlink_to("../sites-available/talkkit.conf")
        written.append(site)
    return written
