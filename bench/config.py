"""What one benchmark run does (:class:`BenchConfig`) and what it is measured against (targets)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["BENCH_DIR", "PHASES", "ROOT", "TARGETS", "BenchConfig", "Target"]

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

#: The phases of a run, in the order they run.
PHASES = ("tti", "groups", "saves", "board", "front")


@dataclass
class BenchConfig:
    """Every knob of a run. The defaults are the full benchmark (~10 minutes on 2 cores)."""

    label: str = "run"
    #: Page loads per target and cache state (cold and warm), for median and p95.
    runs: int = 5
    #: The kit and the trivial page are loaded a second time with this network round trip
    #: emulated in chromium (0: not): on localhost revalidating 120 files costs little.
    latency_ms: float = 40.0
    #: Group counts opening the kit at the same moment, each in its own chromium context;
    #: memory is read at each level.
    groups: tuple[int, ...] = (1, 10, 30, 60)
    #: The same with synthetic groups (bench.protocol: the server's side of a page load, no
    #: rendering) and :attr:`probes` real chromium pages among them.
    synthetic_groups: tuple[int, ...] = (10, 30, 60)
    probes: int = 2
    #: Writers saving at once, and saves per writer (each one a changed answer).
    writers: int = 60
    saves: int = 20
    #: Seconds between one writer's saves (+-50 %): the kit's autosave sends after 1 s without
    #: typing, so 1 s is every group typing without pause. The target reads this paced run.
    save_interval: float = 1.0
    #: Saves per writer in the stress run, where every writer saves back to back (0: skip it).
    burst_saves: int = 40
    stores: tuple[str, ...] = ("sqlite", "postgres")
    #: The ``front`` level (bench/front.py): synthetic group counts through nginx + TLS, and
    #: how many ``talkkit serve`` processes share them (PostgreSQL store, deploy's sizing).
    front_groups: tuple[int, ...] = (30, 60)
    front_servers: int = 2
    #: The kit page, relative to the kits folder.
    kit: str = "tidlig-opsporing/kit.ipynb"
    #: Options passed to ``talkkit serve`` (e.g. ``["--preheat", "2"]``).
    serve_args: list[str] = field(default_factory=list)
    #: Run the server with this ``server.py`` instead of the repository's (a before/after).
    server_py: Path | None = None
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
        for key in ("results_dir", "work_dir", "server_py"):
            data[key] = str(data[key]) if data[key] is not None else None
        data["groups"] = list(self.groups)
        data["synthetic_groups"] = list(self.synthetic_groups)
        data["stores"] = list(self.stores)
        data["front_groups"] = list(self.front_groups)
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
    Target("groups.30.p95", "30 groups at once, 30 chromium pages here: TTI p95", 3.0, "s"),
    Target("groups.30.failures", "30 groups at once, 30 chromium pages: failures", 0, ""),
    Target("synthetic.30.probe_p95", "30 groups at once, synthetic: browser probe TTI", 3.0, "s"),
    Target("synthetic.30.ready_p95", "30 groups at once, synthetic: session open p95", 3.0, "s"),
    Target("synthetic.30.failures", "30 groups at once, synthetic: failures", 0, ""),
    Target("saves.sqlite.p99", "save p99, 60 writers, SQLite (store call)", 100.0, "ms"),
    Target("saves.postgres.p99", "save p99, 60 writers, PostgreSQL (store call)", 100.0, "ms"),
    Target(
        "synthetic.60.save_p99", "save p99 via the kernel, 60 groups typing, SQLite", 100.0, "ms"
    ),
    Target(
        "synthetic_postgres.save_p99",
        "save p99 via the kernel, 60 groups typing, PostgreSQL",
        100.0,
        "ms",
    ),
    Target(
        "memory.kernel_rss_mb", "resident size per group kernel (median, worst level)", 70, "MB"
    ),
    Target("board.refresh_s", "facilitator board refresh, 60 groups x 20 answers", 1.0, "s"),
    Target(
        "front.30.ready_p95",
        "30 groups through nginx + TLS to 2 servers: session open p95",
        3.0,
        "s",
    ),
    Target("front.30.failures", "30 groups through nginx + TLS to 2 servers: failures", 0, ""),
)
