"""talkkit: the core of the Social Talks learning kits (no interface code here).

The interface lives in the ``widgets`` package, which builds on this one; ``talkkit`` never
imports ``widgets``.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
