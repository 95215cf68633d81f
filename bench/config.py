"""What one benchmark run does (:class:`BenchConfig`) and what it is measured against (targets)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["BENCH_DIR", "PHASES", "ROOT", "TARGETS", "BenchConfig", "Target"]

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

#: The phases of a run, in the order they run.
PHASES = ("tti", "groups", "saves", "board")


@dataclass
class BenchConfig:
    """Every knob of a run. The defaults are the full benchmark (~10 minutes on 2 cores)."""

    label: str = "run"
    #: Page loads per target and cache state (cold and warm), for median and p95.
    runs: int = 5
    #: Group counts opening the kit at the same moment; memory is read at each level.
    groups: tuple[int, ...] = (1, 10, 30, 60)
    #: Writers saving at once, and saves per writer (each one a changed answer).
    writers: int = 60
    saves: int = 40
    #: Pause between one writer's saves: 0 is the worst case (all write back to back).
    save_interval: float = 0.0
    stores: tuple[str, ...] = ("sqlite", "postgres")
    #: The kit page, relative to the kits folder.
    kit: str = "tidlig-opsporing/kit.ipynb"
    #: Options passed to ``talkkit serve`` (e.g. ``["--preheat", "2"]``).
    serve_args: list[str] = field(default_factory=list)
    #: Seconds before a page that has not become usable counts as a failure.
    page_timeout: float = 60.0
    #: Seconds a whole concurrency level may take before it is abandoned.
    level_timeout: float = 180.0
    #: Most browser contexts in one chromium process.
    contexts_per_browser: int = 30
    phases: tuple[str, ...] = PHASES
    #: Where results go (``None``: do not write files).
    results_dir: Path | None = BENCH_DIR / "results"
    #: Where servers, stores and logs live while the run lasts (removed afterwards).
    work_dir: Path | None = None
    keep_work_dir: bool = False
    verbose: bool = True

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("results_dir", "work_dir"):
            data[key] = str(data[key]) if data[key] is not None else None
        data["groups"] = list(self.groups)
        data["stores"] = list(self.stores)
        data["phases"] = list(self.phases)
        return data


@dataclass(frozen=True)
class Target:
    key: str  # a dotted path into the summary
    label: str
    limit: float
    unit: str
    lower_is_better: bool = True


#: The targets of issue #6 on a 2-core machine.
TARGETS = (
    Target("tti.kit.warm.median", "kit warm time to interactive, median", 1.0, "s"),
    Target("tti.ratio_kit_trivial_warm", "kit / trivial Voilà, warm median", 1.0, "x"),
    Target("groups.30.p95", "30 groups at once: time to interactive p95", 3.0, "s"),
    Target("groups.30.failures", "30 groups at once: failures", 0, ""),
    Target("saves.sqlite.p99", "save p99, 60 writers, SQLite", 100.0, "ms"),
    Target("saves.postgres.p99", "save p99, 60 writers, PostgreSQL", 100.0, "ms"),
    Target(
        "memory.kernel_rss_mb", "resident size per group kernel (median, most groups)", 70, "MB"
    ),
    Target("board.refresh_s", "facilitator board refresh, 60 groups x 20 answers", 1.0, "s"),
)
