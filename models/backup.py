"""Backups of the database file, the start-up check, and restoring a backup.

Backups are SQLite online backups (consistent even while the file is open and in WAL mode),
written owner-only into ``<database folder>/backups/`` as ``<stem>-<YYYYmmdd-HHMMSS>-<kind>.sqlite3``:
one before every schema migration, one on the first opening of each day; the newest N are kept.

Nothing here deletes the clerk's database: a corrupt file, or the file replaced by a restore,
is renamed aside (``<name>.corrupt-<stamp>`` / ``<name>.before-restore-<stamp>``, with its
``-wal`` file next to it) and left there.
"""
from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

BACKUP_DIR_NAME = "backups"
SETTINGS_NAME = "backup-settings.json"
DEFAULT_KEEP = 10
MIN_KEEP, MAX_KEEP = 1, 365
SIDE_FILES = ("-wal", "-shm", "-journal")

KIND_LABELS = {"daily": "每日自动备份", "manual": "手动备份", "before-restore": "恢复前的数据"}


class BackupError(Exception):
    """A backup or restore problem to show the clerk; ``message`` is plain Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: _dt.datetime
    kind: str
    size: int
    report_count: int | None  # None: the backup cannot be read

    @property
    def kind_label(self) -> str:
        if self.kind.startswith("pre-migration"):
            return "升级前自动备份"
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def readable(self) -> bool:
        return self.report_count is not None


@dataclass(frozen=True)
class CheckResult:
    status: str  # "ok" | "new" | "corrupt" | "not_ours" | "unreadable"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "new")

    @property
    def message(self) -> str:
        return {
            "ok": "数据库完好",
            "new": "新的数据库",
            "corrupt": "数据库文件已损坏（可能是在保存时断电或强行关机造成的）",
            "not_ours": "这个文件不是自评通的数据库",
            "unreadable": "无法读取数据库文件",
        }[self.status]


# --- helpers ------------------------------------------------------------------------------

def describe_os_error(exc: OSError) -> str:
    """One Chinese phrase for a failed file operation (a USB stick, a full disk, a locked folder)."""
    reasons = {
        "EACCES": "没有权限（文件夹只读，或文件正被其他程序打开）",
        "EPERM": "没有权限（文件夹只读，或文件正被其他程序打开）",
        "EROFS": "磁盘或U盘处于只读状态",
        "ENOSPC": "磁盘空间不足",
        "EDQUOT": "磁盘空间配额已用完",
        "EIO": "磁盘读写错误（U盘可能已被拔出或损坏）",
        "ENOENT": "文件或文件夹不存在",
        "ENAMETOOLONG": "文件名或路径过长",
        "EEXIST": "同名文件已存在",
        "EISDIR": "这是一个文件夹，不是文件",
        "ENOTDIR": "路径中有一部分不是文件夹",
        "EBUSY": "文件正被其他程序使用",
    }
    for name, reason in reasons.items():
        if exc.errno is not None and exc.errno == getattr(errno, name, None):  # (not every name exists on Windows)
            return reason
    text = str(exc)
    if re.search(r"[\u4e00-\u9fff]", text):
        return text
    return f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误"


def _stamp(now: _dt.datetime | None = None) -> str:
    return (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def backup_dir(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUP_DIR_NAME


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` owner-only; a folder that already exists (the clerk's own) is left as it is."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(folder, 0o700)
    except OSError:  # pragma: no cover - a file system without permissions
        pass


def create_private_file(path: Path) -> None:
    """An empty file readable by its owner only, created so from the first byte (no chmod window)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open folders; the rename is durable there
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _read_only_uri(path: Path, immutable: bool = False) -> str:
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


# --- checking -----------------------------------------------------------------------------

def check_database(db_path: Path, *, read_only: bool = False) -> CheckResult:
    """``PRAGMA quick_check`` (milliseconds for a year of reports) plus "is this our file".

    A missing or empty file is "new". The check opens the file read-write so that a WAL left
    by a crash is replayed first, as the program would; it never changes the clerk's data.
    ``read_only`` (for backup files, which nobody writes) opens it without touching it at all.
    """
    db_path = Path(db_path)
    try:
        if not db_path.exists() or db_path.stat().st_size == 0:
            return CheckResult("new")
    except OSError as exc:
        return CheckResult("unreadable", describe_os_error(exc))
    try:
        if read_only:
            conn = sqlite3.connect(_read_only_uri(db_path, immutable=True), uri=True)
        else:
            conn = sqlite3.connect(db_path, timeout=5)
    except sqlite3.Error as exc:
        return CheckResult("unreadable", str(exc))
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [r[0] for r in rows] != ["ok"]:
            return CheckResult("corrupt", "; ".join(str(r[0]) for r in rows[:3]))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "not a database" in text:
            return CheckResult("not_ours", text)
        if "locked" in text or "busy" in text:
            return CheckResult("unreadable", text)
        return CheckResult("corrupt", text)
    finally:
        conn.close()
    if not tables and version == 0:
        return CheckResult("new")
    if version == 0 and ("report" not in tables or "report_part" not in tables):
        return CheckResult("not_ours", "缺少 report 表")  # (a newer version is refused by migrate)
    return CheckResult("ok")


