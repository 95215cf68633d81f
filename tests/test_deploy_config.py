"""Are the files ``talkkit deploy`` writes valid for the real tools (``nginx -t``,
``systemd-analyze verify``), and sized as docs/operating.md says?"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from talkkit.cli import main
from talkkit.deploy import Server, Settings, size
from talkkit.deploy.nginx import main_conf
from talkkit.page.routing import SERVER_COOKIE

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.prefix)


# fmt: off
def self_signed(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 made by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


# fmt: on


def deploy(tmp_path: Path, *args: str) -> Path:
    cert, key = self_signed(tmp_path)
    out = tmp_path / "out"
    argv = ["deploy", "--tls-cert", str(cert), "--tls-key", str(key), "--output", str(out)]
    assert main([*argv, "--venv", str(VENV), *args]) == 0
    return out


def test_sizing_follows_the_number_of_groups() -> None:
    """More groups, more kernels; more servers, fewer per server; the bound leaves room."""
    one = size(30, 1)
    assert one.groups_per_server >= 30
    assert one.max_kernels >= one.groups_per_server + one.preheat
    assert 0 < one.preheat <= 20
    big = size(300, 10)
    assert big.groups_per_server < 300 / 10 * 1.5
    assert size(60, 1).max_kernels > one.max_kernels
    with pytest.raises(ValueError):
        size(0, 1)


def test_settings_refuse_what_cannot_work(tmp_path: Path) -> None:
    s = Settings(groups=10, tls_cert=tmp_path, tls_key=tmp_path, remote=[Server.parse("b1=h:1")])
    assert any("shared store" in p for p in s.check())
    with pytest.raises(ValueError, match="ID=HOST:PORT"):
        Server.parse("10.0.0.1:8871")
    with pytest.raises(ValueError, match="server id"):
        Server("S 1", "h", 1)
    s = Settings(groups=10, tls_cert=tmp_path, tls_key=tmp_path, local_servers=2, server_prefix="a")
    assert [x.id for x in s.servers()] == ["a1", "a2"]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx missing: apt-get install nginx")
def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    """The site routes the talkkit_srv cookie of every server to that server's upstream, new
    groups to the least_conn pool, proxies websockets and terminates TLS; nginx accepts it."""
    out = deploy(tmp_path, "--groups", "60", "--servers", "2", "--remote", "b1=10.0.0.5:8871",
                 "--store", "postgresql://tk:pw@db/talkkit", "--https-port", "8443",
                 "--http-port", "8080")  # fmt: skip
    site = (out / "etc/nginx/sites-available/talkkit.conf").read_text()
    assert f"map $cookie_{SERVER_COOKIE} $talkkit_backend" in site
    for sid in ("s1", "s2", "b1"):
        assert re.search(rf"^\s+{sid} talkkit_{sid};$", site, re.M)
        assert f"upstream talkkit_{sid} {{" in site
    assert "least_conn;" in site and "proxy_set_header Upgrade $http_upgrade;" in site
    assert (out / "etc/nginx/sites-enabled/talkkit.conf").resolve().exists()
    prefix = tmp_path / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    conf = prefix / "nginx.conf"
    conf.write_text(main_conf(prefix, out / "etc/nginx/sites-available/talkkit.conf"))
    result = subprocess.run(
        ["nginx", "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # and nginx -t does fail on a broken site (the check can fail)
    broken = site.replace("least_conn;", "least_conn")
    (tmp_path / "broken.conf").write_text(broken)
    conf.write_text(main_conf(prefix, tmp_path / "broken.conf"))
    result = subprocess.run(
        ["nginx", "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True
    )
    assert result.returncode != 0


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """The unit runs `talkkit serve` from the venv as the unprivileged user with its data
    folder; systemd-analyze verify finds nothing wrong (and complains about a broken unit)."""
    out = deploy(tmp_path, "--groups", "30", "--servers", "2", "--preheat-kit", "tidlig-opsporing")
    units = out / "etc/systemd/system"
    service = (units / "talkkit@.service").read_text()
    assert "User=talkkit" in service and "StateDirectory=talkkit" in service
    assert f"ExecStart={VENV}/bin/talkkit serve " in service and "--server-id %i" in service
    env = (out / "etc/talkkit/talkkit.env").read_text()
    sizing = size(30, 2)
    assert f'TALKKIT_MAX_KERNELS="{sizing.max_kernels}"' in env
    assert f'TALKKIT_PREHEAT="{sizing.preheat}"' in env
    assert (out / "etc/talkkit/talkkit.env").stat().st_mode & 0o777 == 0o640
    assert 'TALKKIT_PORT="8872"' in (out / "etc/talkkit/s2.env").read_text()
    instance = units / "talkkit@s1.service"
    shutil.copy(units / "talkkit@.service", instance)
    backup = (units / "talkkit-backup.service").read_text()
    assert "User=talkkit" in backup and f"{VENV}/bin/talkkit backup" in backup
    verify = ["systemd-analyze", "verify", str(instance), str(units / "talkkit.target")]
    verify += [str(units / "talkkit-backup.service"), str(units / "talkkit-backup.timer")]
    result = subprocess.run(verify, capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    instance.write_text(service.replace("KillMode=mixed", "KillMode=sometimes"))
    result = subprocess.run(verify, capture_output=True, text=True)
    assert "kill mode" in result.stderr


def test_pgbouncer_files_and_the_servers_store_url(tmp_path: Path) -> None:
    """With --pgbouncer the servers reach PostgreSQL through PgBouncer in transaction mode; its
    user list holds the password, readable by root and postgres only."""
    out = deploy(tmp_path, "--groups", "300", "--servers", "2", "--pgbouncer",
                 "--store", "postgresql://tk:s3cret@db.example:5433/talkkit")  # fmt: skip
    ini = (out / "etc/pgbouncer/pgbouncer.ini").read_text()
    assert "pool_mode = transaction" in ini and "default_pool_size = 20" in ini
    assert "talkkit = host=db.example port=5433 dbname=talkkit" in ini
    assert (out / "etc/pgbouncer/userlist.txt").read_text() == '"tk" "s3cret"\n'
    assert (out / "etc/pgbouncer/userlist.txt").stat().st_mode & 0o777 == 0o640
    env = (out / "etc/talkkit/talkkit.env").read_text()
    assert 'TALKKIT_STORE="postgresql://tk:s3cret@127.0.0.1:6432/talkkit"' in env


def test_deploy_without_output_needs_root_or_says_so(tmp_path: Path, capsys) -> None:
    cert, key = self_signed(tmp_path)
    code = main(["deploy", "--groups", "5", "--tls-cert", str(cert), "--tls-key", str(key),
                 "--remote", "b1=10.0.0.5:8871", "--output", str(tmp_path / "o")])  # fmt: skip
    assert code == 2
    assert "shared store" in capsys.readouterr().out
