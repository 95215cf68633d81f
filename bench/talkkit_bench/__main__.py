"""``python -m talkkit_bench``: the same as ``talkkit-bench``."""

import sys

from talkkit_bench.cli import main

sys.exit(main())
