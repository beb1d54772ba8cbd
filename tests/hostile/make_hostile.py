"""Regenerate the hand-made hostile corpus in this folder:  python tests/hostile/make_hostile.py

Each case is a file a clerk could be handed on a USB stick: a damaged or forged package, or a
data.json that breaks the format. ``CASES`` says what each one is and what the program must
answer (exit codes of ``check``, ``import`` and ``verify``); tests/test_safety_hostile.py
runs them all. Files are written byte-for-byte the same on every run (fixed zip dates).

Two cases are built at test time only (``BUILT_AT_TEST_TIME``) because they are 10 MB each.
"""
from __future__ import annotations

import hashlib
import io
import json
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "fixtures" / "seed_001.json"
DATE = (2024, 3, 15, 10, 30, 0)

FORMAT, CONTENT, OK = 2, 1, 0
# verify answers 1 (校验未通过) for anything it cannot vouch for
REFUSED = {"check": FORMAT, "import": FORMAT, "verify": CONTENT}
ACCEPTED = {"check": OK, "import": OK, "verify": OK}
ACCEPTED_JSON = {"check": OK, "import": OK, "verify": CONTENT}  # a bare data.json is not a package


@dataclass
class Case:
    name: str
    what: str
    build: object  # () -> bytes
    expect: dict = field(default_factory=lambda: dict(REFUSED))
    message: str = ""  # a fragment the one-line message must hold (check/import)


def clean_data() -> dict:
    """Seed 001 with its one arithmetic slip corrected: no content errors, so only the hostile
    change decides the outcome."""
    data = json.loads(SEED.read_text(encoding="utf-8"))
    data["finance"]["expenditure"][0]["project"] = "2084.56"
    return data


def dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def with_change(change) -> bytes:
    data = clean_data()
    change(data)
    return dumps(data)


def replace_text(old: str, new: str) -> bytes:
    text = dumps(clean_data()).decode("utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")


# --- packages -----------------------------------------------------------------------------

def _info(name: str, compress=zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=DATE)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def manifest_for(members: list[tuple[str, bytes]], **overrides) -> bytes:
    roles = {"data.json": "data"}
    manifest = {"format": "zipingtong-package", "version": 1, "app_version": "0.1.0",
                "created_at": "2024-03-15T10:30:00+08:00", "draft": False,
                "files": [{"name": n, "role": roles.get(n, "report_pdf"),
                           "sha256": hashlib.sha256(c).hexdigest(), "bytes": len(c)} for n, c in members]}
    manifest.update(overrides)
    return json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")


def package(members: list[tuple[str, bytes]] | None = None, *, manifest: bytes | None = None,
            listed: list[tuple[str, bytes]] | None = None, infos: dict | None = None) -> bytes:
    """A zip like the program writes: the members, then manifest.json listing ``listed``."""
    members = [("data.json", dumps(clean_data()))] if members is None else members
    if manifest is None:
        manifest = manifest_for(members if listed is None else listed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            info = (infos or {}).get(name) or _info(name)
            archive.writestr(info, content)
        if manifest is not False:
            archive.writestr(_info("manifest.json"), manifest)
    return buffer.getvalue()


def valid_package() -> bytes:
    return package()


def truncated(content: bytes, keep: float) -> bytes:
    return content[: int(len(content) * keep)]


def lying_sizes() -> bytes:
    """data.json is 50 MB of spaces inflated from 50 KB, but the directory says 1,000 bytes."""
    body = b"{" + b" " * 50_000_000 + b"}"
    raw = package([("data.json", body)])
    return _patch_sizes(raw, "data.json", file_size=1000)


def _patch_sizes(raw: bytes, name: str, *, file_size: int) -> bytes:
    """Rewrite the uncompressed size of ``name`` in both its local header and the directory."""
    data = bytearray(raw)
    encoded = name.encode()
    offset = 0
    while True:
        offset = data.find(b"PK\x03\x04", offset)
        if offset < 0:
            break
        name_len = struct.unpack_from("<H", data, offset + 26)[0]
        if data[offset + 30: offset + 30 + name_len] == encoded:
            struct.pack_into("<I", data, offset + 22, file_size)
        offset += 4
    offset = 0
    while True:
        offset = data.find(b"PK\x01\x02", offset)
        if offset < 0:
            break
        name_len = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46: offset + 46 + name_len] == encoded:
            struct.pack_into("<I", data, offset + 24, file_size)
        offset += 4
    return bytes(data)


