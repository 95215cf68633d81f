"""Do environment.yml, binder/ and pyproject.toml agree (one source of truth)? And do the
dependencies tell the truth: everything the code imports is declared where it is used (the
product's run-time list, the test extra, the benchmark's own list), and nothing is declared at
run time that the product does not import?"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml
from helpers import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
BENCH_PYPROJECT = tomllib.loads((ROOT / "bench" / "pyproject.toml").read_text())
#: Our own top-level packages (talkkit_bench is its own distribution, bench/pyproject.toml).
OWN = {"talkkit", "widgets", "workshop_templates", "talkkit_bench"}
#: Declared but never imported, on purpose (tools and pytest plugins run by name).
NOT_IMPORTED = {
    "test": {
        "pytest-timeout",
        "nbval",
        "ruff",
        "pre-commit",
        "nbstripout",
        "mypy",  # run by `./dev test`, as ruff is
        "types-pyyaml",  # stubs mypy reads
        "types-jsonschema",
        "pandas-stubs",
    },
}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[; ]", requirement.strip())[0]).lower()


def _code(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        # IPython's magics and shell lines are not Python
        return [
            "\n".join(ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!")))
            for src in sources
        ]
    return [path.read_text(encoding="utf-8")]


def imported(*folders: str, globs: tuple[str, ...] = ("*.py", "*.ipynb")) -> dict[str, set[str]]:
    """Top-level names of every absolute import under ``folders`` -> the files importing it
    (standard library and our own packages left out)."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for pattern in globs:
            for path in sorted((ROOT / folder).rglob(pattern)):
                if "node_modules" in path.parts or ".ipynb_checkpoints" in path.parts:
                    continue
                for source in _code(path):
                    for node in ast.walk(ast.parse(source)):
                        names = []
                        if isinstance(node, ast.Import):
                            names = [a.name for a in node.names]
                        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                            names = [node.module]
                        for name in names:
                            top = name.split(".")[0]
                            if top not in sys.stdlib_module_names and top not in OWN:
                                found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@cache
def _distributions() -> dict[str, list[str]]:
    return packages_distributions()


def _undeclared(imports: dict[str, set[str]], declared: set[str], local: set[str]) -> list[str]:
    missing = []
    for module, files in sorted(imports.items()):
        if module in local:
            continue
        dists = {_name(d) for d in _distributions().get(module, [])}
        if not dists & declared:
            missing.append(
                f"{module} (from {', '.join(sorted(dists)) or 'no installed distribution'}) in {sorted(files)[:3]}"
            )
    return missing


RUNTIME = {_name(d) for d in PYPROJECT["project"]["dependencies"]}
TEST = {_name(d) for d in PYPROJECT["project"]["optional-dependencies"]["test"]}
#: Extras of the product itself: imported only where a missing one gives a clear message
#: (``pdf``: WeasyPrint, see talkkit/report/pdf.py).
PRODUCT_EXTRAS = {_name(d) for d in PYPROJECT["project"]["optional-dependencies"]["pdf"]}
BENCH = {_name(d) for d in BENCH_PYPROJECT["project"]["dependencies"]}
BENCH_TEST = {_name(d) for d in BENCH_PYPROJECT["project"]["optional-dependencies"]["test"]}
PRODUCT = ("talkkit", "widgets", "kits", "workshop_templates")


def test_the_product_declares_what_it_imports():
    missing = _undeclared(imported(*PRODUCT), RUNTIME | PRODUCT_EXTRAS, set())
    assert missing == [], "imported by the product, not in [project] dependencies: " + "; ".join(
        missing
    )


def test_every_run_time_dependency_is_imported_by_the_product():
    modules = set(imported(*PRODUCT))
    unused = [
        d
        for d in sorted(RUNTIME)
        if not any(
            d in {_name(x) for x in dists} for m, dists in _distributions().items() if m in modules
        )
    ]
    assert unused == [], (
        f"declared at run time, imported by nothing in {PRODUCT}: {unused} (test extra?)"
    )


