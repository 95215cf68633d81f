"""Serving a page: the handlers of ``talkkit serve`` (see LAYOUT.md)."""