def forged_entry_count() -> bytes:
    """The end record claims 65,000 entries (a directory zipfile would try to build in memory)."""
    data = bytearray(valid_package())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 65000, 65000)
    return bytes(data)


def symlink_member() -> bytes:
    info = _info("data.json")
    info.external_attr = (0o120777 << 16)
    target = b"/etc/passwd"
    return package([("data.json", target)], infos={"data.json": info})


def encrypted_flag() -> bytes:
    """data.json marked as encrypted (general purpose flag bit 0, local header and directory)."""
    data = bytearray(valid_package())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        offset = data.find(signature)
        data[offset + flag_offset] |= 0x1
    return bytes(data)


def bzip2_member() -> bytes:
    return package(infos={"data.json": _info("data.json", zipfile.ZIP_BZIP2)})


def crc_flipped() -> bytes:
    """One byte of data.json's compressed stream changed after writing (a bad USB stick)."""
    data = bytearray(package([("data.json", dumps(clean_data()))]))
    start = data.find(b"PK\x03\x04") + 30 + len("data.json")
    data[start + 200] ^= 0xFF
    return bytes(data)


def manifest_tampered_data() -> bytes:
    """The figures were changed after export: the manifest still holds the old hash."""
    original = dumps(clean_data())
    data = clean_data()
    data["finance"]["overall_budget"]["executed"] = "2227.73"
    return package([("data.json", dumps(data))], listed=[("data.json", original)])


def manifest_wrong_size() -> bytes:
    body = dumps(clean_data())
    manifest = json.loads(manifest_for([("data.json", body)]))
    manifest["files"][0]["bytes"] += 1
    return package([("data.json", body)], manifest=json.dumps(manifest).encode())


def many_members() -> bytes:
    members = [("data.json", dumps(clean_data()))] + [(f"f{i:04d}.pdf", b"x") for i in range(1000)]
    return package(members)


def zip_of_zip() -> bytes:
    inner = valid_package()
    return package([("data.json", inner)])


def empty_zip() -> bytes:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return buffer.getvalue()


def member(name: str) -> bytes:
    members = [("data.json", dumps(clean_data())), (name, b"%PDF-1.4 hostile")]
    return package(members)


def bomb_ratio() -> bytes:
    """20 MB of zeros inflated from 20 KB, sizes stated honestly (ratio ≈ 1000:1)."""
    return package([("data.json", dumps(clean_data())), ("report.pdf", b"\0" * 20_000_000)])


def bomb_declared_huge() -> bytes:
    """A 100 MB document (over the 64 MB a document may have), stated honestly."""
    return package([("data.json", dumps(clean_data())), ("report.pdf", b"\0" * 100_000_000)])


def ten_mb_string_json() -> bytes:
    return with_change(lambda d: d["narrative"].__setitem__("problems", "问题" * 5_000_000))


def ten_mb_string_package() -> bytes:
    # varied text so that the ratio stays believable and the string limit is what refuses it
    import random
    rng = random.Random(5)
    text = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(3_500_000))
    return package([("data.json", with_change(lambda d: d["unit"].__setitem__("overview", text)))])


def deep_nesting() -> bytes:
    return replace_text('"tasks": [', '"junk": ' + "[" * 100_000 + "]" * 100_000 + ', "tasks": [')


def gbk_encoded() -> bytes:
    return dumps(clean_data()).decode("utf-8").encode("gbk")


def utf16_encoded() -> bytes:
    return dumps(clean_data()).decode("utf-8").encode("utf-16")


def many_items() -> bytes:
    return with_change(lambda d: d["unit"].__setitem__("departments", ["科"] * 20_001))


def with_bom() -> bytes:
    return b"\xef\xbb\xbf" + dumps(clean_data())


def markup_and_formulas() -> bytes:
    """Valid: text that looks like markup or a spreadsheet formula is only text."""
    def change(d):
        d["narrative"]["problems"] = "<b>粗体</b> & <font size=80>大字</font> <script>alert(1)</script>"
        d["narrative"]["improvements"] = "=HYPERLINK(\"http://example.invalid\",\"点击\")"
        d["evaluation"]["indicators"][0]["analysis"] = "+cmd|' /C calc'!A0"
        d["evaluation"]["indicators"][1]["analysis"] = "@SUM(1+1)*cmd|' /C calc'!A0"
        d["evaluation"]["indicators"][2]["analysis"] = "-2+3"
    return with_change(change)


