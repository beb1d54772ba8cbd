"""Export of the seed 001 package (PDF + DOCX + XLSX + zip), next to the bare import time of
reportlab + openpyxl + python-docx (goal ≤ 2×); and the export at 10, 100, 1,000 indicators
(goal: linear).

Cold figures are fresh processes, interleaved: ``main.py export seed_001.json --draft`` (seed 001
carries one error as printed, so only a draft may be exported) against a process that only
imports the document libraries. Both read their bytecode from a cache that the warm-up run writes
(outside the source tree), as an installed or frozen program does: without it, every timed export
would compile the project's own modules from source, and the baseline would not. Scaling figures
are in this process, after a warm-up, per document and for the whole package
(``export.package.build_package``).

    .venv/bin/python bench/export_speed.py [--runs N]
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from common import PYTHON, ROOT, big_report, check_ok, median, ms, offscreen_env, run_child, runs_from_argv, time_call

GOAL_RATIO = 2.0
SIZES = (10, 100, 1000)
BARE_IMPORTS = "import reportlab.platypus, reportlab.pdfbase.ttfonts, openpyxl, docx"


def cold(runs: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="zpt-export-"))
    try:
        env = offscreen_env(ZIPINGTONG_HOME=str(folder), PYTHONPYCACHEPREFIX=str(folder / "pycache"))
        # offscreen_env keeps bytecode out of the tree with PYTHONDONTWRITEBYTECODE; the prefix does
        # that here, and lets the warm-up run below write the bytecode the timed runs then read.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands = {"bare_imports": [PYTHON, "-c", BARE_IMPORTS],
                    "export": [PYTHON, "main.py", "export", str(ROOT / "tests/fixtures/seed_001.json"),
                               "--out", str(folder), "--draft"]}
        walls = {name: [] for name in commands}
        for cmd in commands.values():  # warm-up: fills the bytecode cache and the page cache
            check_ok(run_child(cmd, env=env)[2], " ".join(cmd[1:3]))
        for _ in range(runs):
            for name, cmd in commands.items():
                wall, _peak, result = run_child(cmd, env=env)
                check_ok(result, name)
                walls[name].append(wall)
        package = next(folder.glob("*.zip"))
        import zipfile
        with zipfile.ZipFile(package) as archive:
            members = archive.namelist()
        out = {name: median(values) for name, values in walls.items()}
        out["ratio"] = out["export"] / out["bare_imports"]
        out["members"] = members
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _growth(small: float, mid: float, large: float) -> float:
    """Cost per added indicator from 100 → 1,000 over that from 10 → 100: ≈ 1 when linear."""
    early = (mid - small) / (SIZES[1] - SIZES[0])
    late = (large - mid) / (SIZES[2] - SIZES[1])
    return late / early if early > 0 else float("nan")


def scaling(runs: int) -> dict:
    """Per document and for the whole package (documents + data.json + zip), by indicator count.

    A document that fails at some size is reported by its exception's name instead of a time.
    """
    from export.package import RENDERERS, Document, _load_renderers, build_package, document_stem
    _load_renderers()
    reports = {size: big_report(indicators=size, projects=20, institutions=3) for size in SIZES}
    figures = {size: {"package": []} | {role: [] for role in RENDERERS} for size in SIZES}
    failures: dict[tuple[int, str], str] = {}
    for round_no in range(runs + 1):  # round 0 warms fonts and caches and is not counted
        for size, report in reports.items():
            documents, total = [], 0.0
            for role, (suffix, label, render) in RENDERERS.items():
                if (size, role) in failures:
                    continue
                try:
                    start = time.perf_counter()
                    content = render(report, True)
                    elapsed = time.perf_counter() - start
                except Exception as exc:  # a bench reports, it does not stop at the first failure
                    failures[(size, role)] = type(exc).__name__
                    continue
                documents.append(Document(role, f"{document_stem(report)}{label}{suffix}", content))
                total += elapsed
                if round_no:
                    figures[size][role].append(elapsed)
            total += time_call(lambda: build_package(report, draft=True, documents=documents,
                                                     created_at="2024-01-01T00:00:00+08:00"))
            if round_no:
                figures[size]["package"].append(total)
    medians = {size: {key: median(values) for key, values in by_key.items() if values}
               for size, by_key in figures.items()}
    growth = {key: _growth(*(medians[s][key] for s in SIZES))
              for key in ("package", *RENDERERS) if all(key in medians[s] for s in SIZES)}
    return {"medians": medians, "roles": sorted(RENDERERS), "growth": growth.get("package", float("nan")),
            "growth_by_role": growth, "failures": {f"{role} at {size}": name for (size, role), name in failures.items()}}


def measure(runs: int = 5) -> dict:
    return {"cold": cold(runs), "scaling": scaling(max(3, runs // 2 + 1)), "runs": runs, "goal": GOAL_RATIO}


def main():
    figures = measure(runs_from_argv(5))
    cold_figures, scale = figures["cold"], figures["scaling"]
    print(f"export of seed 001, cold process, median of {figures['runs']}:")
    print(f"  import reportlab + openpyxl + python-docx   {ms(cold_figures['bare_imports'])}")
    print(f"  main.py export (package: {', '.join(cold_figures['members'])})")
    print(f"                                               {ms(cold_figures['export'])}  "
          f"({cold_figures['ratio']:.2f}×; goal ≤ {figures['goal']:.0f}×)")
    missing = {"report_pdf", "report_docx", "tables_xlsx"} - set(scale["roles"])
    if missing:
        print(f"  (document modules not present yet: {', '.join(sorted(missing))})")
    print("export in process, by indicators (20 projects):")
    for size, values in scale["medians"].items():
        parts = ", ".join(f"{role} {ms(values[role])}" for role in scale["roles"] if role in values)
        print(f"  {size:>5} indicators: package {ms(values['package'])}" + (f"  ({parts})" if parts else ""))
    growth = ", ".join(f"{key} {value:.2f}" for key, value in scale["growth_by_role"].items())
    print(f"  cost per indicator, 100→1,000 over 10→100 (1 = linear): {growth}")
    for what, error in scale["failures"].items():
        print(f"  FAILED: {what} indicators: {error}")


if __name__ == "__main__":
    main()