def move_aside(db_path: Path, label: str = "corrupt") -> Path:
    """Rename the database (and its -wal/-shm) to ``<name>.<label>-<stamp>``; never deletes.

    The -wal keeps its pairing (``<aside>-wal``), so opening the aside file still sees every
    committed transaction.
    """
    db_path = Path(db_path)
    base = f"{db_path.name}.{label}-{_stamp()}"
    aside = db_path.with_name(base)
    counter = 1
    while aside.exists():
        counter += 1
        aside = db_path.with_name(f"{base}-{counter}")
    for suffix in SIDE_FILES:
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    if db_path.exists():
        os.replace(db_path, aside)
    _fsync_path(db_path.parent)
    return aside


# --- writing backups ----------------------------------------------------------------------

def online_backup(source: sqlite3.Connection | Path, destination: Path) -> Path:
    """Copy a database through SQLite's backup API into a new owner-only single file.

    The copy is written to ``<destination>.part`` and renamed, so a crash leaves no half
    backup under the real name. The copy is switched to a rollback journal so that it is one
    self-contained file (no -wal needed to read it).
    """
    destination = Path(destination)
    make_private_dir(destination.parent)
    partial = destination.with_name(destination.name + ".part")
    for leftover in (partial, partial.with_name(partial.name + "-journal")):
        if leftover.exists():
            leftover.unlink()  # our own temp file from an interrupted backup
    create_private_file(partial)
    own_source = not isinstance(source, sqlite3.Connection)
    conn = sqlite3.connect(source, timeout=5) if own_source else source
    try:
        target = sqlite3.connect(partial)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        if own_source:
            conn.close()
    _fsync_path(partial)
    os.replace(partial, destination)
    _fsync_path(destination.parent)
    return destination


def _backup_name(db_path: Path, kind: str, now: _dt.datetime | None = None) -> Path:
    folder = backup_dir(db_path)
    stem = Path(db_path).stem
    name = folder / f"{stem}-{_stamp(now)}-{kind}.sqlite3"
    counter = 1
    while name.exists():
        counter += 1
        name = folder / f"{stem}-{_stamp(now)}-{kind}-{counter}.sqlite3"
    return name


def _remove_interrupted(db_path: Path) -> None:
    """Temp files of backups cut short by a crash (never listed, never a real backup)."""
    folder = backup_dir(db_path)
    if folder.is_dir():
        for leftover in folder.glob(f"{Path(db_path).stem}-*.sqlite3.part*"):
            try:
                leftover.unlink()
            except OSError:  # pragma: no cover
                pass


def make_backup(db_path: Path, kind: str = "manual", conn: sqlite3.Connection | None = None) -> Path:
    """One online backup of ``db_path`` now (``conn``: an open connection to it, if any)."""
    return online_backup(conn if conn is not None else Path(db_path), _backup_name(db_path, kind))


def daily_backup(db_path: Path, *, keep: int | None = None, today: _dt.date | None = None) -> Path | None:
    """The first opening of a day backs the file up; older backups beyond ``keep`` are removed."""
    today = today or _dt.date.today()
    if any(info.created.date() == today for info in _scan(db_path)):
        return None
    _remove_interrupted(db_path)
    path = make_backup(db_path, "daily")
    prune(db_path, keep)
    return path


# --- the list of backups ------------------------------------------------------------------

def _pattern(db_path: Path) -> re.Pattern:
    # <stem>-<stamp>-<kind>.sqlite3, and the migration backups of models.store: <stem>-v<N>-<stamp>.sqlite3
    stem = re.escape(Path(db_path).stem)
    return re.compile(rf"^{stem}-(?:(?P<stamp>\d{{8}}-\d{{6}})-(?P<kind>[a-z][a-z-]*?)(?:-(?P<n>\d+))?"
                      rf"|v(?P<version>\d+)-(?P<mstamp>\d{{8}}-\d{{6}}))\.sqlite3$")


@dataclass(frozen=True)
class _Found:
    path: Path
    created: _dt.datetime
    kind: str
    counter: int = 1  # several backups within one second: -2, -3…


