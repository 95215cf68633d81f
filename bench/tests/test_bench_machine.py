"""The benchmark's noise reading: CPU of the benchmark's own processes is not "other programs"."""

from __future__ import annotations

import subprocess
import sys

#: A child that starts a grandchild burning ~0.8 CPU-s, outlives it without waiting for it and
#: exits, as chromium's zygote leaves its renderers: nobody reaps the grandchild into a
#: children_* time of ours.
ORPHANING_CHILD = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c",
    "import time\\nend = time.process_time() + 0.8\\nwhile time.process_time() < end: pass"])
time.sleep(1.5)
"""


def test_cpu_of_orphaned_descendants_counts_as_ours():
    from talkkit_bench.machine import CpuWatch

    watch = CpuWatch(interval=0.05)
    subprocess.run([sys.executable, "-c", ORPHANING_CHILD], check=True)
    noise = watch.stop()
    assert noise["ours_cpu_s"] >= 0.6, noise
