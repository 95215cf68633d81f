"""Subcommands of ``talkkit``: one module each, with ``register(subparsers)``.

To add a command, write ``talkkit/commands/<name>.py`` with a ``register`` function that adds
its parser and sets ``func`` to a function taking the parsed arguments and returning the exit
code, then add ``<name>`` to :data:`COMMANDS`.
"""

COMMANDS = (
    "check",
    "new",
    "media",
    "serve",
    "deploy",
    "backup",
    "restore",
    "export",
    "purge",
    "event",
    "series",
    "report",
    "binder",
)
