"""Typed contracts for what crosses the kernel-page boundary: the answers a group saves
(:mod:`~talkkit.contracts.answers`), the board's snapshot, patches and main-point edits
(:mod:`~talkkit.contracts.board`) and the kit page's payloads (:mod:`~talkkit.contracts.page`).
A payload's shape is written down here once, not guessed from ``msg["g"]``; mypy
(``./dev test``) checks the code that builds and reads them."""
