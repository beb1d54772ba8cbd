"""The program never opens a network connection: start-up, check, import, export, verify, list,
restore and the desktop program's start, each in a real process.

Two nets: a Python audit hook (every ``socket.socket`` object, connect, bind, name lookup, HTTP
request, whatever module asks) and, where strace is available, the system calls of the
process and all its threads and children (catches C++ code such as Qt too).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, seed_path

GUARD = r'''
import atexit, os, runpy, sys
LOG = os.environ["NETGUARD_LOG"]
WATCHED = {"socket.__new__", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
           "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo",
           "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open"}

def record(event, args):
    if event in WATCHED:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{event} {args!r:.200}\n")

sys.addaudithook(record)

def inet_sockets_still_open():
    # C code (Qt) does not pass the audit hook: look for IPv4/IPv6 sockets among the open files.
    try:
        inodes = {os.readlink(f"/proc/self/fd/{fd}")[8:-1] for fd in os.listdir("/proc/self/fd")
                  if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:[")}
    except OSError:
        return
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        try:
            rows = open(f"/proc/self/net/{table}").read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            if row.split()[9] in inodes:
                record("socket.__new__", ("open inet socket at exit", table, row.split()[1:3]))

atexit.register(inet_sockets_still_open)
script, *argv = sys.argv[1:]
sys.argv = [script, *argv]
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
runpy.run_path(script, run_name="__main__")
'''


@pytest.fixture
def workplace(tmp_path):
    folder = tmp_path
    guard = folder / "netguard.py"
    guard.write_text(GUARD, encoding="utf-8")
    (folder / "out").mkdir()
    (folder / "home").mkdir(exist_ok=True)
    return folder


def commands(folder: Path) -> list[tuple[str, list[str], tuple[int, ...]]]:
    db = str(folder / "reports.sqlite3")
    out = str(folder / "out")
    return [
        ("check", ["check", str(seed_path("001"))], (0, 1)),
        ("import", ["import", str(seed_path("001")), "--db", db], (0,)),
        ("list", ["list", "--db", db], (0,)),
        ("export a stored report", ["export", "--report", "1", "--db", db, "--out", out, "--draft"], (0,)),
        ("export a file", ["export", str(seed_path("004")), "--out", out, "--draft"], (0,)),
        ("verify", ["verify", "PACKAGE"], (0, 1)),
        ("import a package", ["import", "PACKAGE", "--db", str(folder / "second.sqlite3")], (0,)),
        ("restore --list", ["restore", "--list", "--db", db], (0,)),
        ("desktop program start", ["gui", "--quit-after-ready", "--db", db], (0,)),
    ]


def run_guarded(folder: Path, argv: list[str], prefix: list[str] | None = None) -> tuple[subprocess.CompletedProcess, str]:
    log = folder / "net.log"
    log.unlink(missing_ok=True)
    packages = sorted((folder / "out").glob("*.zip"))
    argv = [str(packages[0]) if a == "PACKAGE" else a for a in argv]
    env = {**os.environ, "NETGUARD_LOG": str(log), "ZIPINGTONG_HOME": str(folder / "home"),
           "QT_QPA_PLATFORM": "offscreen"}
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(proxy, None)
    result = subprocess.run([*(prefix or []), sys.executable, str(folder / "netguard.py"), str(ROOT / "main.py"),
                             *argv], capture_output=True, text=True, encoding="utf-8", errors="replace",
                            env=env, timeout=120, cwd=folder)
    return result, log.read_text(encoding="utf-8") if log.exists() else ""


def test_the_guard_sees_a_socket(workplace):
    """The net can catch: a script that only creates a socket is recorded."""
    probe = workplace / "probe.py"
    probe.write_text("import socket\nsocket.socket().close()\n", encoding="utf-8")
    log = workplace / "net.log"
    log.unlink(missing_ok=True)
    subprocess.run([sys.executable, str(workplace / "netguard.py"), str(probe)], check=True, timeout=60,
                   env={**os.environ, "NETGUARD_LOG": str(log)})
    assert "socket.__new__" in log.read_text(encoding="utf-8")


def test_no_command_opens_a_socket(workplace):
    for label, argv, codes in commands(workplace):
        result, events = run_guarded(workplace, argv)
        assert result.returncode in codes, (label, result.stderr[-800:])
        assert "Traceback" not in result.stderr, (label, result.stderr[-800:])
        assert events == "", f"{label} used the network:\n{events}"
    assert sorted((workplace / "out").glob("*.zip")), "the exports produced packages"


STRACE = shutil.which("strace")


@pytest.mark.skipif(STRACE is None or not sys.platform.startswith("linux"), reason="strace not installed")
def test_no_inet_socket_at_the_system_call_level(workplace):
    trace = workplace / "strace.txt"
    probe = workplace / "probe.py"  # first, that the trace can catch one
    probe.write_text("import socket\nsocket.socket().close()\n", encoding="utf-8")
    subprocess.run([STRACE, "-f", "-qq", "-e", "signal=none", "-e", "trace=socket", "-o", str(trace),
                    sys.executable, str(probe)], timeout=60, capture_output=True)
    if not trace.exists() or "socket(" not in trace.read_text(encoding="utf-8", errors="replace"):
        pytest.skip("strace cannot trace here (ptrace not permitted)")
    assert "AF_INET" in trace.read_text(encoding="utf-8", errors="replace")
    for label, argv, codes in commands(workplace):
        trace.unlink(missing_ok=True)
        result, _events = run_guarded(workplace, argv, [STRACE, "-f", "-qq", "-e", "signal=none", "-e",
                                                        "trace=socket,connect,bind,sendto", "-o", str(trace)])
        if result.returncode not in codes and "ptrace" in result.stderr:
            pytest.skip("ptrace is not permitted here")
        assert result.returncode in codes, (label, result.stderr[-800:])
        calls = trace.read_text(encoding="utf-8", errors="replace")
        inet = [line for line in calls.splitlines() if re.search(r"AF_INET6?\b|AF_PACKET", line)]
        assert inet == [], f"{label}: " + "\n".join(inet[:5])
