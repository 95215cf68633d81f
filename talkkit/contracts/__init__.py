"""Typed contracts for what crosses the kernel-page boundary: the answers a group saves
(:mod:`~talkkit.contracts.answers`), the board's snapshot, patches and requests
(:mod:`~talkkit.contracts.board`) and the kit page's payloads
(:mod:`~talkkit.contracts.widgets`). A payload's shape is written down here once, not guessed
from ``msg["g"]``; mypy (``./dev test``) checks the code that builds and reads them.

The contract modules do not use ``from __future__ import annotations``: on Python 3.11 a
TypedDict's ``NotRequired`` keys are only known at run time (``__optional_keys__``, which the
tests compare with what is sent) when its annotations are evaluated."""
