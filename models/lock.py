"""One writer per database file: an OS lock on ``<database>.lock``, held while the file is open.

Why a lock file and not SQLite alone: SQLite serialises single transactions, but two copies of
the program would each keep a report open and overwrite each other's edits row by row, and a
restore or migration could run under the other copy's feet. SQLite's ``locking_mode=EXCLUSIVE``
would stop that too, but it also blocks the program's own second connection (the engine keeps a
pool) and readers such as ``main.py list``.

Why an OS lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows) and not a PID file or a row:
the operating system drops the lock when the process dies for any reason (kill -9, a PC
switched off at the wall), so a stale lock never keeps the clerk out after a crash.

Inside one process the lock is shared and counted: a second ``Store`` on the same file in the
same process (a test, a dialog) is the same writer, and SQLite's own locks order its writes.
"""
from __future__ import annotations

import datetime as _dt
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

LOCK_SUFFIX = ".lock"
# Windows locks byte ranges; the information text lives after the locked byte so that the
# refused copy can still read who holds the lock.
_LOCKED_BYTE = 0
_INFO_OFFSET = 16


class DatabaseInUse(Exception):
    """Another copy of the program has this database open; ``message`` is plain Chinese."""

    def __init__(self, path: Path, holder: str = ""):
        who = f"（{holder}）" if holder else ""
        self.message = (f"这个数据库已经在另一个自评通窗口中打开{who}。"
                        "同一份数据只能由一个窗口修改：请切换到那个窗口，或先将其关闭后再打开。")
        super().__init__(self.message)
        self.path = path
        self.holder = holder


class LockUnavailable(Exception):
    """The lock file cannot be created (e.g. a read-only folder); ``message`` is plain Chinese."""

    def __init__(self, path: Path, reason: str):
        self.message = f"无法在数据库所在的文件夹中建立锁文件（{reason}）：{path.parent}"
        super().__init__(self.message)


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[str, _Held] = {}
_guard = threading.Lock()


def lock_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def _key(db_path: Path) -> str:
    return os.path.normcase(str(Path(db_path).resolve()))


def _host() -> str:
    # gethostname() reads the local name; it does not touch the network.
    import platform
    return platform.node() or "本机"


def holders_in_this_process(db_path: Path) -> int:
    with _guard:
        held = _held.get(_key(db_path))
        return held.count if held else 0


def acquire(db_path: Path) -> None:
    """Take (or share, inside this process) the writer lock of ``db_path``.

    Raises DatabaseInUse when another process holds it, LockUnavailable when the lock file
    cannot be made.
    """
    key = _key(db_path)
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.count += 1
            return
        path = lock_path(db_path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        except OSError as exc:
            from .backup import describe_os_error
            raise LockUnavailable(Path(db_path), describe_os_error(exc)) from None
        try:
            _lock_fd(fd)
        except OSError:
            holder = _read_info(fd)
            os.close(fd)
            raise DatabaseInUse(Path(db_path), holder) from None
        _write_info(fd)
        _held[key] = _Held(fd, 1)


def release(db_path: Path) -> None:
    key = _key(db_path)
    with _guard:
        held = _held.get(key)
        if held is None:
            return
        held.count -= 1
        if held.count > 0:
            return
        del _held[key]
        try:
            _unlock_fd(held.fd)
        except OSError:  # pragma: no cover - closing drops the lock anyway
            pass
        os.close(held.fd)
        # The lock file itself stays: deleting it would race with a copy that is opening it.


def is_locked_elsewhere(db_path: Path) -> bool:
    """True when another process holds the lock (used before a read-only open or a restore)."""
    if holders_in_this_process(db_path):
        return False
    path = lock_path(db_path)
    if not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        _lock_fd(fd)
    except OSError:
        return True
    else:
        _unlock_fd(fd)
        return False
    finally:
        os.close(fd)


def _write_info(fd: int) -> None:
    started = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    info = f"进程{os.getpid()}，{_host()}，{started}起\n".encode("utf-8")
    try:
        os.lseek(fd, _INFO_OFFSET, os.SEEK_SET)
        os.write(fd, info)
        os.ftruncate(fd, _INFO_OFFSET + len(info))
    except OSError:  # pragma: no cover - the information is a courtesy only
        pass


def _read_info(fd: int) -> str:
    try:
        os.lseek(fd, _INFO_OFFSET, os.SEEK_SET)
        text = os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return "".join(ch for ch in text if ch.isprintable())[:80]


if sys.platform == "win32":  # pragma: no cover - exercised on the clerk's Windows PC
    import msvcrt

    def _lock_fd(fd: int) -> None:
        os.lseek(fd, _LOCKED_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # raises OSError at once when held elsewhere

    def _unlock_fd(fd: int) -> None:
        os.lseek(fd, _LOCKED_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock_fd(fd: int) -> None:
        # flock locks belong to the open file description: a second open() in another process
        # (or a forked child that re-opens the file) is refused, which is what we want.
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
