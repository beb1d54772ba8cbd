"""Cold start to the first page shown, next to a bare PySide6 window (goal ≤ 3×).

Each run is a fresh process, offscreen: ``main.py gui --quit-after-ready`` (start page, and with
seed 001 opened) against ``build/bare_window.py --quit-after-ready``; both exit once their first
page is painted. The figure is the time until the child prints "zipingtong: ready" (right after
the page is painted; the time until it has exited, Qt and Python teardown included, is shown
too). Runs are interleaved so that machine noise hits all alike. Peak memory of the
same processes is ``bench/memory.py``'s figure. When frozen bundles exist in dist/, they are
measured the same way.

    .venv/bin/python bench/startup.py [--runs N]
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from common import PYTHON, ROOT, check_ok, median, ms, offscreen_env, run_child, runs_from_argv

GOAL_RATIO = 3.0
BUNDLE = ROOT / "dist" / "zipingtong" / "zipingtong"
BARE_BUNDLE = ROOT / "dist" / "bare_window" / "bare_window"


class Prepared:
    """A data folder with seed 001 imported (report 1), for the subject processes."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="zpt-bench-"))
        self.db = self.folder / "bench.sqlite3"
        self.env = offscreen_env(ZIPINGTONG_HOME=str(self.folder))
        _wall, _peak, result = run_child([PYTHON, "main.py", "import", str(ROOT / "tests/fixtures/seed_001.json"),
                                          "--db", str(self.db)], env=self.env)
        check_ok(result, "importing seed 001")

    def commands(self, frozen: bool = False) -> dict[str, list[str]]:
        gui = [PYTHON, "main.py", "gui"] if not frozen else [str(BUNDLE), "gui"]
        bare = [PYTHON, "build/bare_window.py"] if not frozen else [str(BARE_BUNDLE)]
        return {"bare": bare + ["--quit-after-ready"],
                "start_page": gui + ["--quit-after-ready", "--db", str(self.db)],
                "seed_001": gui + ["--quit-after-ready", "--db", str(self.db), "--open", "1"]}

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def run_processes(runs: int, frozen: bool = False) -> dict[str, dict[str, list[float]]]:
    """{subject: {"wall": [...], "peak": [...]}} over ``runs`` interleaved rounds."""
    prepared = Prepared()
    try:
        commands = prepared.commands(frozen)
        figures = {name: {"ready": [], "wall": [], "peak": []} for name in commands}
        for name, cmd in commands.items():  # one warm-up each: the page cache, not the figures
            check_ok(run_child(cmd, env=prepared.env, timeout=60)[2], " ".join(cmd[1:3]))
        for _ in range(runs):
            for name, cmd in commands.items():
                wall, peak, result = run_child(cmd, env=prepared.env, timeout=60, ready=figures[name]["ready"])
                check_ok(result, name)
                figures[name]["wall"].append(wall)
                figures[name]["peak"].append(peak)
        return figures
    finally:
        prepared.close()


def measure(runs: int = 7, frozen: bool = False) -> dict:
    figures = run_processes(runs, frozen)
    out = {name: median(f["ready"]) for name, f in figures.items()}
    out["ratio_start_page"] = out["start_page"] / out["bare"]
    out["ratio_seed_001"] = out["seed_001"] / out["bare"]
    out["exit"] = {name: median(f["wall"]) for name, f in figures.items()}
    out["runs"] = runs
    out["goal"] = GOAL_RATIO
    out["peaks"] = {name: median(f["peak"]) for name, f in figures.items()}
    return out


def bundles_exist() -> bool:
    return BUNDLE.exists() and BARE_BUNDLE.exists()


def report(figures: dict, label: str = "from source"):
    print(f"cold start to first page ({label}), median of {figures['runs']}, offscreen:")
    print(f"  bare PySide6 window       {ms(figures['bare'])}")
    print(f"  start page                {ms(figures['start_page'])}  ({figures['ratio_start_page']:.2f}×)")
    print(f"  seed 001 opened           {ms(figures['seed_001'])}  ({figures['ratio_seed_001']:.2f}×; "
          f"goal ≤ {figures['goal']:.0f}×)")
    exits = figures["exit"]
    print(f"  until the process has exited: bare {ms(exits['bare'])}, start page {ms(exits['start_page'])}, "
          f"seed 001 {ms(exits['seed_001'])}")


def main():
    runs = runs_from_argv(7)
    report(measure(runs))
    if bundles_exist():
        report(measure(runs, frozen=True), "frozen bundles in dist/")


if __name__ == "__main__":
    main()
