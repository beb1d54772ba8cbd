"""Autosave of one edit: ``Store.save_parts`` rewriting the one row an edit touched.

The wizard saves after each committed edit (one transaction, WAL, synchronous=FULL), so the
figure includes the commit's fsync on this machine's disk. The wizard has just run the live check
(bench/live_check.py) and hands its derived figures and problems to ``save_parts`` for the summary
columns; the figure without them (the store recomputing) is shown beside it. Goal: ≤ 5 ms median,
on seed 001 and on the 1,000-indicator report. The database is in a folder of the repository's
disk, not /tmp, which may be memory.

    .venv/bin/python bench/autosave.py [--runs N]
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from common import ROOT, big_report, load_seed, median, ms, runs_from_argv, time_call

from models.checks import run_checks
from models.scoring import derive
from models.store import Store

GOAL_SECONDS = 0.005


def _save_times(store: Store, report, runs: int, with_summary: bool) -> list[float]:
    report_id = store.create(report)
    indicators = report.evaluation.indicators
    times = []
    for n in range(runs):
        position = n % len(indicators)
        indicator = indicators[position]
        indicator.actual_text = f"第{n}次修改"
        derived = derive(report) if with_summary else None
        problems = run_checks(report, derived) if with_summary else None
        times.append(time_call(lambda: store.save_parts(report_id, report, [("evaluation.indicators", position)],
                                                        derived=derived, problems=problems)))
    return times


def measure(runs: int = 41) -> dict:
    with tempfile.TemporaryDirectory(prefix=".bench-", dir=ROOT) as folder:
        store = Store(Path(folder) / "bench.sqlite3")
        try:
            _save_times(store, load_seed("001"), 3, True)  # warm: engine, statement caches
            figures = {}
            for name, make in (("seed", lambda: load_seed("001")), ("big", big_report)):
                for with_summary in (True, False):
                    key = name + ("" if with_summary else "_recompute")
                    figures[key] = median(_save_times(store, make(), runs, with_summary))
        finally:
            store.close()
    return {**figures, "runs": runs, "goal": GOAL_SECONDS}


def main():
    figures = measure(runs_from_argv(41))
    print(f"autosave of one edit, median of {figures['runs']} (goal ≤ {ms(figures['goal'])}):")
    print(f"  seed 001                                   {ms(figures['seed'])}  "
          f"(store recomputing the summary: {ms(figures['seed_recompute'])})")
    print(f"  1,000 indicators / 300 projects            {ms(figures['big'])}  "
          f"(store recomputing the summary: {ms(figures['big_recompute'])})")


if __name__ == "__main__":
    main()
