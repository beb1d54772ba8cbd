"""The submission package: one zip with data.json, manifest.json and the documents.

Writing is atomic (temp file in the target folder, then rename). Reading is defensive: a
package travels on USB sticks and by e-mail, so every name, size and hash is checked before
anything is believed.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from models.codec import FormatError, cleaned_report, report_to_json
from models.paths import APP_VERSION
from models.report import Report

PACKAGE_FORMAT = "zipingtong-package"
PACKAGE_VERSION = 1
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"
ROLES = ("data", "report_pdf", "report_docx", "tables_xlsx")

MAX_MEMBERS = 64
MAX_MEMBER_BYTES = 64 * 1024 * 1024      # one document
MAX_DATA_BYTES = 32 * 1024 * 1024        # data.json
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200                          # uncompressed / compressed, per member (zip bombs)
MAX_PACKAGE_FILE_BYTES = MAX_TOTAL_BYTES  # the zip itself, before anything is parsed
MAX_NAME_CHARS = 200
# Reserved characters, control characters and the bidi controls that can disguise an extension.
_WINDOWS_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_UNIX_SYMLINK, _UNIX_TYPE_MASK = 0o120000, 0o170000
_ZIP_ENCRYPTED_FLAG = 0x1


def describe_os_error(exc: OSError) -> str:
    """models.backup.describe_os_error, imported when an error needs it: the backup module and
    sqlite3 cost every export ≈ 3 ms otherwise."""
    from models.backup import describe_os_error as describe
    return describe(exc)


class PackageError(Exception):
    """A package that cannot be trusted or read; ``message`` is one Chinese line."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Document:
    role: str
    name: str
    content: bytes


def safe_file_name(text: str, limit: int = 80) -> str:
    """A name Windows Explorer accepts: no reserved characters, no trailing dots or spaces."""
    cleaned = _WINDOWS_BAD.sub("_", text).strip().rstrip(". ")
    return (cleaned or "未命名")[:limit]


def package_name(report: Report) -> str:
    year = report.year or "年度未填"
    unit = safe_file_name(report.unit.name or "未填单位名称")
    return f"{year}_{unit}_部门整体支出绩效自评.zip"


def document_stem(report: Report) -> str:
    year = f"{report.year}年度" if report.year else ""
    return safe_file_name(f"{year}{report.unit.name or ''}部门整体支出绩效自评")


# Renderers for the document roles, registered by the export modules: role → (suffix, fn).
Renderer = Callable[[Report, bool], bytes]
RENDERERS: dict[str, tuple[str, str, Renderer]] = {}


def register_renderer(role: str, suffix: str, label: str):
    def wrap(fn: Renderer) -> Renderer:
        RENDERERS[role] = (suffix, label, fn)
        return fn
    return wrap


def _load_renderers():
    # The document modules register themselves on import; a missing one leaves its role out.
    for module in ("export.pdf_report", "export.docx_report", "export.xlsx_tables"):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def render_documents(report: Report, draft: bool) -> list[Document]:
    _load_renderers()
    stem = document_stem(report)
    documents = []
    for role in ROLES[1:]:
        if role in RENDERERS:
            suffix, label, render = RENDERERS[role]
            documents.append(Document(role, f"{stem}{label}{suffix}", render(report, draft)))
    return documents


