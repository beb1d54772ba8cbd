"""The local store: one SQLite file holding many reports (units × years), through sqlmodel.

Writes go through sqlmodel sessions over the tables of models.tables. The few reads the program
needs before its first paint (the report list, opening one report) use the sqlite3 module
directly, so that start-up does not wait 0.3 s for sqlmodel's import (see ``preload_write_modules``).

A report is kept as JSON parts (money as decimal strings, never REAL): scalar sections one row
each, and the long lists (projects, indicators) one row per item, so an edit to one indicator
rewrites one row. Every save is one transaction; the file runs in WAL mode.

The schema is versioned with ``PRAGMA user_version`` and upgraded by ordered steps, each in
one transaction, after an online backup of the file (see ``MIGRATIONS``).
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import backup as backups, lock
from .codec import _write_dataclass
from .report import FORMAT_NAME, FORMAT_VERSION, Report

# Each step: (version it brings the file to, SQL statements). Never edit a shipped step: add one.
MIGRATIONS: list[tuple[int, tuple[str, ...]]] = [
    (1, (
        """CREATE TABLE report (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               unit_name TEXT NOT NULL DEFAULT '',
               year INTEGER,
               template TEXT NOT NULL DEFAULT 'generic',
               created_at TEXT NOT NULL,
               updated_at TEXT NOT NULL)""",
        """CREATE TABLE report_part (
               report_id INTEGER NOT NULL REFERENCES report(id) ON DELETE CASCADE,
               part TEXT NOT NULL,
               position INTEGER NOT NULL DEFAULT 0,
               body TEXT NOT NULL,
               PRIMARY KEY (report_id, part, position))""",
    )),
    (2, (
        # Recoverable deletion, and a summary the start page lists without loading reports.
        "ALTER TABLE report ADD COLUMN deleted_at TEXT",
        "ALTER TABLE report ADD COLUMN total_score TEXT",
        "ALTER TABLE report ADD COLUMN grade TEXT",
        "ALTER TABLE report ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE report ADD COLUMN warning_count INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX ix_report_unit_year ON report (unit_name, year)",
    )),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]

# Parts of a report: scalar sections are one row; ROW_PARTS are stored one row per item.
ROW_PARTS = {"finance.projects": ("finance", "projects"), "evaluation.indicators": ("evaluation", "indicators")}
SECTION_PARTS = ("meta", "unit", "tasks", "finance", "evaluation", "narrative")


@dataclass(frozen=True)
class ReportSummary:
    id: int
    unit_name: str
    year: int | None
    template: str
    total_score: str | None
    grade: str | None
    error_count: int
    warning_count: int
    updated_at: str
    deleted_at: str | None

    @property
    def status(self) -> str:
        if self.error_count:
            return f"未完成（{self.error_count}个错误）"
        return "已完成" if not self.warning_count else f"已完成（{self.warning_count}个警告）"


class StoreError(Exception):
    """A store problem to show the clerk (message in Chinese)."""


class StoreInUse(StoreError):
    """Another copy of the program is the writer of this file (models.lock)."""


class DatabaseCorrupt(StoreError):
    """The start-up check found the file damaged; offer a backup (models.backup)."""

    def __init__(self, path: Path, detail: str):
        super().__init__(f"数据库文件已损坏，无法打开：{path}。损坏的文件不会被删除；"
                         "可以从备份恢复（桌面程序会提示，或用 main.py restore）。")
        self.path = path
        self.detail = detail


def _describe_write_error(error: Exception) -> str:
    text = str(getattr(error, "orig", error)).lower()
    if "full" in text:
        return "磁盘空间不足，这次修改未能保存：请清理磁盘空间后再试"
    if "readonly" in text or "read-only" in text:
        return "数据库文件或所在的文件夹不允许写入，这次修改未能保存"
    if "i/o" in text:
        return "磁盘读写错误（U盘或网络盘可能已断开），这次修改未能保存"
    if "locked" in text or "busy" in text:
        return "数据库正忙，这次修改未能保存，请稍后再试"
    if "malformed" in text or "not a database" in text:
        return "数据库文件已损坏，这次修改未能保存：请关闭自评通后重新打开，按提示从备份恢复"
    return "数据库出错，这次修改未能保存"


def _write_errors(method):
    """A failed write (disk full, USB stick pulled) is a StoreError in Chinese; the transaction
    was rolled back, so the file holds the state before the edit."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - only database errors are translated
            if not _is_database_error(error):
                raise
            raise StoreError(_describe_write_error(error)) from None
    return wrapper


