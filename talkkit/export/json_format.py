"""JSON: the whole export document, with the kit's prompt texts, for other programs.

``{"format": "talkkit.answers", "schema_version": 1, "generated_at": ..., "sessions": [...]}``;
``sessions`` holds one object per group (one for a single group). Text is kept exactly: the
file is UTF-8 and a lone surrogate is written as a ``\\udXXX`` escape. (JSON itself cannot tell
a lone high surrogate followed by a lone low one from the pair of one emoji: a JSON reader
joins them.)

Opened in a spreadsheet as text (with ``,``, ``;`` or tab), no cell becomes a formula: a
``=``, ``+``, ``-`` or ``@`` where a cell could start is written as a ``\\u003d``-style
escape, which every JSON reader turns back into the same character
(:func:`~talkkit.export.cells.json_guard`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from talkkit.export.cells import json_guard
from talkkit.export.doc import ExportDoc, as_docs
from talkkit.store.values import escape_surrogates

__all__ = ["FORMAT", "SCHEMA_VERSION", "to_json"]

FORMAT = "talkkit.answers"
SCHEMA_VERSION = 1


def _session(doc: ExportDoc) -> dict[str, Any]:
    data = dataclasses.asdict(doc)
    data["generated_at"] = doc.generated_at.isoformat()
    return data


def to_json(docs: ExportDoc | Sequence[ExportDoc]) -> bytes:
    """One JSON document of the answers of one group or of many (a whole event)."""
    docs = as_docs(docs)
    generated = max((d.generated_at for d in docs), default=datetime.now(UTC))
    payload = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated.isoformat(),
        "sessions": [_session(d) for d in docs],
    }
    text = json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False)
    return escape_surrogates(json_guard(text)).encode("utf-8")