CASES: list[Case] = [
    # --- data.json ----------------------------------------------------------------------
    Case("empty.json", "an empty file", lambda: b"", message="JSON"),
    Case("truncated.json", "data.json cut in half (copy interrupted)",
         lambda: truncated(dumps(clean_data()), 0.5), message="不完整"),
    Case("nan_number.json", "NaN as an indicator target",
         lambda: replace_text('"target": null', '"target": NaN'), message="NaN"),
    Case("infinity.json", "-Infinity as a count",
         lambda: replace_text('"authorized_admin": 7', '"authorized_admin": -Infinity'), message="NaN"),
    Case("count_1e308.json", "1e308 as a count of people",
         lambda: replace_text('"authorized_admin": 7', '"authorized_admin": 1e308'), message="整数"),
    Case("number_1e308.json", "1e308 as an indicator target (a number field)",
         lambda: replace_text('"target": null', '"target": 1e308'), message="不是有效数字"),
    Case("weight_1e999999.json", "1e999999 as an indicator weight",
         lambda: replace_text('"weight": "10"', '"weight": 1e999999'), message="不是有效数字"),
    Case("count_huge_int.json", "10^30 as a count", lambda: replace_text(
        '"authorized_admin": 7', '"authorized_admin": 1000000000000000000000000000000'), message="过大"),
    Case("int_5000_digits.json", "an integer of 5,000 digits (Python's int limit)", lambda: replace_text(
        '"authorized_admin": 7', '"authorized_admin": ' + "9" * 5000), message="位数过多"),
    Case("money_as_json_number.json", "money written as a JSON number (float)",
         lambda: replace_text('"initial": "2372.7"', '"initial": 2372.7'), message="文本形式"),
    Case("money_negative.json", "negative money",
         lambda: replace_text('"initial": "2372.7"', '"initial": "-2372.7"'), message="负数"),
    Case("money_7_decimals.json", "money with 7 decimals",
         lambda: replace_text('"initial": "2372.7"', '"initial": "2372.1234567"'), message="6位小数"),
    Case("money_placeholder_dash.json", "a placeholder (——) as money",
         lambda: replace_text('"initial": "2372.7"', '"initial": "——"'), message="不能填"),
    Case("money_placeholder_star.json", "a placeholder (*) as money",
         lambda: replace_text('"initial": "2372.7"', '"initial": "*"'), message="不能填"),
    Case("money_exponent.json", "money as \"1e308\"",
         lambda: replace_text('"initial": "2372.7"', '"initial": "1e308"'), message="不是有效数字"),
    Case("money_too_large.json", "money of 10^16 万元",
         lambda: replace_text('"initial": "2372.7"', '"initial": "10000000000000000"'), message="过大"),
    Case("money_bool.json", "true as money",
         lambda: replace_text('"initial": "2372.7"', '"initial": true'), message="文本形式"),
    Case("non_utf8_gbk.json", "the file saved as GBK", gbk_encoded, message="UTF-8"),
    Case("utf16.json", "the file saved as UTF-16", utf16_encoded, message="UTF-8"),
    Case("duplicate_key.json", "\"year\" twice", lambda: replace_text('"year": 2023', '"year": 2023, "year": 2024'),
         message="重复"),
    Case("wrong_format.json", "format is not zipingtong-report",
         lambda: with_change(lambda d: d.__setitem__("format", "other-app")), message="format"),
    Case("wrong_version.json", "version 2", lambda: with_change(lambda d: d.__setitem__("version", 2)),
         message="版本"),
    Case("version_as_text.json", "version \"1\"", lambda: with_change(lambda d: d.__setitem__("version", "1")),
         message="版本"),
    Case("year_as_text.json", "year \"2023\"", lambda: with_change(lambda d: d.__setitem__("year", "2023")),
         message="年度"),
    Case("year_1e308.json", "year 1e308", lambda: replace_text('"year": 2023', '"year": 1e308'), message="年度"),
    Case("top_level_array.json", "a JSON array instead of an object", lambda: b"[1, 2, 3]", message="对象"),
    Case("deep_nesting.json", "100,000 nested brackets", deep_nesting, message="嵌套"),
    Case("control_chars.json", "an escape sequence in the unit name",
         lambda: with_change(lambda d: d["unit"].__setitem__("name", "\x1b[31m红色\x1b[0m")), message="控制字符"),
    Case("nul_char.json", "a NUL character in a text",
         lambda: with_change(lambda d: d["unit"].__setitem__("head", "朱\x00发运")), message="控制字符"),
    Case("lone_surrogate.json", "a lone surrogate escape (\\ud800)",
         lambda: replace_text('"head": "', '"head": "\\ud800'), message="无效字符"),
    Case("noncharacter_fffe.json", "U+FFFE in a text (valid JSON, invalid XML: would break DOCX/XLSX export)",
         lambda: with_change(lambda d: d["narrative"].__setitem__("problems", "问题\ufffe")), message="控制字符"),
    Case("arabic_indic_digits.json", "money written with Arabic-Indic digits (١٢٣)",
         lambda: replace_text('"initial": "2372.7"', '"initial": "١٢٣"'), message="阿拉伯数字"),
    Case("math_bold_digits.json", "an indicator weight in mathematical bold digits (𝟏𝟎)",
         lambda: replace_text('"weight": "10"', '"weight": "𝟏𝟎"'), message="阿拉伯数字"),
    Case("bad_date.json", "report_date 2024-02-30",
         lambda: with_change(lambda d: d.__setitem__("report_date", "2024-02-30")), message="日期"),
    Case("template_path.json", "template \"../../etc/passwd\"",
         lambda: with_change(lambda d: d.__setitem__("template", "../../etc/passwd")), message="模板"),
    Case("narrative_bad_key.json", "a prose section named with a path",
         lambda: with_change(lambda d: d["narrative"].__setitem__("../x", "正文")), message="段落名"),
    Case("list_20001_items.json", "20,001 departments", many_items, message="列表过长"),
    Case("wrong_types.json", "the unit as a list",
         lambda: with_change(lambda d: d.__setitem__("unit", ["x"])), message="对象"),
    Case("with_bom.json", "valid data.json with a UTF-8 BOM", with_bom, dict(ACCEPTED_JSON)),
    Case("markup_and_formulas.json", "valid: <b>, &, <script>, =HYPERLINK, +cmd, @SUM in texts",
         markup_and_formulas, dict(ACCEPTED_JSON)),
    # --- packages -----------------------------------------------------------------------
    Case("valid.zip", "a correct package (control case)", valid_package, dict(ACCEPTED)),
    Case("truncated_half.zip", "a package cut in half", lambda: truncated(valid_package(), 0.5), message="zip"),
    Case("truncated_tail.zip", "a package missing its last 10 bytes", lambda: valid_package()[:-10],
         message="zip"),
    Case("not_a_zip.zip", "a text file named .zip", lambda: b"hello, this is not a zip\n" * 10, message="zip"),
    Case("empty.zip", "an empty zip", empty_zip, message="manifest"),
    Case("dotdot_path.zip", "a member named ../../evil.pdf", lambda: member("../../evil.pdf"),
         message="不安全"),
    Case("absolute_path.zip", "a member named /etc/cron.d/evil", lambda: member("/etc/cron.d/evil"),
         message="不安全"),
    Case("windows_drive_path.zip", "a member named C:\\Windows\\evil.dll", lambda: member("C:\\Windows\\evil.dll"),
         message="不安全"),
    Case("subfolder.zip", "a member in a subfolder", lambda: member("docs/report.pdf"), message="子文件夹"),
    Case("reserved_name_con.zip", "a member named CON.pdf (Windows device)", lambda: member("CON.pdf"),
         message="文件名"),
    Case("reserved_name_ads.zip", "a member named report.pdf:hidden (NTFS stream)",
         lambda: member("report.pdf:hidden"), message="文件名"),
    Case("trailing_dot_name.zip", "a member named \"report.pdf. \"", lambda: member("report.pdf. "),
         message="文件名"),
    Case("control_char_name.zip", "a member name with a newline", lambda: member("evil\n.pdf"), message="文件名"),
    Case("bidi_name.zip", "a member name with a right-to-left override (disguised extension)",
         lambda: member("report\u202efdp.exe"), message="文件名"),
    Case("symlink.zip", "data.json as a symlink entry to /etc/passwd", symlink_member, message="符号链接"),
    Case("encrypted.zip", "an encrypted member", encrypted_flag, message="加密"),
    Case("bzip2.zip", "an unusual compression method (bzip2)", bzip2_member, message="压缩方式"),
    Case("crc_flipped.zip", "one damaged byte inside data.json", crc_flipped, message="损坏"),
    Case("bomb_ratio.zip", "20 MB of zeros from 20 KB (ratio 1000:1)", bomb_ratio, message="压缩炸弹"),
    Case("bomb_declared_huge.zip", "a 100 MB document", bomb_declared_huge, message="过大"),
    Case("bomb_lying_sizes.zip", "50 MB inflated, the directory claims 1,000 bytes", lying_sizes,
         message="损坏"),
    Case("many_members.zip", "1,001 members", many_members, message="文件数过多"),
    Case("forged_entry_count.zip", "an end record claiming 65,000 entries", forged_entry_count,
         message="文件数过多"),
    Case("duplicate_members.zip", "data.json twice", lambda: package(
        [("data.json", dumps(clean_data())), ("data.json", b"{}")]), message="重名"),
    Case("no_manifest.zip", "no manifest.json", lambda: package(manifest=False), message="manifest"),
    Case("no_data.zip", "no data.json", lambda: package([("report.pdf", b"%PDF")]), message="data.json"),
    Case("manifest_hash_mismatch.zip", "data.json changed after export (hash differs)", manifest_tampered_data,
         message="校验值"),
    Case("manifest_size_mismatch.zip", "the manifest's byte count is off by one", manifest_wrong_size,
         message="校验值"),
    Case("unlisted_member.zip", "a member the manifest does not list", lambda: package(
        [("data.json", dumps(clean_data())), ("DATA.JSON", b"{}")],
        listed=[("data.json", dumps(clean_data()))]), message="清单外"),
    Case("manifest_wrong_format.zip", "manifest format is another program's", lambda: package(
        manifest=manifest_for([("data.json", dumps(clean_data()))], format="other")), message="format"),
    Case("manifest_version_2.zip", "manifest version 2", lambda: package(
        manifest=manifest_for([("data.json", dumps(clean_data()))], version=2)), message="版本"),
    Case("manifest_draft_text.zip", "draft \"false\" as text (truthy)", lambda: package(
        manifest=manifest_for([("data.json", dumps(clean_data()))], draft="false")), message="draft"),
    Case("manifest_nan.zip", "NaN inside manifest.json", lambda: package(
        manifest=manifest_for([("data.json", dumps(clean_data()))]).replace(b'"version": 1', b'"version": NaN')),
         message="NaN"),
    Case("manifest_files_missing.zip", "manifest without a files list", lambda: package(
        manifest=manifest_for([("data.json", dumps(clean_data()))], files=None)), message="files"),
    Case("zip_in_zip.zip", "data.json is itself a zip", zip_of_zip, message="UTF-8"),
    Case("hostile_data_in_valid_package.zip", "correct hashes around a data.json holding NaN",
         lambda: package([("data.json", replace_text('"target": null', '"target": NaN'))]), message="NaN"),
]