def _scan(db_path: Path) -> list[_Found]:
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(db_path)
    found = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        if not match or not entry.is_file():
            continue
        stamp = match.group("stamp") or match.group("mstamp")
        kind = match.group("kind") or f"pre-migration-v{match.group('version')}"
        try:
            created = _dt.datetime.strptime(stamp, "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        found.append(_Found(entry, created, kind, int(match.group("n") or 1)))
    found.sort(key=lambda f: (f.created, f.counter, _mtime(f.path)), reverse=True)
    return found


def _mtime(path: Path) -> int:
    # orders backups taken within the same second (their names differ only by kind)
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def report_count(path: Path) -> int | None:
    """Reports (not deleted) in a backup file, or None when it cannot be read."""
    try:
        conn = sqlite3.connect(_read_only_uri(path, immutable=True), uri=True)
    except sqlite3.Error:
        return None
    try:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(report)")}
        if not columns:
            return None
        where = " WHERE deleted_at IS NULL" if "deleted_at" in columns else ""
        return conn.execute(f"SELECT count(*) FROM report{where}").fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Backups of ``db_path``, newest first, with their size and report count."""
    out = []
    for found in _scan(db_path):
        try:
            size = found.path.stat().st_size
        except OSError:
            continue
        out.append(BackupInfo(found.path, found.created, found.kind, size, report_count(found.path)))
    return out


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    for info in list_backups(db_path):
        if info.readable and check_database(info.path, read_only=True).status == "ok":
            return info
    return None


def prune(db_path: Path, keep: int | None = None) -> list[Path]:
    """Remove the oldest backups beyond ``keep`` (the setting when None); returns what was removed."""
    keep = read_keep(db_path) if keep is None else max(MIN_KEEP, int(keep))
    removed = []
    for found in _scan(db_path)[keep:]:
        try:
            found.path.unlink()
            removed.append(found.path)
        except OSError:  # pragma: no cover - e.g. opened by an anti-virus scanner; next time
            pass
    return removed


# --- the "keep N" setting -----------------------------------------------------------------

def read_keep(db_path: Path) -> int:
    path = backup_dir(db_path) / SETTINGS_NAME
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("keep", DEFAULT_KEEP)
    except (OSError, ValueError, AttributeError):
        return DEFAULT_KEEP
    if isinstance(value, bool) or not isinstance(value, int):
        return DEFAULT_KEEP
    return min(MAX_KEEP, max(MIN_KEEP, value))


def write_keep(db_path: Path, keep: int) -> int:
    """Store the number of backups to keep (temp file + rename); returns the value stored."""
    keep = min(MAX_KEEP, max(MIN_KEEP, int(keep)))
    folder = backup_dir(db_path)
    make_private_dir(folder)
    target = folder / SETTINGS_NAME
    partial = folder / (SETTINGS_NAME + ".part")
    partial.write_text(json.dumps({"keep": keep}), encoding="utf-8")
    os.replace(partial, target)
    return keep


# --- restoring ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    aside: Path | None  # where the replaced database file was kept, if there was one


def restore(db_path: Path, backup_path: Path) -> RestoreResult:
    """Put ``backup_path`` in place of ``db_path`` through the backup API.

    The current file (good or corrupt) is renamed aside first and never deleted. The database
    must not be open: in this process (close the Store first) nor in another copy of the program.
    """
    from . import lock
    from .store import SCHEMA_VERSION

    db_path, backup_path = Path(db_path), Path(backup_path)
    if not backup_path.is_file():
        raise BackupError(f"找不到备份文件：{backup_path}")
    checked = check_database(backup_path, read_only=True)
    if checked.status != "ok":
        raise BackupError(f"这个备份文件不能用于恢复：{checked.message}（{backup_path.name}）")
    try:
        with sqlite3.connect(_read_only_uri(backup_path, immutable=True), uri=True) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            # Only what our own migrations create: a file with triggers or views could act on
            # every later edit, and a restore may be pointed at any file.
            foreign = conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') "
                                   "OR (type = 'table' AND name NOT IN ('report', 'report_part', "
                                   "'sqlite_sequence'))").fetchall()
    except sqlite3.Error:
        raise BackupError("无法读取备份文件：文件已损坏或不是自评通的备份") from None
    if foreign or version < 1:
        raise BackupError(f"这个文件不是自评通的备份，不能用于恢复（{backup_path.name}）")
    if version > SCHEMA_VERSION:
        raise BackupError("这个备份由较新版本的自评通创建，请升级本程序后再恢复")
    if lock.holders_in_this_process(db_path):
        raise BackupError("数据库仍处于打开状态，请先关闭当前数据库再恢复")
    try:
        lock.acquire(db_path)
    except (lock.DatabaseInUse, lock.LockUnavailable) as exc:
        raise BackupError(exc.message) from None
    try:
        make_private_dir(db_path.parent)
        incoming = db_path.with_name(db_path.name + ".restoring")
        source = sqlite3.connect(_read_only_uri(backup_path, immutable=True), uri=True)
        try:
            online_backup(source, incoming)
        finally:
            source.close()
        aside = None
        if db_path.exists() or any(db_path.with_name(db_path.name + s).exists() for s in SIDE_FILES):
            label = "before-restore" if check_database(db_path).ok else "corrupt"
            aside = move_aside(db_path, label)
        os.replace(incoming, db_path)
        _fsync_path(db_path.parent)
        return RestoreResult(backup_path, aside)
    except OSError as exc:
        raise BackupError(f"恢复失败：{describe_os_error(exc)}") from None
    finally:
        lock.release(db_path)
