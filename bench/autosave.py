"""Autosave of one edit: ``Store.save_parts`` rewriting the one row an edit touched.

The wizard saves after each committed edit (one transaction, WAL, synchronous=FULL), so the
figure includes the commit's fsync on this machine's disk. Goal: ≤ 5 ms median on seed 001;
the 1,000-indicator report is shown beside it.

    .venv/bin/python bench/autosave.py [--runs N]
"""
from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from common import big_report, load_seed, median, ms, runs_from_argv, time_call

from models.store import Store

GOAL_SECONDS = 0.005


def _save_times(store: Store, report, runs: int) -> list[float]:
    report_id = store.create(report)
    indicators = report.evaluation.indicators
    times = []
    for n in range(runs):
        position = n % len(indicators)
        indicator = indicators[position]
        indicator.actual_text = f"第{n}次修改"
        times.append(time_call(lambda: store.save_parts(report_id, report, [("evaluation.indicators", position)])))
    return times


def measure(runs: int = 41) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.sqlite3")
        try:
            seed = load_seed("001")
            _save_times(store, seed, 3)  # warm: engine, statement caches
            seed_times = _save_times(store, load_seed("001"), runs)
            big_times = _save_times(store, big_report(), max(5, runs // 4))
        finally:
            store.close()
    return {"median": median(seed_times), "big_median": median(big_times), "runs": runs, "goal": GOAL_SECONDS}


def main():
    figures = measure(runs_from_argv(41))
    print(f"autosave of one edit (seed 001), median of {figures['runs']}: {ms(figures['median'])} "
          f"(goal ≤ {ms(figures['goal'])})")
    print(f"  same on the 1,000-indicator / 300-project report: {ms(figures['big_median'])}")


if __name__ == "__main__":
    main()