def _is_database_error(error: Exception) -> bool:
    if isinstance(error, sqlite3.DatabaseError):
        return True
    sa_exc = sys.modules.get("sqlalchemy.exc")  # loaded whenever a session could have raised
    return sa_exc is not None and isinstance(error, sa_exc.DBAPIError)


def preload_write_modules():
    """Import what the first write needs (sqlmodel, SQLAlchemy's SQLite dialect); safe in a thread."""
    import sqlalchemy.dialects.sqlite  # noqa: F401

    from . import tables  # noqa: F401


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def split_report(report: Report) -> dict[str, list[str]]:
    """Report → {part: [json body per position]}."""
    data = _write_dataclass(report)
    finance = dict(data["finance"])
    projects = finance.pop("projects")
    evaluation = dict(data["evaluation"])
    indicators = evaluation.pop("indicators")
    return {
        "meta": [_dumps({"template": data["template"], "year": data["year"], "report_date": data["report_date"]})],
        "unit": [_dumps(data["unit"])],
        "tasks": [_dumps(data["tasks"])],
        "finance": [_dumps(finance)],
        "finance.projects": [_dumps(item) for item in projects],
        "evaluation": [_dumps(evaluation)],
        "evaluation.indicators": [_dumps(item) for item in indicators],
        "narrative": [_dumps(data["narrative"])],
    }


def join_parts(rows: Iterable[tuple[str, int, str]]) -> Report:
    parts: dict[str, list[tuple[int, str]]] = {}
    for part, position, body in rows:
        parts.setdefault(part, []).append((position, body))
    single = {key: json.loads(sorted(values)[0][1]) for key, values in parts.items() if key not in ROW_PARTS}
    data = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    data.update(single.get("meta", {}))
    for key in ("unit", "tasks", "finance", "evaluation", "narrative"):
        if key in single:
            data[key] = single[key]
    for key, (section, name) in ROW_PARTS.items():
        items = [json.loads(body) for _position, body in sorted(parts.get(key, []))]
        data.setdefault(section, {})[name] = items
    if data.get("year") is None:
        data["year"] = None
    return _report_from_stored(data)


def _report_from_stored(data: dict) -> Report:
    # A stored report may be unfinished (no year yet): read it without the file-level guards.
    from .codec import _read_dataclass
    return _read_dataclass(Report, data, "")


def _set_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _set_read_only_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def schema_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(path: Path, target: int = SCHEMA_VERSION, backup_dir: Path | None = None) -> int:
    """Bring the file at ``path`` to schema ``target``; each step is one exclusive transaction.

    Before upgrading an existing file, an online backup is written to ``backup_dir``.
    Returns the version found before migrating.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise StoreError(f"数据库文件由较新版本的自评通创建（结构版本{current}），请升级本程序后再打开")
        if current < target and current > 0 and backup_dir is not None:
            backup_database(conn, backup_dir / f"{Path(path).stem}-v{current}-{_stamp()}.sqlite3")
            backups.prune(path)
        for version, statements in MIGRATIONS:
            if current < version <= target:
                conn.execute("BEGIN EXCLUSIVE")
                try:
                    for statement in statements:
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {version}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        return current
    finally:
        conn.close()


def _stamp() -> str:
    return _dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def backup_database(conn: sqlite3.Connection, destination: Path) -> Path:
    """SQLite's online backup (consistent even while the file is in use), written owner-only."""
    return backups.online_backup(conn, destination)


