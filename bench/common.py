"""Shared helpers of the bench scripts: the big-report generator, timing and child-process figures.

Every figure is a median of several runs; where a figure is a ratio, the subject and its baseline
are run interleaved in the same process so that a noisy machine slows both alike.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures"
PYTHON = sys.executable

from models.report import (  # noqa: E402  (sys.path above)
    AssetsByInstitution, ExpenditureRow, IncomeRow, Indicator, Institution, Project, ProjectGoal, Report, Task,
    ThreePublicByInstitution,
)

# --- reports -----------------------------------------------------------------------------

def load_seed(name: str = "001") -> Report:
    from models.codec import report_from_json
    return report_from_json((FIXTURES / f"seed_{name}.json").read_bytes())


_LEVELS = (("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
           ("效益指标", "社会效益指标"), ("成本指标", "经济成本指标"), ("满意度指标", "服务对象满意度指标"))


def _money(cents: int) -> Decimal:
    """An exact 万元 amount with 2 places from an integer number of hundredths."""
    return Decimal(cents).scaleb(-2)


def big_report(indicators: int = 1000, projects: int = 300, institutions: int = 6) -> Report:
    """A complete, consistent report far larger than any real one (pure: same arguments, same report).

    Its shape follows seed 001: one bureau plus subordinate institutions, one income/expenditure row
    per institution, projects whose budgets add up, indicator weights that sum with budget execution
    to 100 points. Only the prose is short. Some indicators fall short so that scoring and the
    deviation checks do real work.
    """
    report = load_seed("001")
    report.unit.name = "性能测试区退役军人事务局"
    report.unit.institutions = [Institution(name=report.unit.name, kind="本级")] + [
        Institution(name=f"性能测试区第{n}服务中心", kind="下属事业单位") for n in range(1, institutions)]
    names = [i.name for i in report.unit.institutions]
    report.tasks = [Task(no=n, name=f"重点任务{n}", content=f"任务{n}的主要实施内容", goal=f"任务{n}的期望目标")
                    for n in range(1, 11)]

    finance = report.finance
    finance.projects = []
    project_total = 0
    for n in range(projects):
        initial = 1000 + (n * 7919) % 90000          # hundredths of 万元
        adjustment = (n % 5 - 2) * 137
        full_year = initial + adjustment
        executed = full_year - (n % 4) * 11
        project_total += executed
        finance.projects.append(Project(
            name=f"测试项目{n + 1:04d}", prev_final=_money(initial - 50), initial=_money(initial),
            adjustment=_money(adjustment), full_year=_money(full_year), executed=_money(executed),
            carryover=_money(full_year - executed), direct_to_towns=n % 9 == 0, category="专项经费",
            goals=[ProjectGoal(type="数量目标", text=f"完成项目{n + 1}年度任务")],
            description=f"项目{n + 1}按计划实施，资金按进度拨付。"))

    # Per-institution rows whose sums agree with the unit totals (no cross-table errors).
    count = len(names)
    personnel, public_use = 100_00, 20_00
    basic_total = (personnel + public_use) * count
    budget = finance.overall_budget
    budget.executed = _money(basic_total + project_total)
    budget.full_year = _money(basic_total + project_total + 500)
    budget.initial = budget.full_year
    budget.by_source.general_public = budget.full_year
    budget.by_source.gov_fund = budget.by_source.special_non_tax = budget.by_source.other = Decimal(0)
    budget.by_nature.basic = _money(basic_total)
    budget.by_nature.project = _money(project_total)
    share, rest = divmod(project_total, count)
    finance.income = [IncomeRow(institution=name, carryover=Decimal(0), general_public=_money(share + 120_00))
                      for name in names]
    finance.expenditure = [ExpenditureRow(institution=name, personnel=_money(personnel),
                                          public_use=_money(public_use),
                                          project=_money(share + (rest if i == 0 else 0)),
                                          balance_year=Decimal(0), balance_accumulated=Decimal(0))
                           for i, name in enumerate(names)]
    finance.three_public.by_institution = [ThreePublicByInstitution(
        institution=name, vehicle_purchase=Decimal(0), vehicle_operation=Decimal(0), overseas=Decimal(0),
        reception=Decimal(0)) for name in names]
    finance.assets.by_institution = [AssetsByInstitution(institution=name, fixed_total=_money(5000_00))
                                     for name in names]

    # Weights: budget execution 10 + indicators 90, spread exactly over the indicators.
    report.evaluation.budget_execution.weight = Decimal(10)
    report.evaluation.budget_execution.score_override = None
    report.evaluation.indicators = []
    unit_weight, leftover = divmod(9000, indicators) if indicators else (0, 0)
    for n in range(indicators):
        level1, level2 = _LEVELS[n % len(_LEVELS)]
        weight = _money(unit_weight + (1 if n < leftover else 0))
        qualitative = n % 5 == 4
        short = n % 7 == 3                      # misses its target: scored below weight
        indicator = Indicator(id=f"i{n + 1}", level1=level1, level2=level2, name=f"测试指标{n + 1:04d}",
                              weight=weight, task=n % 10 + 1, status="已完成年度目标",
                              standard="按年度计划完成", analysis="已按计划完成。")
        if qualitative:
            indicator.kind, indicator.band = "qualitative", "partly" if short else "achieved"
            indicator.target_text, indicator.actual_text = "按时完成", "已完成"
        else:
            indicator.kind = "quantitative"
            indicator.direction = "<=" if level1 == "成本指标" else ">="
            indicator.unit = "%" if n % 2 else "人次"
            indicator.target = Decimal(90)
            indicator.actual = Decimal(81) if short else Decimal(95)
            if indicator.direction == "<=":
                indicator.actual = Decimal(99) if short else Decimal(85)
        if short:
            indicator.deviation = "受客观因素影响未完全达成，下一年度加强调度。"
        report.evaluation.indicators.append(indicator)
    return report


# --- timing ------------------------------------------------------------------------------

def median(values) -> float:
    return statistics.median(values)


def time_call(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(subjects: dict[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    """Run each subject ``runs`` times, alternating between them; each callable returns its figure."""
    results: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(runs):
        for name, fn in subjects.items():
            results[name].append(fn())
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# --- child processes ---------------------------------------------------------------------

def offscreen_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    # Bytecode as an installed program has it (the bundle ships .pyc), kept out of the source tree:
    # without a cache every timed start would compile the project's modules again.
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "zipingtong-bench-pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


def _high_water_mark(pid: int) -> int:
    """VmHWM of a live process in bytes (Linux), else 0."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


