"""The systemd units: one ``talkkit@ID.service`` per ``talkkit serve`` process, and
``talkkit.target`` that starts them all.

Each process runs as the unprivileged ``talkkit`` user from the package's own virtual
environment, with its data in ``/var/lib/talkkit`` (``StateDirectory``), a read-only view of
the rest of the system, and its settings in ``/etc/talkkit/`` (``talkkit.env`` for all of them,
readable by root and the service only since it holds the store's password; ``ID.env`` for
each). ``KillMode=mixed`` stops the server first and then its kernels, so nothing outlives it.
"""

from __future__ import annotations

import shlex

from talkkit.deploy.settings import Server, Settings

__all__ = [
    "backup_service",
    "backup_timer",
    "server_env",
    "service_unit",
    "shared_env",
    "target_unit",
]


def service_unit(settings: Settings) -> str:
    """The template unit ``talkkit@.service`` (instance name = server id)."""
    talkkit = settings.venv / "bin" / "talkkit"
    preheat = "".join(f" --preheat-kit {shlex.quote(k)}" for k in settings.preheat_kit)
    return (
        "# Written by `talkkit deploy`; see docs/operating.md (talkkit).\n"
        "[Unit]\n"
        "Description=talkkit seminar server %i\n"
        "Documentation=https://github.com/social-talks/talkkit/blob/main/docs/operating.md\n"
        "After=network-online.target postgresql.service pgbouncer.service\n"
        "Wants=network-online.target\n"
        "PartOf=talkkit.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"User={settings.user}\n"
        f"Group={settings.user}\n"
        f"EnvironmentFile={settings.etc}/talkkit.env\n"
        f"EnvironmentFile={settings.etc}/%i.env\n"
        f"ExecStart={talkkit} serve --ip ${{TALKKIT_IP}} --port ${{TALKKIT_PORT}} "
        "--server-id %i --kits-dir ${TALKKIT_KITS} --max-kernels ${TALKKIT_MAX_KERNELS} "
        f"--cull-idle ${{TALKKIT_CULL_IDLE}} --preheat ${{TALKKIT_PREHEAT}}{preheat}\n"
        f"WorkingDirectory={settings.data}\n"
        "StateDirectory=talkkit\n"
        "StateDirectoryMode=0750\n"
        "Restart=on-failure\n"
        "RestartSec=2\n"
        "KillMode=mixed\n"
        "TimeoutStopSec=20\n"
        "LimitNOFILE=65536\n"
        "NoNewPrivileges=yes\n"
        "PrivateTmp=yes\n"
        "PrivateDevices=yes\n"
        "ProtectSystem=strict\n"
        "ProtectHome=yes\n"
        "ProtectKernelTunables=yes\n"
        "ProtectControlGroups=yes\n"
        "RestrictSUIDSGID=yes\n"
        f"ReadWritePaths={settings.data}\n"
        "\n"
        "[Install]\n"
        "WantedBy=talkkit.target\n"
    )


def target_unit(settings: Settings) -> str:
    """``talkkit.target``: every server of this machine (``systemctl start talkkit.target``)."""
    local = [s for s in settings.servers() if s.local]
    wants = " ".join(f"talkkit@{s.id}.service" for s in local)
    return (
        "# Written by `talkkit deploy`; see docs/operating.md (talkkit).\n"
        "[Unit]\n"
        "Description=talkkit seminar servers\n"
        f"Wants={wants}\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def _env_line(name: str, value: str) -> str:
    if "\n" in value:
        raise ValueError(f"{name} must be one line")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{name}="{escaped}"\n'


def shared_env(settings: Settings, store_url: str) -> str:
    """``talkkit.env``: what every server of this machine shares (mode 0640, it may hold the
    store's password)."""
    sizing = settings.sizing()
    lines = [
        "# Written by `talkkit deploy` (sized for "
        f"{sizing.groups} groups on {sizing.servers} server(s)).\n",
        _env_line("TALKKIT_DATA", str(settings.data)),
        _env_line("HOME", str(settings.data)),
        _env_line("TALKKIT_KITS", str(settings.kits)),
        _env_line("TALKKIT_MAX_KERNELS", str(sizing.max_kernels)),
        _env_line("TALKKIT_CULL_IDLE", str(sizing.cull_idle)),
        _env_line("TALKKIT_PREHEAT", str(sizing.preheat if settings.preheat_kit else 0)),
    ]
    if store_url:
        lines.append(_env_line("TALKKIT_STORE", store_url))
    return "".join(lines)


def server_env(server: Server) -> str:
    """``ID.env``: one server's address."""
    return (
        "# Written by `talkkit deploy`.\n"
        + _env_line("TALKKIT_IP", server.host)
        + _env_line("TALKKIT_PORT", str(server.port))
    )


def backup_service(settings: Settings) -> str:
    """``talkkit-backup.service``: one ``talkkit backup`` into ``<data>/backups/`` (``$$``
    passes a ``$`` to the shell, ``%%`` a ``%``)."""
    talkkit = settings.venv / "bin" / "talkkit"
    return (
        "# Written by `talkkit deploy`; see docs/operating.md (talkkit).\n"
        "[Unit]\n"
        "Description=talkkit store backup\n"
        "After=postgresql.service pgbouncer.service\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"User={settings.user}\n"
        f"Group={settings.user}\n"
        f"EnvironmentFile={settings.etc}/talkkit.env\n"
        f"ExecStart=/bin/sh -c 'exec {talkkit} backup "
        '"$${TALKKIT_DATA}/backups/talkkit-$$(date +%%Y-%%m-%%d-%%H%%M).backup"\'\n'
        "UMask=0077\n"
        "NoNewPrivileges=yes\n"
        "PrivateTmp=yes\n"
        "ProtectSystem=strict\n"
        "ProtectHome=yes\n"
        f"ReadWritePaths={settings.data}\n"
    )


def backup_timer(settings: Settings) -> str:
    """``talkkit-backup.timer``: a backup every night (and once after a missed night)."""
    return (
        "# Written by `talkkit deploy`; see docs/operating.md (talkkit).\n"
        "[Unit]\n"
        "Description=talkkit store backup every night\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=*-*-* 02:30\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
