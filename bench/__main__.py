"""``python -m bench``: the same as ``talkkit bench``."""

import sys

from bench.cli import main

sys.exit(main())
