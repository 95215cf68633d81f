"""Colours for a screen the whole group reads from a distance: calm, and high contrast.

Every colour used for text or controls has a contrast of at least 4.5:1 against the theme's
background (WCAG AA); Vuetify picks black or white text on coloured buttons by itself.
"""

from __future__ import annotations

import functools

import ipyvuetify as v

__all__ = ["apply_theme"]

LIGHT = {
    "primary": "#1d3557",
    "secondary": "#2a5d84",
    "info": "#0b4f8a",
    "success": "#1b5e20",
    "warning": "#7a4a00",
    "error": "#b00020",
    "background": "#ffffff",
    "surface": "#ffffff",
}
DARK = {
    "primary": "#a8c8f0",
    "secondary": "#9fd3c7",
    "info": "#9ccaff",
    "success": "#8fd694",
    "warning": "#ffcc80",
    "error": "#ff9e9e",
    "background": "#121212",
    "surface": "#1e1e1e",
}


@functools.cache
def apply_theme() -> None:
    """Set the talkkit colours on ipyvuetify's light and dark themes (once per kernel)."""
    for theme, colours in ((v.theme.themes.light, LIGHT), (v.theme.themes.dark, DARK)):
        for name, value in colours.items():
            setattr(theme, name, value)


def set_dark(dark: bool | None) -> None:
    """Follow ``?theme=dark``/``light``; ``None`` leaves the page's own choice."""
    if dark is not None:
        v.theme.dark = dark
