"""自评通 (ZiPingTong): the desktop program and its command line.

    main.py [gui] [--db PATH]           the desktop program
    main.py check FILE [--json]         problems and derived figures of a data.json or package
    main.py import FILE [--db PATH] [--replace]
    main.py export FILE|--report ID --out DIR [--draft] [--db PATH]
    main.py verify PACKAGE              manifest hashes and data of a package
    main.py list [--db PATH]
    main.py restore [--db PATH] [--list] [BACKUP]   backups of the database; put one back

Exit codes: 0 fine; 1 content errors / refused; 2 a file that breaks the format.
Heavy modules (Qt, sqlmodel, the exporters) are imported only by the command that needs them.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_CONTENT, EXIT_FORMAT = 0, 1, 2


def _utf8_stdio():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):  # pragma: no cover - not a text stream
            pass


# argparse's own words (usage, errors, help), in Chinese: the program speaks Chinese to its users.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "命令",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的命令 %(value)r（可用：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的%(type)s值：%(value)r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
}


def _chinese_argparse():
    argparse._ = lambda text: ARGPARSE_ZH.get(text, text)  # argparse looks its words up through _()


def _parser() -> argparse.ArgumentParser:
    _chinese_argparse()
    parser = argparse.ArgumentParser(prog="main.py", description="自评通：部门整体支出绩效自评报告")
    sub = parser.add_subparsers(dest="command")

    gui = sub.add_parser("gui", help="打开桌面程序")
    gui.add_argument("--db", type=Path, help="数据库文件（默认在用户数据目录）")
    gui.add_argument("--open", type=int, dest="open_id", help="直接打开编号为 ID 的报告")
    gui.add_argument("--quit-after-ready", action="store_true", help="首页显示后退出（测速用）")

    check = sub.add_parser("check", help="检查 data.json 或提交包")
    check.add_argument("file", type=Path)
    check.add_argument("--json", action="store_true", help="以 JSON 输出")

    imp = sub.add_parser("import", help="导入 data.json 或提交包到本地数据库")
    imp.add_argument("file", type=Path)
    imp.add_argument("--db", type=Path)
    imp.add_argument("--replace", action="store_true", help="替换同单位同年度的已有报告")

    exp = sub.add_parser("export", help="导出提交包")
    exp.add_argument("file", type=Path, nargs="?")
    exp.add_argument("--report", type=int, dest="report_id", help="本地数据库中的报告编号")
    exp.add_argument("--db", type=Path)
    exp.add_argument("--out", type=Path, required=True, help="输出文件夹")
    exp.add_argument("--draft", action="store_true", help="有错误也导出（草稿，带水印）")

    verify = sub.add_parser("verify", help="校验提交包")
    verify.add_argument("file", type=Path)

    lst = sub.add_parser("list", help="列出本地数据库中的报告")
    lst.add_argument("--db", type=Path)

    restore = sub.add_parser("restore", help="列出数据库的备份，或用一个备份恢复数据库")
    restore.add_argument("backup", nargs="?", help="备份的序号（见 --list，1 为最新）或备份文件路径")
    restore.add_argument("--db", type=Path)
    restore.add_argument("--list", action="store_true", help="只列出备份")
    return parser


def _open_store(db: Path | None, read_only_ok: bool = False):
    """The store as its one writer; a reader (list, export) falls back to read-only when
    another copy of the program holds the file (models.lock)."""
    from models.paths import default_db_path
    from models.store import Store, StoreInUse
    try:
        return Store(db or default_db_path())
    except StoreInUse:
        if not read_only_ok:
            raise
        print("提示：这个数据库正在另一个自评通窗口中使用，本次以只读方式读取。", file=sys.stderr)
        return Store(db or default_db_path(), read_only=True)


def _one_line(text: str, limit: int = 300) -> str:
    """A message from a hostile file stays one short printable line."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def _load(path: Path):
    """(loaded, None) or (None, (path, message)) for a file that breaks the format."""
    from export.package import PackageError, load_report_file
    from models.codec import FormatError
    try:
        return load_report_file(path), None
    except FormatError as exc:
        return None, (exc.path, exc.message)
    except PackageError as exc:
        return None, (exc.path, exc.message)


def _problems_for(loaded):
    from models.checks import derived_mismatches, run_checks
    from models.scoring import derive
    derived = derive(loaded.report)
    problems = run_checks(loaded.report, derived)
    problems += derived_mismatches(loaded.stated_derived, derived.as_exchange())
    return derived, problems


def _print_problems(problems, stream=None):
    stream = stream or sys.stdout
    for problem in problems:
        tag = "错误" if problem.is_error else "警告"
        print(f"{tag}\t{problem.path}\t{problem.message}", file=stream)


