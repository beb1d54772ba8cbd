"""The database file: one writer, backups (daily, before migrations, keep N), corrupt files
detected and set aside, restore from a backup, owner-only permissions."""
from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, hold_database_in_another_process, load_seed, seed_path

from models import backup, lock
from models.store import DatabaseCorrupt, Store, StoreError, StoreInUse, migrate, split_report


def run_cli(*argv, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, argv)], capture_output=True,
                          text=True, encoding="utf-8", timeout=60,
                          env={**os.environ, "ZIPINGTONG_HOME": str(home)})


def reports_in(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, unit_name, year FROM report ORDER BY id").fetchall()
    finally:
        conn.close()


def two_report_db(path: Path) -> Path:
    with Store(path) as store:
        store.create(load_seed("001"))
        store.create(load_seed("004"))
    return path


# --- one writer -----------------------------------------------------------------------------

def test_a_second_copy_is_refused_as_writer_and_reads_read_only(db_path, tmp_path):
    store = Store(db_path)
    store.create(load_seed("001"))
    try:
        refused = run_cli("import", seed_path("004"), "--db", db_path, home=tmp_path)
        assert refused.returncode == 1
        assert "另一个自评通窗口" in refused.stderr and "Traceback" not in refused.stderr
        assert f"进程{os.getpid()}" in refused.stderr  # who holds it, from the lock file
        assert len(reports_in(db_path)) == 1

        listed = run_cli("list", "--db", db_path, home=tmp_path)
        assert listed.returncode == 0, listed.stderr
        assert "只读" in listed.stderr and "株洲市芦淞区退役军人事务局" in listed.stdout

        restore = run_cli("restore", "1", "--db", db_path, home=tmp_path)
        assert restore.returncode == 1 and "Traceback" not in restore.stderr
    finally:
        store.close()
    accepted = run_cli("import", seed_path("004"), "--db", db_path, home=tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    assert len(reports_in(db_path)) == 2


def test_read_only_store_cannot_write(db_path):
    with Store(db_path) as writer:
        writer.create(load_seed("001"))
        reader = Store(db_path, read_only=True)
        try:
            assert [s.unit_name for s in reader.list_reports()] == ["株洲市芦淞区退役军人事务局"]
            with pytest.raises(Exception):
                reader.create(load_seed("004"))
        finally:
            reader.close()
    assert len(reports_in(db_path)) == 1


def test_the_lock_is_shared_inside_one_process_and_released_on_last_close(db_path, tmp_path):
    first = Store(db_path)
    second = Store(db_path)
    assert lock.holders_in_this_process(db_path) == 2
    first.close()
    assert lock.is_locked_elsewhere(db_path) is False  # (we are the holder)
    child = _hold_in_child(db_path, tmp_path, expect_refusal=True)
    assert child == "refused"
    second.close()
    second.close()  # closing twice is harmless
    assert lock.holders_in_this_process(db_path) == 0
    assert _hold_in_child(db_path, tmp_path, expect_refusal=False) == "opened"


def _hold_in_child(db_path: Path, tmp_path: Path, expect_refusal: bool) -> str:
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from models.store import Store, StoreInUse\n"
            "try:\n    Store(%r).close(); print('opened')\n"
            "except StoreInUse:\n    print('refused')\n") % (str(ROOT), str(db_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "ZIPINGTONG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_writer_leaves_no_stale_lock(db_path, tmp_path):
    child = hold_database_in_another_process(db_path, tmp_path)
    try:
        with pytest.raises(StoreInUse) as info:
            Store(db_path)
        assert "另一个自评通窗口" in str(info.value)
        assert lock.is_locked_elsewhere(db_path)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    Store(db_path).close()  # the OS dropped the dead process's lock


# --- backups ----------------------------------------------------------------------------------

def test_daily_backup_once_a_day_with_the_data_of_that_morning(db_path):
    with Store(db_path) as store:
        store.create(load_seed("001"))
    assert backup.list_backups(db_path) == []  # a brand-new file has nothing worth a backup
    with Store(db_path) as store:
        store.create(load_seed("004"))
    with Store(db_path):
        pass
    [daily] = backup.list_backups(db_path)
    assert daily.kind == "daily" and daily.kind_label == "每日自动备份"
    assert daily.report_count == 1  # taken on opening, before the second report was added
    assert daily.created.date() == daily.created.today().date()
    assert backup.daily_backup(db_path) is None  # already one today


def test_online_backup_of_an_open_wal_database_is_complete_and_self_contained(db_path):
    with Store(db_path) as store:
        store.create(load_seed("001"))
        store.create(load_seed("004"))
        assert Path(str(db_path) + "-wal").exists()  # the writes are still in the WAL
        made = backup.make_backup(db_path, "manual")
    assert backup.report_count(made) == 2
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert not Path(str(made) + "-wal").exists()


def test_only_the_newest_n_backups_are_kept(db_path):
    two_report_db(db_path)
    assert backup.read_keep(db_path) == backup.DEFAULT_KEEP
    assert backup.write_keep(db_path, 3) == 3 and backup.read_keep(db_path) == 3
    made = [backup.make_backup(db_path, "manual") for _ in range(5)]
    removed = backup.prune(db_path)
    kept = [info.path for info in backup.list_backups(db_path)]
    assert kept == list(reversed(made[2:])) and set(removed) == set(made[:2])
    assert backup.write_keep(db_path, 0) == backup.MIN_KEEP  # at least one is always kept


def test_a_migration_is_preceded_by_a_backup_that_is_listed(tmp_path):
    path = tmp_path / "old.sqlite3"
    migrate(path, target=1)
    conn = sqlite3.connect(path)
    with conn:
        report = load_seed("001")
        conn.execute("INSERT INTO report (unit_name, year, template, created_at, updated_at) VALUES (?,?,?,?,?)",
                     (report.unit.name, report.year, report.template, "2024-01-01T00:00:00", "2024-01-01T00:00:00"))
        for part, bodies in split_report(report).items():
            for position, body in enumerate(bodies):
                conn.execute("INSERT INTO report_part VALUES (1, ?, ?, ?)", (part, position, body))
    conn.close()
    Store(path).close()
    kinds = {info.kind: info for info in backup.list_backups(path)}
    assert kinds["pre-migration-v1"].kind_label == "升级前自动备份"
    assert kinds["pre-migration-v1"].report_count == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_database_backups_and_lock_are_readable_by_the_owner_only(tmp_path):
    os.umask(0o022)
    db_path = tmp_path / "data" / "reports.sqlite3"
    two_report_db(db_path)
    with Store(db_path) as store:
        store.create(load_seed("000"))
        wal = Path(str(db_path) + "-wal")
        assert wal.exists()
        files = [db_path, wal, lock.lock_path(db_path), *(i.path for i in backup.list_backups(db_path))]
        assert len(files) >= 4
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    for folder in (db_path.parent, backup.backup_dir(db_path)):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, folder


# --- corrupt files and restoring --------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncate", "garbage_header", "zeroed_page"])
def test_a_damaged_file_is_detected_set_aside_and_restored_from_the_newest_good_backup(db_path, damage):
    two_report_db(db_path)
    good = backup.make_backup(db_path, "manual")
    with Store(db_path) as store:
        store.create(load_seed("000"))  # made after the backup: lost with the damaged file
    size = db_path.stat().st_size
    with open(db_path, "r+b") as handle:
        if damage == "truncate":
            handle.truncate(size // 2)
        elif damage == "garbage_header":
            handle.write(os.urandom(100))
        else:
            handle.seek(4096 * 3)
            handle.write(b"\0" * 4096)
    damaged_bytes = db_path.read_bytes()
    assert not backup.check_database(db_path).ok
    with pytest.raises(DatabaseCorrupt) as info:
        Store(db_path)
    assert "损坏" in str(info.value) and "备份" in str(info.value)
    assert lock.holders_in_this_process(db_path) == 0  # a refused open keeps no lock

    newest = backup.newest_good_backup(db_path)
    assert newest.path == good and newest.report_count == 2
    result = backup.restore(db_path, newest.path)
    assert result.aside.name.startswith("reports.sqlite3.corrupt-")
    assert result.aside.read_bytes() == damaged_bytes  # kept aside, byte for byte
    with Store(db_path) as store:
        assert sorted(s.year for s in store.list_reports()) == [2019, 2023]


def test_newest_good_backup_skips_a_damaged_backup(db_path):
    two_report_db(db_path)
    older = backup.make_backup(db_path, "manual")
    newer = backup.make_backup(db_path, "manual")
    with open(newer, "r+b") as handle:
        handle.truncate(newer.stat().st_size // 2)
    infos = backup.list_backups(db_path)
    assert infos[0].path == newer
    assert backup.newest_good_backup(db_path).path == older
    with pytest.raises(backup.BackupError) as info:
        backup.restore(db_path, newer)
    assert "不能用于恢复" in info.value.message


def test_restore_keeps_the_current_good_file_aside_and_refuses_while_open(db_path):
    two_report_db(db_path)
    snapshot = backup.make_backup(db_path, "manual")
    store = Store(db_path)
    store.create(load_seed("000"))
    with pytest.raises(backup.BackupError) as info:
        backup.restore(db_path, snapshot)
    assert "先关闭" in info.value.message
    store.close()
    result = backup.restore(db_path, snapshot)
    assert ".before-restore-" in result.aside.name
    assert len(reports_in(db_path)) == 2
    assert len(reports_in(result.aside)) == 3  # nothing lost: the replaced file still opens in full


def test_cli_restore_lists_and_restores(db_path, tmp_path):
    two_report_db(db_path)
    backup.make_backup(db_path, "manual")
    with Store(db_path) as store:
        store.create(load_seed("000"))
    listed = run_cli("restore", "--list", "--db", db_path, home=tmp_path)
    assert listed.returncode == 0
    assert "手动备份" in listed.stdout and "2份" in listed.stdout
    missing = run_cli("restore", "7", "--db", db_path, home=tmp_path)
    assert missing.returncode == 1 and "没有序号为7的备份" in missing.stderr
    restored = run_cli("restore", "1", "--db", db_path, home=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "已用备份恢复数据库" in restored.stdout and "另存为" in restored.stdout
    assert len(reports_in(db_path)) == 2


def test_cli_on_a_corrupt_database_says_so_and_points_to_restore(db_path, tmp_path):
    two_report_db(db_path)
    with open(db_path, "r+b") as handle:
        handle.truncate(db_path.stat().st_size // 3)
    result = run_cli("list", "--db", db_path, home=tmp_path)
    assert result.returncode == 1
    assert "已损坏" in result.stderr and "main.py restore" in result.stderr and "Traceback" not in result.stderr


def test_crash_during_a_backup_leaves_no_half_backup_under_a_real_name(db_path):
    two_report_db(db_path)

    class FailingConnection(sqlite3.Connection):
        def backup(self, target, *args, **kwargs):  # a disk error half-way through the copy
            target.execute("CREATE TABLE half(x)")
            raise sqlite3.OperationalError("disk I/O error")

    conn = sqlite3.connect(db_path, factory=FailingConnection)
    with pytest.raises(sqlite3.OperationalError):
        backup.online_backup(conn, backup.backup_dir(db_path) / "reports-20240101-000000-manual.sqlite3")
    conn.close()
    assert list(backup.backup_dir(db_path).iterdir()) == []
    assert backup.list_backups(db_path) == []


# --- a disk that fills up -----------------------------------------------------------------------

def test_a_full_disk_refuses_the_edit_in_chinese_and_keeps_the_file_whole(db_path):
    from sqlalchemy import event
    with Store(db_path) as store:
        report_id = store.create(load_seed("001"))
    conn = sqlite3.connect(db_path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    store = Store(db_path)
    # SQLite's own "disk full" (SQLITE_FULL) as soon as the file would have to grow
    event.listen(store.engine, "connect",
                 lambda dbapi, _record: dbapi.execute(f"PRAGMA max_page_count={pages}"))
    with pytest.raises(StoreError) as info:
        store.create(load_seed("000"))
    assert "磁盘空间不足" in str(info.value)
    report = store.load(report_id)
    before = report.narrative.get("problems")
    report.narrative["problems"] = "很长的问题分析。" * 20_000
    with pytest.raises(StoreError):
        store.save_parts(report_id, report, ["narrative"])
    store.close()
    assert check_ok(db_path)
    with Store(db_path) as store:
        assert [s.id for s in store.list_reports()] == [report_id]
        assert store.load(report_id).narrative.get("problems") == before


def check_ok(db: Path) -> bool:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_cli_import_on_a_full_disk_says_so_and_changes_nothing(db_path, monkeypatch, capsys):
    import main
    with Store(db_path) as store:
        store.create(load_seed("004"))

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(Store, "_write_parts", staticmethod(full))
    code = main.main(["import", str(seed_path("001")), "--db", str(db_path)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("未导入：磁盘空间不足") and "内部错误" not in err
    assert len(reports_in(db_path)) == 1


def test_restore_refuses_a_file_with_foreign_triggers_or_tables(db_path, tmp_path):
    two_report_db(db_path)
    for extra in ("CREATE TRIGGER wipe AFTER INSERT ON report_part BEGIN DELETE FROM report; END",
                  "CREATE VIEW v AS SELECT 1", "CREATE TABLE loot(x)"):
        evil = tmp_path / "evil.sqlite3"
        evil.unlink(missing_ok=True)
        backup.online_backup(db_path, evil)
        conn = sqlite3.connect(evil)
        conn.execute(extra)
        conn.commit()
        conn.close()
        with pytest.raises(backup.BackupError) as info:
            backup.restore(db_path, evil)
        assert "不是自评通的备份" in info.value.message
    assert len(reports_in(db_path)) == 2 and not list(tmp_path.glob("reports.sqlite3.before-restore-*"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_an_existing_folder_of_the_clerk_keeps_its_permissions(tmp_path):
    folder = tmp_path / "Documents"
    folder.mkdir()
    folder.chmod(0o755)
    Store(folder / "reports.sqlite3").close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert stat.S_IMODE((folder / "reports.sqlite3").stat().st_mode) == 0o600


def test_a_program_left_open_past_midnight_takes_the_new_day_s_backup(db_path):
    import datetime as dt
    two_report_db(db_path)
    with Store(db_path) as store:
        [today] = backup.list_backups(db_path)
        # pretend that backup is yesterday's: renamed as the previous day's
        yesterday = (today.created - dt.timedelta(days=1)).strftime("%Y%m%d-%H%M%S")
        today.path.rename(today.path.with_name(f"reports-{yesterday}-daily.sqlite3"))
        made = store.backup_if_due()
        assert made is not None and backup.report_count(made) == 2
        assert store.backup_if_due() is None
    assert len(backup.list_backups(db_path)) == 2
