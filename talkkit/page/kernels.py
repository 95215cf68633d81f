"""The kernels behind kit pages: bounded in number, started as the kit kernel.

Every page load costs a ~60 MB kernel, and a closed tab does not shut its kernel down: a server
with 2 cores and a few GB holds a bounded number of them. Idle kernels are culled (configured in
:func:`talkkit.page.app.serve_config`), and past ``max_kernels`` a new visitor gets a clear
"try again in a moment" page instead of a server that swaps. Python kernels start as
``python -m talkkit.page.kernel`` (no debugger, no input history).
"""

from __future__ import annotations

from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int, default

__all__ = ["BoundedKernelManager", "KitKernelSpecManager"]

#: The module kit kernels run (``python -m``).
KERNEL_MODULE = "talkkit.page.kernel"


class BoundedKernelManager(AsyncMappingKernelManager):
    """A kernel manager that refuses to start more than ``max_kernels`` kernels."""

    max_kernels = Int(
        80,
        config=True,
        help="The most kernels (open kit pages) at once; more get HTTP 503 until some are culled.",
    )
    preheat_concurrency = Int(
        1,
        config=True,
        help="With preheated kernels: how many pool kernels may start and run their notebook at "
        "the same time (the rest wait, so refills never starve the pages being served).",
    )

    @default("kernel_manager_class")
    def _default_kernel_manager_class(self) -> str:
        return "talkkit.upstream.event_logger.KitKernelManager"

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        if len(self.list_kernel_ids()) >= self.max_kernels:
            raise web.HTTPError(
                503,
                reason="Too many open kits on this server right now; try again in a minute.",
            )
        return await super().start_kernel(*args, **kwargs)


class KitKernelSpecManager(KernelSpecManager):
    """Python kernels of kit pages start as ``python -m talkkit.page.kernel``: ipykernel without
    its debugger and input history (see :mod:`talkkit.page.kernel`). Other kernels are left as
    they are."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        argv = list(spec.argv)
        if argv[1:3] == ["-m", "ipykernel_launcher"]:
            from talkkit.page.kernel import KERNEL_ARGS

            spec.argv = [argv[0], "-m", KERNEL_MODULE, *argv[3:], *KERNEL_ARGS]
        return spec
