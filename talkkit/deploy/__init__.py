"""``talkkit deploy``: the files that run talkkit on a Debian server, from a few settings.

- :mod:`talkkit.deploy.settings`: what an operator decides (:class:`Settings`) and what follows
  from the number of groups (:class:`Sizing`).
- :mod:`talkkit.deploy.nginx`: the nginx site (TLS, websockets, a group kept on its server).
- :mod:`talkkit.deploy.systemd`: the systemd units of the ``talkkit serve`` processes.
- :mod:`talkkit.deploy.pgbouncer`: PgBouncer in front of PostgreSQL (bounded connections).
- :mod:`talkkit.deploy.files`: all of them as files, written to a folder or to ``/``.

Why these parts: ``docs/operating.md``.
"""

from talkkit.deploy.files import DeployFile, deploy_files, write_files
from talkkit.deploy.settings import Server, Settings, Sizing, size

__all__ = ["DeployFile", "Server", "Settings", "Sizing", "deploy_files", "size", "write_files"]
