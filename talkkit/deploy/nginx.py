"""The nginx site: TLS, websockets, and each group kept on the server that holds its kernel.

A kernel lives in one ``talkkit serve`` process, so every request of a page (its websocket
above all) must reach the process that rendered it. nginx's open-source build has no
``sticky cookie``, and ``ip_hash`` would send a whole municipality (one public address) to one
server. Instead each server names itself in a ``talkkit_srv`` cookie on every response
(``talkkit serve --server-id``), and a ``map`` turns that cookie into the server's own upstream.
A request without the cookie (a group's first) goes to the ``least_conn`` pool: open websockets
count as connections, so new groups go to the server with the fewest open pages.

When a server is down, its upstream's ``backup`` servers take its requests; the one that
answers sets its own cookie, so the group stays there from then on. A refused connection marks
the server failed for ``fail_timeout`` (nginx's passive check), so new groups go to live
servers only. A server at its kernel bound answers 503 ("try again in a minute") and is not
skipped: nginx counts a skipped answer as a failure of that server in that upstream, and the
websockets of the server's other groups would then go to a backup, which does not hold their
kernels. The sizing leaves room (``talkkit.deploy.settings``) and ``least_conn`` sends new
groups to the emptier server.
"""

from __future__ import annotations

from pathlib import Path

from talkkit.deploy.settings import Server, Settings

__all__ = ["main_conf", "site"]

#: Seconds a server that refused a connection is left out of the pool.
FAIL_TIMEOUT = 15


def _upstream(name: str, lines: list[str]) -> str:
    body = "".join(f"    {line}\n" for line in lines)
    return f"upstream {name} {{\n{body}}}\n"


def _server_line(server: Server, *, backup: bool = False) -> str:
    if backup:
        return f"server {server.address} backup;"
    return f"server {server.address} max_fails=1 fail_timeout={FAIL_TIMEOUT}s;"


def site(settings: Settings, *, access_log: str | None = None) -> str:
    """The site file (an ``http {}`` level include: Debian's ``sites-enabled/``)."""
    servers = settings.servers()
    out = [
        "# Written by `talkkit deploy`: edit the settings and run it again rather than this file.\n",
        "# Why each part: docs/operating.md (talkkit).\n\n",
        "map $http_upgrade $talkkit_connection_upgrade {\n    default upgrade;\n    '' close;\n}\n\n",
        "# The talkkit_srv cookie (set by each `talkkit serve --server-id`) -> that server.\n",
        "map $cookie_talkkit_srv $talkkit_backend {\n    default talkkit_any;\n",
        *[f"    {s.id} talkkit_{s.id};\n" for s in servers],
        "}\n\n",
        _upstream("talkkit_any", ["least_conn;", *[_server_line(s) for s in servers]]),
    ]
    for s in servers:
        others = [_server_line(o, backup=True) for o in servers if o is not s]
        out += ["\n", _upstream(f"talkkit_{s.id}", [_server_line(s), *others])]
    name = settings.server_name
    if settings.http_port:
        out.append(
            "\nserver {\n"
            f"    listen {settings.http_port};\n"
            f"    server_name {name};\n"
            "    return 301 https://$host$request_uri;\n"
            "}\n"
        )
    log = f"    access_log {access_log} talkkit;\n" if access_log else ""
    out.append(
        "\nserver {\n"
        f"    listen {settings.https_port} ssl http2;\n"
        f"    server_name {name};\n"
        f"    ssl_certificate {settings.tls_cert};\n"
        f"    ssl_certificate_key {settings.tls_key};\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n"
        "    ssl_session_cache shared:talkkit_tls:10m;\n"
        '    add_header Strict-Transport-Security "max-age=31536000" always;\n'
        "    client_max_body_size 4m;\n"
        f"{log}"
        "\n    location / {\n"
        "        proxy_pass http://$talkkit_backend;\n"
        "        proxy_http_version 1.1;\n"
        "        # the port too: Jupyter compares a websocket's Origin with Host\n"
        "        proxy_set_header Host $http_host;\n"
        "        proxy_set_header X-Real-IP $remote_addr;\n"
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "        proxy_set_header X-Forwarded-Proto $scheme;\n"
        "        proxy_set_header Upgrade $http_upgrade;\n"
        "        proxy_set_header Connection $talkkit_connection_upgrade;\n"
        "        proxy_connect_timeout 5s;\n"
        "        # a group's websocket stays open for the whole seminar, mostly quiet\n"
        "        proxy_read_timeout 2h;\n"
        "        proxy_send_timeout 2h;\n"
        "        # only a server that cannot be reached is skipped (and left out for a while)\n"
        "        proxy_next_upstream error timeout;\n"
        "        proxy_next_upstream_tries 3;\n"
        "    }\n"
        "}\n"
    )
    return "".join(out)


#: What the access log records: which server answered, and the cookie the request carried.
LOG_FORMAT = (
    'log_format talkkit \'$remote_addr [$time_local] "$request" $status '
    "upstream=$upstream_addr srv=$cookie_talkkit_srv rt=$request_time';\n"
)


def main_conf(prefix: Path, site_file: Path, *, workers: int = 1) -> str:
    """A whole ``nginx.conf`` that runs nginx from folder ``prefix`` as any user (tests, the
    benchmark, a trial run): ``nginx -p PREFIX -c nginx.conf -g 'daemon off;'``. A server uses
    Debian's ``/etc/nginx/nginx.conf``, which includes the site instead."""
    import os

    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"    {kind}_temp_path {prefix / 'tmp' / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes {workers};\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} info;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        f"    {LOG_FORMAT}"
        f"    access_log {prefix / 'access.log'} talkkit;\n"
        f"{temp}"
        f"    include {site_file};\n"
        "}\n"
    )
