"""Peak memory with seed 001 open, next to a bare PySide6 window (goal ≤ 3×).

Peak resident set size of each child process (its VmHWM, see common.run_child), offscreen, from the
same interleaved runs as the start-up bench: the program's peak includes everything it loaded
to show the report.

    .venv/bin/python bench/memory.py [--runs N]
"""
from __future__ import annotations

from common import median, runs_from_argv
from startup import bundles_exist, run_processes

GOAL_RATIO = 3.0


def measure(runs: int = 5, frozen: bool = False) -> dict:
    figures = run_processes(runs, frozen)
    peaks = {name: median(f["peak"]) for name, f in figures.items()}
    return {**peaks, "ratio_start_page": peaks["start_page"] / peaks["bare"],
            "ratio_seed_001": peaks["seed_001"] / peaks["bare"], "runs": runs, "goal": GOAL_RATIO}


def mib(value: float) -> str:
    return f"{value / 1024 / 1024:.0f} MiB"


def report(figures: dict, label: str = "from source"):
    print(f"peak memory (RSS, {label}), median of {figures['runs']}:")
    print(f"  bare PySide6 window       {mib(figures['bare'])}")
    print(f"  start page                {mib(figures['start_page'])}  ({figures['ratio_start_page']:.2f}×)")
    print(f"  seed 001 opened           {mib(figures['seed_001'])}  ({figures['ratio_seed_001']:.2f}×; "
          f"goal ≤ {figures['goal']:.0f}×)")


def main():
    runs = runs_from_argv(5)
    report(measure(runs))
    if bundles_exist():
        report(measure(runs, frozen=True), "frozen bundles in dist/")


if __name__ == "__main__":
    main()
