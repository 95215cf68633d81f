"""Voilà's page templates compiled once per server, not once per page.

Targets voila 0.5.13 (pinned) and nbconvert 7.17 (tested 7.17.2): ``VoilaExporter`` inherits
``nbconvert.exporters.templateexporter.TemplateExporter._create_environment``, which makes the
Jinja environment of an exporter.

Upstream behaviour worked around (no upstream issue filed; measured with py-spy in
``talkkit-bench``, ``bench/JOURNAL.md``): Voilà makes a new nbconvert exporter, hence a new Jinja
environment, for every notebook it renders (every page, every preheated kernel), and Jinja
parses and compiles every template again for each new environment: more than half of the
server's CPU when 30 groups open a kit at once. Every environment gets the shared
:class:`MemoryBytecodeCache`; Jinja checks each entry against its template's source, so a
changed template is compiled afresh.

No documented hook: neither Voilà nor nbconvert lets a configuration give the Jinja
environment a bytecode cache (nbconvert's ``extra_template_paths``/``template_name`` choose
templates only), so the private ``_create_environment`` is wrapped. When it is missing, every
page compiles its templates as in plain Voilà.
"""

from __future__ import annotations

from typing import Any

import jinja2
import jinja2.bccache

from talkkit.upstream._target import Target

__all__ = ["TARGET", "MemoryBytecodeCache", "cache_compiled_templates"]

TARGET = Target(
    patch="template_cache",
    distribution="nbconvert",
    tested=("7.17.2",),
    issue="none filed: a new Jinja environment, and template compile, per rendered notebook",
)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled page templates kept in memory for the server's life."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


#: One cache per kind of environment (Jinja compiles async and sync templates differently).
_BYTECODE_CACHES: dict[tuple[Any, ...], MemoryBytecodeCache] = {}


def cache_compiled_templates() -> bool:
    """Give every Voilà exporter's Jinja environment the shared :class:`MemoryBytecodeCache`.

    True when the exporters use it (now or since an earlier call).
    """
    from voila.exporter import VoilaExporter

    if getattr(VoilaExporter, "_talkkit_cached", False):
        return True
    create = getattr(VoilaExporter, "_create_environment", None)
    if not callable(create):
        return TARGET.missing(
            "TemplateExporter._create_environment", "page templates are compiled for each page"
        )
    TARGET.untested()

    def create_environment(self: Any) -> jinja2.Environment:
        environment: jinja2.Environment = create(self)
        kind = (environment.is_async, tuple(sorted(environment.extensions)))
        environment.bytecode_cache = _BYTECODE_CACHES.setdefault(kind, MemoryBytecodeCache())
        return environment

    VoilaExporter._create_environment = create_environment
    VoilaExporter._talkkit_cached = True
    return True
