"""What kit authors run: :mod:`~talkkit.authoring.check` (every problem of a kit, ``talkkit
check``), :mod:`~talkkit.authoring.media` (demo talks from scripts, ``talkkit media``),
:mod:`~talkkit.authoring.new` (a kit folder from a workshop template, ``talkkit new``),
:mod:`~talkkit.authoring.migrate` (``kit.yaml`` -> the kit notebook) and ``show_check()`` (the
problems in the notebook itself, :mod:`~talkkit.authoring.show`)."""


def show_check(folder: str = ".", language: str | None = None) -> list[str] | None:
    from talkkit.authoring.show import show_check as _show

    return _show(folder, language)
