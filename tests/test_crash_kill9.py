"""kill -9 at 100 random moments of a real process that imports and edits reports.

After every kill: ``PRAGMA integrity_check`` is ok, every edit the child reported as committed
is in the file, and the one edit in flight is either wholly there or wholly absent (its two
rows are written in one transaction).

Speed: starting Python and importing sqlmodel costs ≈ 0.5 s, 100 times would be most of a
minute. A "zygote" child imports everything once and forks a fresh worker per kill point;
each worker is a real process that opens the store (lock, check, daily backup) from scratch
and is killed with SIGKILL by this test. POSIX only (fork).
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

KILL_POINTS = 100

ZYGOTE = r'''
import os, sys, random, json
sys.path.insert(0, ROOT)
from models.store import Store
import models.tables, sqlalchemy.dialects.sqlite  # writes need sqlmodel: import it once, before forking
from models.codec import report_from_json, copy_report
SEEDS = [report_from_json(open(p, "rb").read()) for p in SEED_PATHS]
SEEDS = [s for s in SEEDS if s.evaluation.indicators]


def work(db, acks, run):
    rng = random.Random(run)
    out = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def say(*words):  # one write() per line: a kill never leaves half a line
        os.write(out, (" ".join(str(w) for w in words) + "\n").encode("utf-8"))

    store = Store(db)
    say("opened", run)
    reports = {s.id: s.unit_name for s in store.list_reports()}
    step = 0
    while True:
        step += 1
        token = f"edit-{run}-{step}"
        if len(reports) < 4 or rng.random() < 0.05:
            report = copy_report(SEEDS[rng.randrange(len(SEEDS))])
            report.unit.name = f"单位-{run}-{step}"
            say("begin", "create", report.unit.name)
            report_id = store.create(report)
            say("ok", "create", report.unit.name, report_id)
            reports[report_id] = report.unit.name
        else:
            report_id = rng.choice(sorted(reports))
            report = store.load(report_id)
            index = rng.randrange(len(report.evaluation.indicators))
            report.narrative["other"] = token
            report.evaluation.indicators[index].analysis = token
            say("begin", "edit", report_id, index, token)
            store.save_parts(report_id, report, [("evaluation.indicators", index), "narrative"])
            say("ok", "edit", report_id, index, token)


for line in sys.stdin:
    db, acks, run = line.rstrip("\n").split("\t")
    pid = os.fork()
    if pid == 0:
        try:
            work(db, acks, int(run))
        except BaseException as exc:
            os.write(2, f"worker failed: {exc!r}\n".encode())
            os._exit(3)
        os._exit(0)
    print("pid", pid, flush=True)
    _pid, status = os.waitpid(pid, 0)
    print("exit", os.WIFSIGNALED(status) and os.WTERMSIG(status), os.WIFEXITED(status) and os.WEXITSTATUS(status),
          flush=True)
'''


def read_state(db: Path) -> dict:
    """{report_id: (unit_name, narrative 'other' token, {indicator index: token})} straight from SQLite."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        state = {}
        for report_id, unit_name in conn.execute("SELECT id, unit_name FROM report"):
            state[report_id] = [unit_name, None, {}]
        for report_id, part, position, body in conn.execute(
                "SELECT report_id, part, position, body FROM report_part WHERE part IN ('narrative', "
                "'evaluation.indicators')"):
            value = json.loads(body)
            if part == "narrative":
                other = value.get("other") or ""
                state[report_id][1] = other if other.startswith("edit-") else None
            elif (value.get("analysis") or "").startswith("edit-"):
                state[report_id][2][position] = value["analysis"]
        return {k: (v[0], v[1], dict(sorted(v[2].items()))) for k, v in state.items()}
    finally:
        conn.close()


def apply(state: dict, op: list[str]) -> dict:
    state = {k: (v[0], v[1], dict(v[2])) for k, v in state.items()}
    if op[0] == "create":
        if len(op) > 2:  # acknowledged: its id is known
            state[int(op[2])] = (op[1], None, {})
    else:
        report_id, index, token = int(op[1]), int(op[2]), op[3]
        name, _other, analyses = state[report_id]
        analyses[index] = token
        state[report_id] = (name, token, dict(sorted(analyses.items())))
    return state


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the zygote forks (POSIX)")
def test_kill_9_at_100_random_points_loses_nothing_committed(tmp_path):
    db = tmp_path / "reports.sqlite3"
    seeds = [str(FIXTURES / f"seed_{n}.json") for n in ("000", "001", "004")]
    code = f"ROOT = {str(ROOT)!r}\nSEED_PATHS = {seeds!r}\n" + ZYGOTE
    zygote = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "ZIPINGTONG_HOME": str(tmp_path / "home")})
    rng = random.Random(20240315)
    expected: dict = {}
    committed_edits = in_flight_seen = in_flight_landed = 0
    started = time.monotonic()
    try:
        for run in range(1, KILL_POINTS + 1):
            acks = tmp_path / f"acks-{run}.txt"
            zygote.stdin.write(f"{db}\t{acks}\t{run}\n")
            zygote.stdin.flush()
            kind, pid = zygote.stdout.readline().split()
            assert kind == "pid"
            # Early kills land in opening (lock, check, migration, backup), later ones mid-edit.
            time.sleep(rng.choice([rng.uniform(0, 0.03), rng.uniform(0.02, 0.25)]))
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:  # the worker died by itself: the status line below says how
                pass
            status = zygote.stdout.readline().split()
            assert status == ["exit", str(int(signal.SIGKILL)), "False"], f"worker was not killed: {status}"

            lines = acks.read_text(encoding="utf-8").splitlines() if acks.exists() else []
            pending = None
            for line in lines:
                word, *op = line.split()
                if word == "begin":
                    pending = op
                elif word == "ok":
                    expected = apply(expected, op)
                    committed_edits += op[0] == "edit"
                    pending = None
            actual = read_state(db) if db.exists() and db.stat().st_size else {}
            if actual == expected:
                if pending:
                    in_flight_seen += 1
                continue
            assert pending is not None, f"run {run}: committed edits missing\n{expected}\n{actual}"
            in_flight_seen += 1
            if pending[0] == "create":
                new = {k: v for k, v in actual.items() if k not in expected}
                assert list(new.values()) == [(pending[1], None, {})], f"run {run}: {new}"
                expected = {**expected, **new}
            else:
                expected = apply(expected, pending)
            assert actual == expected, f"run {run}: the edit in flight landed half-way\n{expected}\n{actual}"
            in_flight_landed += 1
    finally:
        zygote.stdin.close()
        zygote.wait(10)
    elapsed = time.monotonic() - started
    # The kills really landed during work, not all before or after it.
    assert committed_edits > 200, committed_edits
    assert in_flight_seen > 20, in_flight_seen
    assert len(expected) >= 4
    assert elapsed < 50, elapsed
    print(f"{KILL_POINTS} kills in {elapsed:.1f} s: {committed_edits} committed edits checked, "
          f"{in_flight_seen} kills with an edit in flight, {in_flight_landed} of them landed whole")
    # And the store opens normally afterwards.
    from models.store import Store
    with Store(db) as store:
        assert len(store.list_reports()) == len(expected)
