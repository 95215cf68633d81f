"""The kit and its catalogue: one ``kit.yaml`` per kit folder is the single source of truth.

* :mod:`talkkit.kit.model`: the dataclasses (:class:`Kit`, :class:`Phase`, ...) and
  :func:`localize`;
* :mod:`talkkit.kit.load`: a folder's ``kit.yaml`` -> :class:`Kit` (:func:`load_kit`);
* :mod:`talkkit.kit.catalogue`: the kits folder (:func:`find_kits`, :func:`find_kit`);
* :mod:`talkkit.kit.phases`: the phase kinds, the one definition check and page share;
* :mod:`talkkit.kit.validator`: generated from the schema by :mod:`talkkit.kit.schema_build`.
"""

from talkkit.kit.catalogue import find_kit, find_kits
from talkkit.kit.load import from_raw, load_kit, read_raw, schema
from talkkit.kit.model import (
    KIT_FILE,
    NOTEBOOK_FILE,
    RATING_SCALE,
    SELF_STUDY_EVALUATION,
    STANDARD_EVALUATION,
    Chapter,
    Kit,
    KitLoadError,
    Phase,
    Prompt,
    Question,
    Talk,
    Text,
    localize,
    rating_labels,
    standard_evaluation,
)

__all__ = [
    "KIT_FILE",
    "NOTEBOOK_FILE",
    "RATING_SCALE",
    "SELF_STUDY_EVALUATION",
    "STANDARD_EVALUATION",
    "Chapter",
    "Kit",
    "KitLoadError",
    "Phase",
    "Prompt",
    "Question",
    "Talk",
    "Text",
    "find_kit",
    "find_kits",
    "from_raw",
    "load_kit",
    "localize",
    "rating_labels",
    "read_raw",
    "schema",
    "standard_evaluation",
]
