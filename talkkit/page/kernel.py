"""The kernel a group's kit page runs in, under ``talkkit serve``: ipykernel, minus what a
group's page never uses.

``talkkit serve`` (see :class:`talkkit.page.kernels.KitKernelSpecManager`) starts Python
kernels as ``python -m talkkit.page.kernel`` instead of ``python -m ipykernel_launcher``. The
kernel is the same ipykernel, with two things switched off:

- **the debugger** (debugpy): ipykernel loads it into every kernel so that JupyterLab can debug,
  which costs about 10 MB per kernel (measured with ``talkkit-bench``, ``bench/JOURNAL.md``)
  and would answer debug requests that any client connected to the page's websocket may send;
- **the input history** (an SQLite file and its writer thread): a kit page runs only its
  notebook's code, and the history would write it to disk for every page opened.

JupyterLab and Binder, where authors and students work, keep the usual kernel.
"""

from __future__ import annotations

import sys

__all__ = ["KERNEL_ARGS", "KERNEL_MODULE", "main"]

#: This module, as kernels run it (``python -m``).
KERNEL_MODULE = "talkkit.page.kernel"

#: Options added to the kernel's command line.
KERNEL_ARGS = ("--HistoryManager.enabled=False",)


def main(*, forked: bool = False) -> None:
    """Run the kernel (``forked``: in a child of :mod:`talkkit.page.fork_server`, which
    imported ipywidgets before any kernel existed)."""
    # ipykernel imports debugpy when a kernel is created and turns the debugger off when it
    # cannot (its documented fallback when debugpy is not installed).
    sys.modules["debugpy"] = None  # type: ignore[assignment]  # None blocks the import (documented in importlib)
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize()  # type: ignore[no-untyped-call]  # ipykernel's app is unannotated
    if forked:
        # ipywidgets registers its comm targets when it is imported in a kernel; imported
        # before, it does so through its documented IPython extension hook
        import ipywidgets

        ipywidgets.load_ipython_extension(app.shell)
    app.start()  # type: ignore[no-untyped-call]  # ipykernel's app is unannotated


if __name__ == "__main__":
    main()