BUILT_AT_TEST_TIME: list[Case] = [
    Case("ten_mb_string.json", "a 10 MB text in narrative.problems", ten_mb_string_json, message="过长"),
    Case("ten_mb_string.zip", "a 10 MB text in a correct package", ten_mb_string_package, message="过长"),
]


def write_readme() -> None:
    lines = ["# Hostile corpus / 恶意与损坏文件样本", "",
             "Generated by `python tests/hostile/make_hostile.py`; run by `tests/test_safety_hostile.py`",
             "(check / import / verify: exit code, one Chinese line holding the fragment, store unchanged).",
             "Exit codes: 0 accepted, 1 refused (verify) or content errors, 2 a file that breaks the format.", "",
             "| file | what it is | check | import | verify | message holds |", "|---|---|---|---|---|---|"]
    for case in CASES + BUILT_AT_TEST_TIME:
        built = " (built at test time)" if case in BUILT_AT_TEST_TIME else ""
        what = case.what.replace("|", "\\|")
        lines.append(f"| `{case.name}`{built} | {what} | {case.expect['check']} | {case.expect['import']} | "
                     f"{case.expect['verify']} | {case.message or '—'} |")
    (HERE / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    for case in CASES:
        (HERE / case.name).write_bytes(case.build())
    names = {case.name for case in CASES}
    for stale in HERE.iterdir():
        if stale.suffix in (".json", ".zip") and stale.name not in names:
            stale.unlink()
    write_readme()
    print(f"{len(CASES)} hostile files written to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
