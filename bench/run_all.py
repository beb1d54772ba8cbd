"""Every bench, printed as the Markdown table of the README (docs/performance-and-build.md).

    .venv/bin/python bench/run_all.py [--runs N] [--frozen]

--runs sets the rounds of the process benches (start-up, memory, cold export); --frozen adds the
start-up and memory of the bundles in dist/ (build/build.sh --baseline first).
"""
from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import sys

from common import ROOT, median, ms, runs_from_argv

import autosave
import bundle_size
import export_speed as export_bench
import live_check
import startup


def _mib(value: float) -> str:
    return f"{value / 1024 / 1024:.0f} MiB"


def _met(ok: bool) -> str:
    return "✅" if ok else "❌"


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "?"


def main():
    runs = runs_from_argv(7)
    rows: list[tuple[str, str, str, str, str]] = []

    processes = startup.run_processes(runs)
    walls = {name: median(f["ready"]) for name, f in processes.items()}
    peaks = {name: median(f["peak"]) for name, f in processes.items()}
    for name, label in (("start_page", "Cold start → start page shown"),
                        ("seed_001", "Cold start → seed 001 opened and shown")):
        ratio = walls[name] / walls["bare"]
        rows.append((label, ms(walls[name]), f"bare PySide6 window {ms(walls['bare'])}",
                     f"{ratio:.2f}× (≤ 3×)", _met(ratio <= 3)))

    live = live_check.measure()
    rows.append(("Live check + derived figures after one edit, 1,000 indicators / 300 projects",
                 ms(live["median"]), "—", f"≤ 16 ms", _met(live["median"] <= live["goal"])))
    rows.append(("  same, 1,000 blank indicators (" + str(live["blank_problems"]) + " problems)",
                 ms(live["blank_median"]), "—", "≤ 16 ms", _met(live["blank_median"] <= live["goal"])))

    save = autosave.measure()
    rows.append(("Autosave of one edit, seed 001", ms(save["seed"]), "—", "≤ 5 ms", _met(save["seed"] <= save["goal"])))
    rows.append(("Autosave of one edit, 1,000 indicators / 300 projects", ms(save["big"]), "—", "≤ 5 ms",
                 _met(save["big"] <= save["goal"])))

    exported = export_bench.measure(max(5, runs // 2 + 1))
    cold = exported["cold"]
    documents = ", ".join(name.rsplit(".", 1)[-1].upper() for name in cold["members"] if name != "manifest.json")
    rows.append((f"Export of seed 001, cold process ({documents} + zip)", ms(cold["export"]),
                 f"import reportlab + openpyxl + python-docx {ms(cold['bare_imports'])}",
                 f"{cold['ratio']:.2f}× (≤ 2×)", _met(cold["ratio"] <= 2)))
    scale = exported["scaling"]
    sizes = " / ".join(ms(scale["medians"][n]["package"]) for n in export_bench.SIZES)
    growth = scale["growth"]
    rows.append(("Export in process at 10 / 100 / 1,000 indicators", sizes, "—",
                 f"per-indicator cost 100→1,000 vs 10→100: {growth:.2f} (1 = linear)", _met(growth <= 1.5)))

    ratio = peaks["seed_001"] / peaks["bare"]
    rows.append(("Peak memory, seed 001 open", _mib(peaks["seed_001"]), f"bare PySide6 window {_mib(peaks['bare'])}",
                 f"{ratio:.2f}× (≤ 3×)", _met(ratio <= 3)))

    if "--frozen" in sys.argv and startup.bundles_exist():
        frozen = startup.run_processes(runs, frozen=True)
        fwalls = {name: median(f["ready"]) for name, f in frozen.items()}
        fpeaks = {name: median(f["peak"]) for name, f in frozen.items()}
        ratio = fwalls["seed_001"] / fwalls["bare"]
        rows.append(("Cold start → seed 001 shown, frozen bundle", ms(fwalls["seed_001"]),
                     f"bare window bundle {ms(fwalls['bare'])}", f"{ratio:.2f}× (≤ 3×)", _met(ratio <= 3)))
        ratio = fpeaks["seed_001"] / fpeaks["bare"]
        rows.append(("Peak memory, seed 001 open, frozen bundle", _mib(fpeaks["seed_001"]),
                     f"bare window bundle {_mib(fpeaks['bare'])}", f"{ratio:.2f}× (≤ 3×)", _met(ratio <= 3)))

    size = bundle_size.measure()
    if size:
        rows.append(("Bundle size (onedir)", f"{size['bundle'] / 2**20:.0f} MiB",
                     f"bare PySide6 bundle {size['bare'] / 2**20:.0f} MiB", f"{size['ratio']:.2f}× (≤ 1.3×)",
                     _met(size["ratio"] <= size["goal"])))

    print(f"Measured {_dt.date.today().isoformat()} at commit {_commit()}, {platform.system()} "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, offscreen; "
          f"medians of {runs} process runs (interleaved with their baseline) and of 41 in-process runs.")
    print()
    print("| Figure | Measured | Baseline (same run) | Ratio / goal | Goal met |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
