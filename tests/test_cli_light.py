"""Does ``talkkit --help`` stay light? The command line imports a command's heavy modules only
when that command runs, so building the parser (what ``--help`` does) imports none of them.
A module list, not a time: ``python -X importtime -m talkkit --help`` shows where time goes."""

from __future__ import annotations

import json
import subprocess
import sys

#: Modules that cost tenths of a second each, or pull in a server, a kernel client or a reader.
HEAVY = (
    "voila",
    "jupyter_server",
    "jupyter_client",
    "tornado",
    "nbclient",
    "nbconvert",
    "nbformat",
    "papermill",
    "jsonschema",
    "pandas",
    "matplotlib",
    "weasyprint",
    "talkkit.report.trend",
    "docx",
    "xlsxwriter",
    "openpyxl",
    "psycopg",
    "psycopg_pool",
    "jinja2",
    "rapidfuzz",
    "ipywidgets",
    "ipyvuetify",
    "IPython",
    "widgets",
    "talkkit.authoring.check",
    "talkkit.events",
    "talkkit.page",
    "talkkit.upstream",
    "talkkit.report.themes",
    "talkkit.store.postgres",
    "talkkit.store.postgres_pool",
)

PROBE = """
import json, sys
from talkkit.cli import build_parser
parser = build_parser()
parser.format_help()
for action in parser._subparsers._group_actions:
    for sub in action.choices.values():
        sub.format_help()
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_building_the_parser_imports_no_heavy_module():
    loaded = _modules_after(PROBE)
    assert "talkkit.commands.serve" in loaded and "talkkit.commands.check" in loaded
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == [], f"`talkkit --help` imports {heavy}: import them in the command's run()"


def test_the_help_lists_every_command():
    out = subprocess.run(
        [sys.executable, "-m", "talkkit", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    for command in ("check", "new", "media", "serve", "export", "purge", "event"):
        assert f"    {command} " in out, out


def test_a_command_still_imports_what_it_needs_when_it_runs(tmp_path):
    """The probe can fail: running ``check`` does import the checker."""
    loaded = _modules_after(
        "import json, sys\nfrom talkkit.cli import main\n"
        f"main(['check', '--no-media', {str(tmp_path)!r}])\nprint(json.dumps(sorted(sys.modules)))"
    )
    assert "talkkit.authoring.check" in loaded and "jsonschema" in loaded