def build_package(report: Report, *, draft: bool, documents: list[Document] | None = None,
                  created_at: str | None = None) -> bytes:
    """The zip as bytes: data.json first, then the documents, then manifest.json."""
    # Text typed or pasted in the program may hold control characters that XML (DOCX, XLSX)
    # refuses and that import would refuse: every output gets the same cleaned text.
    report = cleaned_report(report)
    if documents is None:
        documents = render_documents(report, draft)
    members = [Document("data", DATA_NAME, report_to_json(report).encode("utf-8"))] + list(documents)
    manifest = {
        "format": PACKAGE_FORMAT,
        "version": PACKAGE_VERSION,
        "app_version": APP_VERSION,
        "created_at": created_at or _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "draft": bool(draft),
        "files": [{"name": m.name, "role": m.role, "sha256": hashlib.sha256(m.content).hexdigest(),
                   "bytes": len(m.content)} for m in members],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            # PDF streams, DOCX and XLSX are deflated already: deflating them again cost ≈ 8 ms
            # for seed 001 and saved 4 % of their size
            archive.writestr(_zip_info(member.name, deflate=member.role == "data"), member.content)
        archive.writestr(_zip_info(MANIFEST_NAME),
                         json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    return buffer.getvalue()


def _zip_info(name: str, deflate: bool = True) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_dt.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info  # non-ASCII names get the UTF-8 flag from zipfile, which Explorer honours


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, content: bytes) -> Path:
    """Write ``content`` to ``path`` through a temp file in the same folder, then rename."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise OSError(f"文件夹不存在：{folder}")
    handle, temp_name = tempfile.mkstemp(prefix=".~", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp makes the file owner-only; a package is for handing on, so give it the mode any
        # new file in that folder would get (the umask decides).
        os.chmod(temp_name, 0o666 & ~_current_umask())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
    return path


def write_package(report: Report, out_dir: Path, *, draft: bool) -> Path:
    content = build_package(report, draft=draft)
    return write_atomic(Path(out_dir) / package_name(report), content)


# --- reading ----------------------------------------------------------------------------

@dataclass
class OpenedPackage:
    data: bytes
    manifest: dict
    members: dict[str, bytes]


def is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def _check_member_name(name: str):
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in re.split(r"[\\/]", name):
        raise PackageError(f"提交包含有不安全的文件路径“{name[:60]}”，已拒绝", name)
    if "/" in name or "\\" in name:
        raise PackageError(f"提交包不应含有子文件夹（“{name[:60]}”）", name)
    # Names that Windows cannot hold or that disguise what they are (CON, a:b streams, "x.pdf ").
    if (not name or len(name) > MAX_NAME_CHARS or _WINDOWS_BAD.search(name) or _WINDOWS_RESERVED.match(name)
            or name != name.rstrip(". ")):
        raise PackageError(f"提交包含有不允许的文件名“{_printable(name)[:60]}”，已拒绝", _printable(name)[:60])


def _check_member_kind(info: zipfile.ZipInfo):
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode & _UNIX_TYPE_MASK == _UNIX_SYMLINK:
        raise PackageError(f"提交包含有符号链接“{info.filename[:60]}”，已拒绝", info.filename)
    if info.flag_bits & _ZIP_ENCRYPTED_FLAG:
        raise PackageError("提交包已加密，无法读取：请导出未加密的提交包", info.filename)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise PackageError(f"提交包中的“{info.filename}”使用了不支持的压缩方式，已拒绝", info.filename)


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _precheck_zip(path: Path):
    """Refuse by the end record alone what would be costly to parse: a huge file, a central
    directory with thousands of entries (zipfile would build them all in memory first)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PackageError(f"无法读取提交包：{describe_os_error(exc)}") from None
    if size > MAX_PACKAGE_FILE_BYTES:
        raise PackageError(f"提交包过大（{size // 1024 // 1024} MB），已拒绝")
    try:
        with open(path, "rb") as handle:
            end = zipfile._EndRecData(handle)  # the stdlib's own end-record reader (stable since Python 2)
    except Exception:  # noqa: BLE001 - an unreadable end record is reported by ZipFile below
        return
    if end is None:
        raise PackageError("无法读取提交包：文件不完整（可能复制中断）或不是 zip 文件")
    entries, directory_bytes = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if entries > MAX_MEMBERS or directory_bytes > MAX_MEMBERS * (46 + 3 * MAX_NAME_CHARS + 1024):
        raise PackageError(f"提交包文件数过多（{entries}个），已拒绝")


def open_package(path: Path, *, verify_hashes: bool = True) -> OpenedPackage:
    """Read and check a package; raises PackageError (or FormatError for a bad manifest field)."""
    path = Path(path)
    _precheck_zip(path)
    try:
        archive = zipfile.ZipFile(path)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile raises many kinds on a damaged file
        raise PackageError(f"无法读取提交包：文件已损坏或不是 zip 文件（{type(exc).__name__}）") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PackageError(f"提交包文件数过多（{len(infos)}个）")
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise PackageError("提交包中有重名文件，已拒绝")
        total = 0
        for info in infos:
            _check_member_name(info.filename)
            _check_member_kind(info)
            total += info.file_size
            limit = MAX_DATA_BYTES if info.filename == DATA_NAME else MAX_MEMBER_BYTES
            if info.file_size > limit or total > MAX_TOTAL_BYTES:
                raise PackageError(f"提交包中的“{info.filename}”解压后过大，已拒绝", info.filename)
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
                raise PackageError(f"提交包中的“{info.filename}”压缩比异常（疑似压缩炸弹），已拒绝", info.filename)
        if MANIFEST_NAME not in names:
            raise PackageError("提交包缺少 manifest.json")
        if DATA_NAME not in names:
            raise PackageError("提交包缺少 data.json")
        members = {}
        read_total = 0  # what was really inflated: the sizes in the directory may lie
        for info in infos:
            members[info.filename] = content = _read_member(archive, info)
            read_total += len(content)
            if read_total > MAX_TOTAL_BYTES:
                raise PackageError(f"提交包中的“{info.filename}”解压后过大，已拒绝", info.filename)
    manifest = _parse_manifest(members[MANIFEST_NAME])
    if verify_hashes:
        verify_manifest(manifest, members)
    return OpenedPackage(members[DATA_NAME], manifest, members)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    limit = MAX_DATA_BYTES if info.filename == DATA_NAME else MAX_MEMBER_BYTES
    try:
        with archive.open(info) as handle:
            content = handle.read(limit + 1)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - zlib.error, BadZipFile (CRC), EOFError, RuntimeError…
        raise PackageError(f"提交包中的“{info.filename}”已损坏，无法读取（可能是复制或传输时出错）", info.filename) from None
    if len(content) > limit:
        raise PackageError(f"提交包中的“{info.filename}”解压后过大，已拒绝", info.filename)
    return content


def _parse_manifest(content: bytes) -> dict:
    from models.codec import loads
    try:
        manifest = loads(content)
    except FormatError as exc:
        raise PackageError(f"manifest.json 无效：{exc.message}", "manifest.json") from None
    if manifest.get("format") != PACKAGE_FORMAT:
        raise PackageError(f"manifest.json 的 format 应为“{PACKAGE_FORMAT}”", "manifest.format")
    if manifest.get("version") != PACKAGE_VERSION:
        raise PackageError(f"不支持的提交包版本“{str(manifest.get('version'))[:10]}”", "manifest.version")
    if not isinstance(manifest.get("draft", False), bool):
        raise PackageError("manifest.json 的 draft 应为 true 或 false", "manifest.draft")
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise PackageError("manifest.json 缺少文件清单 files", "manifest.files")
    return manifest


def verify_manifest(manifest: dict, members: dict[str, bytes]) -> None:
    """Every listed file present with its size and sha256; nothing unlisted but the manifest."""
    listed = set()
    for index, entry in enumerate(manifest["files"]):
        name = entry.get("name")
        where = f"manifest.files[{index}]"
        if not isinstance(name, str) or name not in members:
            raise PackageError(f"清单中列出的文件“{str(name)[:60]}”不在提交包中", where)
        if entry.get("role") not in ROLES:
            raise PackageError(f"清单中“{name}”的用途“{str(entry.get('role'))[:20]}”无效", where)
        content = members[name]
        if entry.get("bytes") != len(content) or entry.get("sha256") != hashlib.sha256(content).hexdigest():
            raise PackageError(f"“{name}”的校验值与清单不符：文件在导出后被改动或已损坏", where)
        listed.add(name)
    extra = set(members) - listed - {MANIFEST_NAME}
    if extra:
        raise PackageError(f"提交包含有清单外的文件“{sorted(extra)[0][:60]}”", "manifest.files")
    if DATA_NAME not in listed:
        raise PackageError("清单中没有 data.json", "manifest.files")


@dataclass
class LoadedReport:
    report: Report
    stated_derived: dict | None
    manifest: dict | None


MAX_JSON_FILE_BYTES = MAX_DATA_BYTES


def load_report_file(path: Path) -> LoadedReport:
    """A data.json or a package → the report; PackageError / FormatError name what is wrong."""
    from models.codec import loads, report_from_dict
    path = Path(path)
    try:
        if not path.exists():
            raise PackageError(f"找不到文件：{path}")
        if path.is_dir():
            raise PackageError(f"这是一个文件夹，不是报告文件：{path}")
        if not path.is_file():  # a device or a pipe would never end (or never start)
            raise PackageError(f"这不是一个普通文件，不能作为报告文件读取：{path}")
    except OSError as exc:
        raise PackageError(f"无法读取文件 {str(path)[:80]}：{describe_os_error(exc)}") from None
    manifest = None
    if is_zip(path) or path.suffix.lower() == ".zip":
        opened = open_package(path)
        raw, manifest = opened.data, opened.manifest
    else:
        too_big = PackageError(f"文件过大（超过 {MAX_JSON_FILE_BYTES // 1024 // 1024} MB），不是有效的报告文件")
        try:
            if path.stat().st_size > MAX_JSON_FILE_BYTES:
                raise too_big
            with open(path, "rb") as handle:
                raw = handle.read(MAX_JSON_FILE_BYTES + 1)
        except OSError as exc:
            raise PackageError(f"无法读取文件 {str(path)[:80]}：{describe_os_error(exc)}") from None
        if len(raw) > MAX_JSON_FILE_BYTES:
            raise too_big
    data = loads(raw)
    report = report_from_dict(data)
    stated = data.get("derived")
    return LoadedReport(report, stated if isinstance(stated, dict) else None, manifest)
