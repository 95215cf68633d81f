"""What kit authors run: :mod:`~talkkit.authoring.check` (every problem of a kit, ``talkkit
check``), :mod:`~talkkit.authoring.media` (demo talks from scripts, ``talkkit media``) and
:mod:`~talkkit.authoring.new` (a kit folder from a workshop template, ``talkkit new``)."""
