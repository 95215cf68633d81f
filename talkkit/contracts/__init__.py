"""Typed contracts for what crosses the kernel-page boundary: the answers a group saves
(:mod:`~talkkit.contracts.answers`), the board's snapshot and patches and the widgets'
payloads. A payload's shape is written down here once, not guessed from ``msg["g"]``."""