def _format_failure(path: str, message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"errors": [{"path": path, "message": message}], "warnings": [], "derived": {}},
                         ensure_ascii=False))
    else:
        where = f"（{_one_line(path, 80)}）" if path else ""
        print(f"文件格式错误{where}：{_one_line(message)}", file=sys.stderr)
    return EXIT_FORMAT


def cmd_check(args) -> int:
    loaded, failure = _load(args.file)
    if failure:
        return _format_failure(*failure, args.json)
    derived, problems = _problems_for(loaded)
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    exchange = derived.as_exchange()
    if args.json:
        print(json.dumps({"errors": [{"path": p.path, "message": p.message} for p in errors],
                          "warnings": [{"path": p.path, "message": p.message} for p in warnings],
                          "derived": {k: v for k, v in exchange.items()}}, ensure_ascii=False))
    else:
        report = loaded.report
        print(f"{report.unit.name or '（未填单位名称）'} {report.year}年度：{len(errors)}个错误，{len(warnings)}个警告")
        _print_problems(problems)
        labels = {"execution_rate": "执行率（%）", "budget_execution_score": "预算执行率得分",
                  "indicator_score_total": "指标得分合计", "total_score": "总分", "grade": "评价等次"}
        for key, label in labels.items():
            print(f"{label}：{exchange[key] if exchange[key] is not None else '—'}")
    return EXIT_CONTENT if errors else EXIT_OK


def _ask_replace(summary) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    answer = input(f"本地已有“{summary.unit_name}”{summary.year}年度的报告（编号{summary.id}），是否替换？[y/N] ")
    return answer.strip().lower() in ("y", "yes", "是")


def cmd_import(args) -> int:
    loaded, failure = _load(args.file)
    if failure:
        return _format_failure(*failure, False)
    from models.store import StoreError
    report = loaded.report
    _derived, problems = _problems_for(loaded)
    try:
        store = _open_store(args.db)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONTENT
    try:
        return _import_into(store, report, args, problems)
    except StoreError as exc:  # e.g. disk full: the transaction was rolled back
        print(f"未导入：{exc}", file=sys.stderr)
        return EXIT_CONTENT
    finally:
        store.close()


def _import_into(store, report, args, problems) -> int:
    existing = store.find(report.unit.name or "", report.year) if report.year else None
    if existing:
        if not (args.replace or _ask_replace(existing)):
            print(f"未导入：本地已有“{existing.unit_name}”{existing.year}年度的报告（编号{existing.id}）。"
                  "如需替换，请加 --replace", file=sys.stderr)
            return EXIT_CONTENT
        store.replace(existing.id, report)
        print(f"已替换报告（编号{existing.id}）：{report.title()}")
    else:
        report_id = store.create(report)
        print(f"已导入报告（编号{report_id}）：{report.title()}")
    errors = [p for p in problems if p.is_error]
    if problems:
        state = f"尚未完成，有{len(errors)}个错误需在向导中补全" if errors else "已完成"
        print(f"报告{state}；问题清单：")
        _print_problems(problems)
    return EXIT_OK


def cmd_export(args) -> int:
    from export.package import write_package
    if args.report_id is not None:
        from models.store import StoreError  # sqlmodel costs ≈ 0.25 s: only when the store is used
        try:
            store = _open_store(args.db, read_only_ok=True)
            try:
                report = store.load(args.report_id)
            finally:
                store.close()
        except StoreError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_CONTENT
        from types import SimpleNamespace
        loaded = SimpleNamespace(report=report, stated_derived=None, manifest=None)
    elif args.file is not None:
        loaded, failure = _load(args.file)
        if failure:
            return _format_failure(*failure, False)
    else:
        print("请指定要导出的文件，或用 --report 指定本地报告编号", file=sys.stderr)
        return EXIT_FORMAT
    _derived, problems = _problems_for(loaded)
    errors = [p for p in problems if p.is_error]
    if errors and not args.draft:
        print(f"有{len(errors)}个错误，不能导出正式提交包（可加 --draft 导出草稿）：", file=sys.stderr)
        _print_problems(errors, sys.stderr)
        return EXIT_CONTENT
    out_dir = args.out
    if not out_dir.is_dir():
        print(f"输出文件夹不存在：{out_dir}", file=sys.stderr)
        return EXIT_CONTENT
    # A short-lived command: what is loaded now lives until exit, so keep the collector off it
    # (measured: ≈ 35 ms less, most of it at exit; bench/export_speed.py).
    gc.freeze()
    try:
        path = write_package(loaded.report, out_dir, draft=bool(errors) or args.draft)
    except OSError as exc:
        from export.package import describe_os_error
        print(f"导出失败：{describe_os_error(exc)}。没有留下不完整的文件。", file=sys.stderr)
        return EXIT_CONTENT
    print(f"已导出{'草稿' if (errors or args.draft) else ''}提交包：{path}")
    return EXIT_OK