class Store:
    """All reading and writing of reports. One instance per open database file."""

    def __init__(self, path: Path | str, *, read_only: bool = False):
        """Open (creating if missing) the database as its one writer, or ``read_only``.

        The writer holds the lock of models.lock until ``close()``; opening runs the quick
        integrity check (DatabaseCorrupt), migrates (backup first) and takes the day's backup.
        """
        self.path = Path(path)
        self.read_only = read_only
        self._locked = False
        self._engine = None
        self._reader: sqlite3.Connection | None = None
        if read_only:
            self._open_read_only()
            return
        backups.make_private_dir(self.path.parent)
        try:
            lock.acquire(self.path)
        except lock.DatabaseInUse as exc:
            raise StoreInUse(exc.message) from None
        except lock.LockUnavailable as exc:
            raise StoreError(exc.message) from None
        self._locked = True
        try:
            self._open_writer()
        except BaseException:
            self._release()
            raise

    def _open_writer(self):
        created = False
        if not self.path.exists():
            try:
                backups.create_private_file(self.path)
                created = True
            except FileExistsError:
                pass
            except OSError as exc:
                raise StoreError(f"无法创建数据库文件 {self.path}：{backups.describe_os_error(exc)}") from None
        checked = backups.check_database(self.path)
        if checked.status in ("corrupt", "not_ours"):  # e.g. page 1 overwritten by a power cut
            raise DatabaseCorrupt(self.path, checked.detail)
        if not checked.ok:
            raise StoreError(f"无法打开数据库文件 {self.path}：文件已损坏或不是自评通的数据库（{checked.message}）")
        try:
            found = migrate(self.path, backup_dir=backups.backup_dir(self.path))
            if found and not created:
                backups.daily_backup(self.path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"无法打开数据库文件 {self.path}：文件已损坏或不是自评通的数据库（{exc}）") from None
        except OSError as exc:
            raise StoreError(f"无法写入数据库所在的文件夹 {self.path.parent}：{backups.describe_os_error(exc)}") from None
        self._connect = lambda: sqlite3.connect(self.path, check_same_thread=False)
        self._pragmas = _set_pragmas

    def _open_read_only(self):
        # For a second copy of the program (or `list`) while the writer has the file open.
        if not self.path.is_file():
            raise StoreError(f"找不到数据库文件：{self.path}")
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            with sqlite3.connect(uri, uri=True) as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"无法打开数据库文件 {self.path}：文件已损坏或不是自评通的数据库（{exc}）") from None
        if version != SCHEMA_VERSION:
            raise StoreError("数据库需要先由正在使用它的自评通窗口升级，请稍后再试" if version < SCHEMA_VERSION
                             else f"数据库文件由较新版本的自评通创建（结构版本{version}），请升级本程序后再打开")
        self._connect = lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._pragmas = _set_read_only_pragmas

    @property
    def engine(self):
        """The sqlmodel/SQLAlchemy engine for writes, made (and sqlmodel imported) on first use."""
        if self._engine is None:
            from sqlalchemy import event
            from sqlmodel import create_engine
            self._engine = create_engine(f"sqlite:///{self.path}", creator=self._connect)
            event.listen(self._engine, "connect", self._pragmas)
        return self._engine


    def _read(self) -> sqlite3.Connection:
        """The plain sqlite3 connection for the reads start-up needs (no sqlmodel import)."""
        if self._reader is None:
            self._reader = self._connect()
            self._pragmas(self._reader, None)
        return self._reader

    def backup_if_due(self):
        """The day's backup if none was taken today (for a program left open past midnight)."""
        if self.read_only:
            return None
        try:
            return backups.daily_backup(self.path)
        except (OSError, sqlite3.Error):  # a backup that fails must not stop the clerk's work
            return None

    def _release(self):
        if self._locked:
            self._locked = False
            lock.release(self.path)

    def close(self):
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *_exc):
        self.close()

    # --- reading ------------------------------------------------------------------------

    _SUMMARY_COLUMNS = ("id, unit_name, year, template, total_score, grade, error_count, warning_count, "
                        "updated_at, deleted_at")

    def list_reports(self, include_deleted: bool = False) -> list[ReportSummary]:
        where = "" if include_deleted else " WHERE deleted_at IS NULL"
        rows = self._read().execute(f"SELECT {self._SUMMARY_COLUMNS} FROM report{where}"
                                    " ORDER BY updated_at DESC, id DESC").fetchall()
        return [ReportSummary(*row) for row in rows]

    def summary(self, report_id: int) -> ReportSummary | None:
        row = self._read().execute(f"SELECT {self._SUMMARY_COLUMNS} FROM report WHERE id=?", (report_id,)).fetchone()
        return None if row is None else ReportSummary(*row)

    def load(self, report_id: int) -> Report:
        reader = self._read()
        if reader.execute("SELECT 1 FROM report WHERE id=?", (report_id,)).fetchone() is None:
            raise StoreError(f"找不到编号为{report_id}的报告")
        return join_parts(reader.execute("SELECT part, position, body FROM report_part WHERE report_id=?",
                                         (report_id,)).fetchall())

    def find(self, unit_name: str, year: int) -> ReportSummary | None:
        row = self._read().execute(f"SELECT {self._SUMMARY_COLUMNS} FROM report WHERE unit_name=? AND year=?"
                                   " AND deleted_at IS NULL ORDER BY id LIMIT 1", (unit_name, year)).fetchone()
        return None if row is None else ReportSummary(*row)

    # --- writing ------------------------------------------------------------------------

    @_write_errors
    def create(self, report: Report) -> int:
        """A new report row with all its parts, in one transaction."""
        from sqlmodel import Session

        from .tables import ReportRow
        now = _now()
        with Session(self.engine) as session, session.begin():
            row = ReportRow(unit_name=report.unit.name or "", year=report.year, template=report.template or "generic",
                            created_at=now, updated_at=now)
            self._apply_summary(row, report)
            session.add(row)
            session.flush()
            self._write_parts(session, row.id, split_report(report))
            return row.id  # type: ignore[return-value]

    def replace(self, report_id: int, report: Report):
        """Rewrite every part of an existing report (one transaction)."""
        self.save_parts(report_id, report, None)

    @_write_errors
    def save_parts(self, report_id: int, report: Report, parts: Iterable[str | tuple[str, int]] | None,
                   derived=None, problems=None):
        """Autosave: rewrite only the named parts; ``("evaluation.indicators", 3)`` rewrites one row.

        ``None`` rewrites all parts. The summary columns are refreshed in the same transaction, from
        ``derived`` and ``problems`` when the caller has just computed them for this very report
        (the wizard has), else computed here.
        """
        if parts is None:
            wanted = {key: None for key in (*SECTION_PARTS, *ROW_PARTS)}
        else:
            wanted = {}
            for part in parts:
                key, position = (part, None) if isinstance(part, str) else part
                if key not in SECTION_PARTS and key not in ROW_PARTS:
                    raise ValueError(f"unknown report part {key!r}")
                if position is None or key not in ROW_PARTS or wanted.get(key, 0) is None:
                    wanted[key] = None
                else:
                    wanted.setdefault(key, set()).add(position)
        from sqlalchemy import text as sql
        from sqlmodel import Session

        from .tables import ReportRow
        with Session(self.engine) as session, session.begin():
            row = session.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"找不到编号为{report_id}的报告")
            # Serialize the whole report only when a whole part is rewritten: one edited row of a
            # 1,000-indicator report is then one small JSON body, not the entire report.
            split = split_report(report) if any(p is None for p in wanted.values()) else {}
            for key, positions in wanted.items():
                if positions is None:
                    session.execute(sql("DELETE FROM report_part WHERE report_id=:r AND part=:p"),
                                    {"r": report_id, "p": key})
                    self._write_parts(session, report_id, {key: split[key]})
                else:
                    section, name = ROW_PARTS[key]
                    items = getattr(getattr(report, section), name)
                    for position in positions:
                        if position < len(items):
                            session.execute(sql("INSERT OR REPLACE INTO report_part (report_id, part, position, body)"
                                                " VALUES (:r, :p, :n, :b)"),
                                            {"r": report_id, "p": key, "n": position,
                                             "b": _dumps(_write_dataclass(items[position]))})
            row.unit_name = report.unit.name or ""
            row.year = report.year
            row.template = report.template or "generic"
            row.updated_at = _now()
            self._apply_summary(row, report, derived, problems)
            session.add(row)

    @staticmethod
    def _write_parts(session, report_id: int, split: dict[str, list[str]]):
        from sqlalchemy import text as sql
        rows = [{"r": report_id, "p": key, "n": position, "b": body}
                for key, bodies in split.items() for position, body in enumerate(bodies)]
        if rows:
            session.execute(sql("INSERT INTO report_part (report_id, part, position, body) VALUES (:r, :p, :n, :b)"),
                            rows)

    @staticmethod
    def _apply_summary(row, report: Report, derived=None, problems=None):
        from .checks import ERROR, run_checks
        from .scoring import derive
        if derived is None or problems is None:
            derived = derive(report)
            problems = run_checks(report, derived)
        exchange = derived.as_exchange()
        row.total_score = exchange["total_score"]
        row.grade = exchange["grade"]
        row.error_count = sum(1 for p in problems if p.severity == ERROR)
        row.warning_count = len(problems) - row.error_count

    def delete(self, report_id: int):
        """Recoverable: the report is hidden from the list until restored."""
        self._set_deleted(report_id, _now())

    def undelete(self, report_id: int):
        self._set_deleted(report_id, None)

    @_write_errors
    def _set_deleted(self, report_id: int, when: str | None):
        from sqlmodel import Session

        from .tables import ReportRow
        with Session(self.engine) as session, session.begin():
            row = session.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"找不到编号为{report_id}的报告")
            row.deleted_at = when
            session.add(row)

    @_write_errors
    def purge(self, report_id: int):
        from sqlalchemy import text as sql
        from sqlmodel import Session
        with Session(self.engine) as session, session.begin():
            session.execute(sql("DELETE FROM report_part WHERE report_id=:r"), {"r": report_id})
            session.execute(sql("DELETE FROM report WHERE id=:r"), {"r": report_id})
