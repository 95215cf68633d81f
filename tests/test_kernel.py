"""The kit page kernel (``python -m talkkit.page.kernel``): ipykernel without debugger and history."""

from __future__ import annotations

import pytest
from jupyter_client.manager import KernelManager

from talkkit.page.app import serve_config
from talkkit.page.kernels import KitKernelSpecManager


def test_serve_config_uses_the_kit_kernel() -> None:
    config = serve_config()
    assert config.VoilaConfiguration.kernel_spec_manager_class.endswith("KitKernelSpecManager")
    spec = KitKernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[1:3] == ["-m", "talkkit.page.kernel"]
    assert "{connection_file}" in spec.argv
    assert "--HistoryManager.enabled=False" in spec.argv


@pytest.fixture
def kit_kernel():
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KitKernelSpecManager())
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code: str) -> str:
    texts: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            texts.append(msg["content"]["text"])

    reply = kc.execute_interactive(code, timeout=60, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(texts).strip()


def test_kit_kernel_runs_code_without_debugger_or_history(kit_kernel) -> None:
    km, kc = kit_kernel
    assert "talkkit.page.kernel" in km.provisioner.process.args
    assert run(kc, "print(6 * 7)") == "42"
    loaded = "import sys; print('pydevd' in sys.modules, sys.modules.get('debugpy'))"
    assert run(kc, loaded) == "False None"
    assert run(kc, "print(get_ipython().history_manager.enabled)") == "False"
    # A client asking the kernel for a debugger gets none.
    msg = kc.session.msg("debug_request", {"type": "request", "seq": 1, "command": "initialize"})
    kc.control_channel.send(msg)
    reply = kc.control_channel.get_msg(timeout=30)
    assert reply["msg_type"] == "debug_reply"
    assert reply["content"].get("success") is not True
    info = kc.kernel_info(reply=True, timeout=30)["content"]
    assert not info.get("debugger")  # ipykernel leaves it out when there is none