def test_the_tests_declare_what_they_import():
    local = {p.stem for p in (ROOT / "tests").glob("*.py")}
    missing = _undeclared(imported("tests", globs=("*.py",)), RUNTIME | TEST, local)
    assert missing == [], "imported by tests/, not in dependencies or the test extra: " + "; ".join(
        missing
    )
    unused = sorted(
        TEST
        - NOT_IMPORTED["test"]
        - {
            _name(x)
            for m in imported("tests", globs=("*.py",))
            for x in _distributions().get(m, [])
        }
    )
    assert unused == [], f"in the test extra, imported by no test: {unused}"


def test_the_tests_import_no_benchmark():
    assert "talkkit_bench" not in _own_imports("tests") and "bench" not in imported(
        "tests", globs=("*.py",)
    )
    assert "talkkit_bench" not in _own_imports(*PRODUCT)


def _own_imports(*folders: str) -> set[str]:
    names = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names


def test_the_benchmark_declares_what_it_imports():
    """talkkit-bench depends on talkkit, so what talkkit declares is there too."""
    local = {p.stem for p in (ROOT / "bench" / "tests").glob("*.py")}
    code = _undeclared(imported("bench/talkkit_bench", globs=("*.py",)), BENCH | RUNTIME, set())
    tests = _undeclared(
        imported("bench/tests", globs=("*.py",)), BENCH | BENCH_TEST | RUNTIME, local
    )
    assert code == [] and tests == [], "; ".join(code + tests)
    assert "talkkit" in BENCH


def test_pyproject_pins_the_designs_packages():
    names = {re.split(r"[<>=\[ ]", d)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    extras = {
        re.split(r"[<>=\[ ]", d)[0].lower()
        for group in PYPROJECT["project"]["optional-dependencies"].values()
        for d in group
    }
    # pandas: the trend report's tables and aggregations (issue 22), at run time now
    for package in ("voila", "ipywidgets", "ipyvuetify", "papermill", "pandas"):
        assert package in names
    for package in ("pytest", "nbval", "jupyterlab"):
        assert package in extras


def test_environment_yml_installs_the_project_and_same_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert pip == ["-e .[lab]"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python="))
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert python == f"python={minimum}"
    # nothing else that pip could install: conda-only tools (ffmpeg) and pip itself
    assert {d for d in deps if isinstance(d, str)} <= {python, "pip", "ffmpeg"}


def test_binder_installs_the_project_and_same_python():
    lines = [
        line.strip()
        for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["-e .[lab]"]  # from the repository root, repo2docker's WORKDIR
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == f"python-{minimum}"


def test_binder_apt_matches_what_the_dev_script_installs():
    apt = set((ROOT / "binder" / "apt.txt").read_text().split())
    dev = (ROOT / "dev").read_text()
    listed = set(re.search(r"APT_PACKAGES=\(([^)]*)\)", dev).group(1).split())
    # Binder needs the media tools; the dev script adds the test-only chromium, postgresql and
    # LibreOffice (which opens the exports in tests), and what the deployment tests run (a
    # real nginx with an openssl certificate, PgBouncer, a venv from Debian's python3)
    test_only = {"chromium", "postgresql", "libreoffice-calc-nogui"}
    test_only |= {"nginx", "pgbouncer", "openssl", "python3-venv"}
    # the PDF reports (the `pdf` extra, not in the Binder image: talkkit says how to add it)
    # print with pango; the tests read them with poppler and open the DOCX with Writer
    test_only |= {
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "poppler-utils",
        "libreoffice-writer-nogui",
    }
    assert apt == listed - test_only


def test_binder_start_ends_with_exec():
    lines = [ln for ln in (ROOT / "binder" / "start").read_text().splitlines() if ln.strip()]
    assert lines[-1] == 'exec "$@"'


def test_every_package_data_pattern_matches_a_file():
    """A pattern that matches nothing is a stale promise (a folder moved or never made)."""
    for root, patterns in (
        (ROOT, PYPROJECT["tool"]["setuptools"]["package-data"]),
        (ROOT / "bench", BENCH_PYPROJECT["tool"]["setuptools"]["package-data"]),
    ):
        for package, globs in patterns.items():
            for pattern in globs:
                assert list((root / package).glob(pattern)), f"{package}: {pattern} matches nothing"
