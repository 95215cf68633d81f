"""``python -m talkkit.upstream``: each patch, the package it targets, the versions it was tested
with and the installed one. Exit status 1 when any installed version is untested (before an
upgrade is merged, read the modules it lists)."""

from __future__ import annotations

import importlib
import sys

from talkkit.upstream import PATCHES


def main() -> int:
    untested = 0
    for name in PATCHES:
        target = importlib.import_module(f"talkkit.upstream.{name}").TARGET
        mark = "ok" if target.is_tested else "UNTESTED"
        untested += not target.is_tested
        print(
            f"{name:18} {target.distribution:18} {target.version or '-':10} "
            f"tested {'/'.join(target.tested):28} {mark:8} {target.issue}"
        )
    return 1 if untested else 0


if __name__ == "__main__":
    sys.exit(main())
