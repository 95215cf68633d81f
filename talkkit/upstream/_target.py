"""What every patch in :mod:`talkkit.upstream` shares: the upstream it targets, and one way to
say that it does not apply.

Each patch module makes one :class:`Target` naming the distribution it reaches into, the
versions it was tested with and the upstream issue it works around. Before touching an internal
a patch checks that it is there; when it is not it calls :meth:`Target.missing`, which logs one
line (once per process) on the ``talkkit.upstream`` logger naming the patch, the internal, the
installed version and what the page does instead, and the patch leaves upstream as it is.

In a kernel, ``sys.stderr`` is the running cell's output, which Voilà shows on the page: there
the line goes to the kernel process's own stderr instead, which the server's log collects.
"""

from __future__ import annotations

import functools
import logging
import sys
from dataclasses import dataclass
from importlib import metadata

__all__ = ["Target", "installed_version", "log"]

log = logging.getLogger("talkkit.upstream")


@functools.cache
def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution`` (read from its metadata: imports nothing)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True)
class Target:
    """One patch: the module's short name, the distribution and versions it targets, why."""

    patch: str  # the module's name in talkkit.upstream, e.g. "kernel_pool"
    distribution: str  # e.g. "voila"
    tested: tuple[str, ...]  # versions the patch was written for and tested with
    issue: str  # the upstream issue it works around, or why there is none

    @property
    def version(self) -> str | None:
        return installed_version(self.distribution)

    @property
    def is_tested(self) -> bool:
        return self.version in self.tested

    def missing(self, internal: str, fallback: str) -> bool:
        """Log, once per process, that ``internal`` is not there and what happens instead.

        Always ``False``, so that a patch can ``return target.missing(...)``.
        """
        _log_once(self, internal, fallback)
        return False

    def untested(self) -> None:
        """Log, once per process, that the installed version is not one the patch was tested
        with (the patch still applies: each internal it touches was found)."""
        if not self.is_tested:
            _log_once(self, None, "applied; its internals were found")


def _in_kernel() -> bool:
    """Whether this process is an IPython kernel (whose ``sys.stderr`` is the page)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def _to_process_stderr() -> None:
    """In a kernel, send the seam's lines to the process's stderr, not to the page (once)."""
    if log.handlers or not _in_kernel() or sys.__stderr__ is None:
        return
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    log.addHandler(handler)
    log.propagate = False


@functools.cache
def _log_once(target: Target, internal: str | None, fallback: str) -> None:
    _to_process_stderr()
    tested = "/".join(target.tested)
    if internal is None:
        log.warning(
            "talkkit.upstream.%s: %s %s is not the tested %s; %s",
            target.patch,
            target.distribution,
            target.version,
            tested,
            fallback,
        )
    else:
        log.warning(
            "talkkit.upstream.%s: %s %s (tested: %s) has no %s; %s",
            target.patch,
            target.distribution,
            target.version,
            tested,
            internal,
            fallback,
        )
