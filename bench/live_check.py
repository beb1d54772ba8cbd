"""Live check + derived-figure update after one edit, on a report of 1,000 indicators and 300 projects.

What the wizard does after each committed cell edit: set the value on the Report, then
``derive`` (every score, total, grade) and ``run_checks`` (every problem). Goal: ≤ 16 ms median,
one frame at 60 Hz, so typing never stutters.

    .venv/bin/python bench/live_check.py [--runs N]
"""
from __future__ import annotations

from decimal import Decimal

from common import big_report, median, ms, runs_from_argv, time_call

from models.checks import run_checks
from models.report import Indicator
from models.scoring import derive

GOAL_SECONDS = 0.016


def _edit_and_check(report, runs: int) -> list[float]:
    indicators = report.evaluation.indicators
    times = []
    for n in range(runs):
        target = indicators[(n * 37) % len(indicators)]

        def step():
            # The clerk's edit: a new actual value (or band) on one indicator, then everything recomputed.
            if target.kind == "qualitative":
                target.band = "partly" if target.band == "achieved" else "achieved"
            else:
                target.actual = (target.actual or Decimal(0)) + Decimal("0.5")
            derived = derive(report)
            run_checks(report, derived)
        times.append(time_call(step))
    return times


def measure(runs: int = 41) -> dict:
    clean = big_report()
    # The worst case for the problem list: 1,000 indicators just added, nothing filled yet.
    blank = big_report()
    blank.evaluation.indicators = [Indicator(level1="产出指标") for _ in range(1000)]
    _edit_and_check(clean, 3)  # warm the template cache and the interpreter
    clean_times = _edit_and_check(clean, runs)
    derived = derive(blank)
    problem_count = len(run_checks(blank, derived))
    blank_times = _edit_and_check(blank, runs)
    return {"median": median(clean_times), "worst": max(clean_times), "blank_median": median(blank_times),
            "blank_problems": problem_count, "runs": runs, "goal": GOAL_SECONDS}


def main():
    figures = measure(runs_from_argv(41))
    print(f"live check after one edit, 1,000 indicators / 300 projects, median of {figures['runs']}: "
          f"{ms(figures['median'])} (slowest {ms(figures['worst'])}; goal ≤ {ms(figures['goal'])})")
    print(f"  same, 1,000 blank indicators ({figures['blank_problems']} problems listed): "
          f"{ms(figures['blank_median'])}")


if __name__ == "__main__":
    main()
