import sqlite3

import pytest

from conftest import load_seed, normalized
from models.codec import report_to_dict
from models.money import D
from models.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError, migrate, schema_version
from models.tables import ReportPart, ReportRow


def test_create_load_list(db_path):
    store = Store(db_path)
    first = store.create(load_seed("001"))
    second = store.create(load_seed("000"))
    listed = store.list_reports()
    assert {r.id for r in listed} == {first, second}
    summary = store.summary(first)
    assert (summary.unit_name, summary.year, summary.total_score, summary.grade) == \
        ("株洲市芦淞区退役军人事务局", 2023, "99", "优")
    assert normalized(report_to_dict(store.load(first))) == normalized(report_to_dict(load_seed("001")))
    assert store.find("株洲市芦淞区退役军人事务局", 2023).id == first
    store.close()


def test_wal_mode_and_no_real_columns(db_path):
    Store(db_path).create(load_seed("001"))
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for table in ("report", "report_part"):
        types = {row[2].upper() for row in conn.execute(f"PRAGMA table_info({table})")}
        assert "REAL" not in types and "FLOAT" not in types
    # money sits in the JSON text exactly as typed
    body = conn.execute("SELECT body FROM report_part WHERE part='finance'").fetchone()[0]
    assert '"initial":"2372.7"' in body


def test_save_one_indicator_row_only(db_path):
    store = Store(db_path)
    report = load_seed("001")
    report_id = store.create(report)
    report.evaluation.indicators[3].deviation = "偏差说明"
    report.unit.name = "改名之后"  # not saved: only the indicator row is named below
    store.save_parts(report_id, report, [("evaluation.indicators", 3)])
    loaded = store.load(report_id)
    assert loaded.evaluation.indicators[3].deviation == "偏差说明"
    assert loaded.unit.name == "株洲市芦淞区退役军人事务局"
    # the summary row follows the report given
    assert store.summary(report_id).unit_name == "改名之后"


def test_save_shorter_list_rewrites_whole_part(db_path):
    store = Store(db_path)
    report = load_seed("001")
    report_id = store.create(report)
    del report.finance.projects[0]
    store.save_parts(report_id, report, ["finance.projects"])
    assert [p.name for p in store.load(report_id).finance.projects] == [p.name for p in report.finance.projects]


def test_delete_is_recoverable(db_path):
    store = Store(db_path)
    report_id = store.create(load_seed("001"))
    store.delete(report_id)
    assert store.list_reports() == []
    assert [r.id for r in store.list_reports(include_deleted=True)] == [report_id]
    store.undelete(report_id)
    assert [r.id for r in store.list_reports()] == [report_id]


def test_unfinished_report_without_year_is_stored(db_path):
    from models.report import Report
    store = Store(db_path)
    report = Report(template="hunan")
    report.finance.overall_budget.initial = D("1.5")
    report_id = store.create(report)
    loaded = store.load(report_id)
    assert loaded.year is None and loaded.finance.overall_budget.initial == D("1.5")
    assert store.summary(report_id).error_count > 0


def _make_v1_database(path, report):
    """A file exactly as schema version 1 wrote it, holding one report."""
    from models.store import split_report
    migrate(path, target=1)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO report (unit_name, year, template, created_at, updated_at) VALUES (?,?,?,?,?)",
                     (report.unit.name, report.year, report.template, "2024-01-01T00:00:00", "2024-01-02T00:00:00"))
        for part, bodies in split_report(report).items():
            for position, body in enumerate(bodies):
                conn.execute("INSERT INTO report_part VALUES (1, ?, ?, ?)", (part, position, body))
    conn.close()


def test_upgrade_from_version_1_keeps_everything(tmp_path):
    path = tmp_path / "old.sqlite3"
    _make_v1_database(path, load_seed("001"))
    assert schema_version(path) == 1
    store = Store(path)
    assert schema_version(path) == SCHEMA_VERSION
    [summary] = store.list_reports()
    assert summary.unit_name == "株洲市芦淞区退役军人事务局" and summary.deleted_at is None
    assert normalized(report_to_dict(store.load(summary.id))) == normalized(report_to_dict(load_seed("001")))
    # a backup of the version-1 file was taken before migrating, and it is still version 1
    backups = list((tmp_path / "backups").glob("old-v1-*.sqlite3"))
    assert len(backups) == 1 and schema_version(backups[0]) == 1


def test_migrated_schema_equals_models(tmp_path):
    path = tmp_path / "new.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    for model in (ReportRow, ReportPart):
        table = model.__tablename__
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        assert columns == set(model.__table__.columns.keys()), table


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "较新版本" in str(info.value)


def test_not_a_database_is_refused_with_chinese_message(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "损坏" in str(info.value)


def test_migration_steps_are_ordered():
    versions = [version for version, _ in MIGRATIONS]
    assert versions == sorted(versions) == list(range(1, SCHEMA_VERSION + 1))