def cmd_verify(args) -> int:
    from export.package import PackageError, load_report_file
    from models.codec import FormatError
    try:
        loaded = load_report_file(args.file)
    except (PackageError, FormatError) as exc:
        where = f"（{_one_line(exc.path, 80)}）" if exc.path else ""
        print(f"校验未通过{where}：{_one_line(exc.message)}", file=sys.stderr)
        return EXIT_CONTENT
    if loaded.manifest is None:
        print("校验未通过：这不是提交包（zip），而是单独的数据文件", file=sys.stderr)
        return EXIT_CONTENT
    _derived, problems = _problems_for(loaded)
    errors = [p for p in problems if p.is_error]
    mismatches = [p for p in problems if p.path.startswith("derived.")]
    draft = loaded.manifest.get("draft")
    if (errors and not draft) or mismatches:
        print("校验未通过：提交包的数据有问题", file=sys.stderr)
        _print_problems(errors + mismatches, sys.stderr)
        return EXIT_CONTENT
    files = len(loaded.manifest["files"])
    print(f"校验通过：{files}个文件的校验值一致{'（草稿）' if draft else ''}；{loaded.report.title()}")
    return EXIT_OK


def cmd_list(args) -> int:
    from models.store import StoreError
    try:
        store = _open_store(args.db, read_only_ok=True)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONTENT
    try:
        reports = store.list_reports()
    finally:
        store.close()
    if not reports:
        print("本地数据库中还没有报告")
        return EXIT_OK
    print("编号\t年度\t单位\t模板\t总分\t等次\t状态\t最后修改")
    for r in reports:
        print(f"{r.id}\t{r.year or ''}\t{r.unit_name or '（未填）'}\t{r.template}\t{r.total_score or ''}\t"
              f"{r.grade or ''}\t{r.status}\t{r.updated_at}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from models import backup
    from models.paths import default_db_path
    db = args.db or default_db_path()
    found = backup.list_backups(db)
    if args.list or not args.backup:
        if not found:
            print(f"还没有备份（备份文件夹：{backup.backup_dir(db)}）")
            return EXIT_OK
        print("序号\t时间\t类型\t大小\t报告数\t文件")
        for number, info in enumerate(found, 1):
            count = "无法读取" if info.report_count is None else f"{info.report_count}份"
            print(f"{number}\t{info.created:%Y-%m-%d %H:%M:%S}\t{info.kind_label}\t{_size(info.size)}\t{count}\t{info.path}")
        if not args.list:
            print("恢复：main.py restore 序号（1 为最新）；当前的数据库会先另存，不会被删除")
        return EXIT_OK
    if args.backup.isdigit():
        number = int(args.backup)
        if not 1 <= number <= len(found):
            print(f"没有序号为{number}的备份（共{len(found)}个，见 main.py restore --list）", file=sys.stderr)
            return EXIT_CONTENT
        chosen = found[number - 1].path
    else:
        chosen = Path(args.backup)
    try:
        result = backup.restore(db, chosen)
    except backup.BackupError as exc:
        print(_one_line(exc.message), file=sys.stderr)
        return EXIT_CONTENT
    print(f"已用备份恢复数据库：{result.restored_from.name}")
    if result.aside:
        print(f"原来的数据库已另存为：{result.aside}")
    return EXIT_OK


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def cmd_gui(args) -> int:
    from ui.app import run
    return run(db_path=getattr(args, "db", None), open_id=getattr(args, "open_id", None),
               quit_after_ready=getattr(args, "quit_after_ready", False))


COMMANDS = {"check": cmd_check, "import": cmd_import, "export": cmd_export, "verify": cmd_verify,
            "list": cmd_list, "restore": cmd_restore, "gui": cmd_gui}


def main(argv: list[str] | None = None) -> int:
    _utf8_stdio()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "gui")  # `main.py --db X` is the desktop program too
    args = _parser().parse_args(argv)
    command = COMMANDS[args.command]
    try:
        return command(args)
    except KeyboardInterrupt:
        return 130
    except MemoryError:
        print("文件过大，内存不足，无法处理", file=sys.stderr)
        return EXIT_FORMAT
    except Exception as exc:  # a safety net: the clerk gets one line, the details go to a log file
        print(f"程序内部错误（{type(exc).__name__}），操作未完成；详细信息已记录在 {_log_error()}", file=sys.stderr)
        return EXIT_CONTENT


def _log_error() -> str:
    import traceback
    try:
        from models.paths import data_dir
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "error.log"
        with open(path, "a", encoding="utf-8") as log:
            log.write(traceback.format_exc() + "\n")
        return str(path)
    except OSError:
        return "（无法写入日志）"


if __name__ == "__main__":
    sys.exit(main())
