import sys

from talkkit.cli import main

sys.exit(main())