READY_LINE = b"zipingtong: ready"


def run_child(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
              timeout: float = 120, ready: list[float] | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS in bytes, result) of one child process.

    The peak is the child's own VmHWM, sampled while it runs (it only grows, and exec resets it).
    wait4's ru_maxrss is not used on Linux: it keeps the high-water mark from before exec, i.e.
    the forked copy of this (possibly large) bench process. When ``ready`` is a list, the seconds
    until the child printed READY_LINE (or until it exited, if it never did) are appended to it.
    """
    import selectors
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd or ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = start + timeout
    peak = 0
    ready_at = None
    out = b""
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    while True:
        peak = max(peak, _high_water_mark(proc.pid))
        if selector.select(timeout=0.002):
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:  # end of output: stop watching it (select then just waits its timeout)
                selector.unregister(proc.stdout)
            out += chunk
            if ready_at is None and READY_LINE in out:
                ready_at = time.perf_counter() - start
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
    wall = time.perf_counter() - start
    selector.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = out + proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if ready is not None:
        ready.append(ready_at if ready_at is not None and READY_LINE in out else wall)
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if not sys.platform.startswith("linux"):
        peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS
    return wall, peak, result


def check_ok(result: subprocess.CompletedProcess, what: str):
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace")[-2000:]
        raise SystemExit(f"{what} failed with exit code {result.returncode}:\n{tail}")


def runs_from_argv(default: int) -> int:
    """``--runs N`` on the command line, else the default."""
    if "--runs" in sys.argv:
        return int(sys.argv[sys.argv.index("--runs") + 1])
    return default
