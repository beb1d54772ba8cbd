"""One parse path and one display path for every kind of field the clerk edits.

Kinds come from the dataclass metadata of ``models.report`` (money, signed, number, count,
text, date, enum, bool). Refusals are ``NumberError`` with a Chinese message.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import fields as dc_fields
from decimal import Decimal

from models.money import NumberError, format_decimal, parse_count, parse_decimal, to_text
from models.report import BANDS, DIRECTIONS, INDICATOR_KINDS, YEAR_RANGE

NUMERIC_KINDS = ("money", "signed", "number", "count")

# Chinese names shown for enum values that are stored as codes.
ENUM_LABELS: dict[str, dict[str, str]] = {
    "kind": {"quantitative": "定量", "qualitative": "定性"},
    "direction": {">=": "正向（≥）", "<=": "反向（≤）", "=": "等于（=）"},
    "band": {"achieved": "达成年度指标", "partly": "部分达成", "not_achieved": "未达成"},
    "budget_execution": {"proportional": "按执行率比例计分（10号）", "bands_101": "分档计分（101号）"},
    "quantitative": {"proportional": "按完成比例计分（10号）", "threshold_60": "完成率60%以下不得分（101号）"},
    "satisfaction": {"quantitative": "按定量指标计分", "bands_101": "分档计分（101号）"},
    "template": {"hunan": "湖南模板", "guangdong": "广东模板", "generic": "通用模板"},
}
assert set(ENUM_LABELS["kind"]) == set(INDICATOR_KINDS) and set(ENUM_LABELS["direction"]) == set(DIRECTIONS)
assert set(ENUM_LABELS["band"]) == set(BANDS)

# Tooltips: what a term of the forms means (domain.md vocabulary).
GLOSSARY: dict[str, str] = {
    "上年决算数": "上一年度实际支出的决算金额（万元），可从上年报告带入",
    "年初预算数": "年初人大批准的预算金额（万元）",
    "调整数": "年度中追加（正数）或调减（负数）的预算金额（万元）",
    "全年预算数": "年初预算数加上年中调整后的预算金额（万元）＝年初预算数＋调整数",
    "全年执行数": "全年实际支出的金额（决算数，万元）",
    "结余结转": "当年未支出、结转下年或收回的金额（万元）",
    "执行率": "全年执行数 ÷ 全年预算数 × 100%，由程序计算",
    "直拨镇街": "资金直接拨付镇（街道），本级无决算数",
    "项目类别": "单位自己的分类，如 专项经费、业务工作经费（可不填）",
    "上年结转": "上年结转到本年使用的资金（万元）",
    "人员经费": "基本支出中的工资福利、对个人和家庭的补助（万元）",
    "公用经费": "基本支出中的办公、水电、差旅、会议、培训等费用（万元）",
    "项目支出": "为完成特定工作任务安排的支出（万元）",
    "本年结余": "本年收入减本年支出的结余（万元）",
    "累计结余": "历年累计的结余（万元）",
    "本年预算数": "本年度的预算金额（万元）",
    "本年决算数": "本年度实际支出的决算金额（万元）",
    "一级指标": "产出指标、效益指标、满意度指标、成本指标等",
    "二级指标": "如 数量指标、质量指标、时效指标、社会效益指标、服务对象满意度指标",
    "三级指标": "具体的指标名称，如“优抚对象抚恤补助按时足额发放率”",
    "指标性质": "定量：有数字指标值，按完成比例计分；定性：选择完成档次计分",
    "指标方向": "正向（≥）：越大越好；反向（≤）：越小越好，如成本；等于（=）：恰好达到",
    "年度指标值": "年初设定的目标数值（定量指标须为数字，单位另填）",
    "年度指标值（文字）": "报告上印出的指标值原文，如“≥95%”“2023年12月底前”",
    "实际完成值": "实际达到的数值（定量指标须为数字）",
    "实际完成值（文字）": "报告上印出的完成值原文",
    "计量单位": "如 %、人次、万元、件",
    "分值": "该指标满分；预算执行率分值加全部指标分值应为100分",
    "得分": "计入总分的得分：手工得分优先，否则为自动得分",
    "自动得分": "按计分规则自动计算的得分",
    "手工得分": "需要时手工评定的得分（须填写理由）；留空则用自动得分",
    "手工评分理由": "为什么不采用自动得分",
    "完成档次": "定性指标：达成年度指标（80%–100%）、部分达成（60%–80%）、未达成（0–60%）",
    "偏差原因分析及改进措施": "得分低于分值时必须填写",
    "确认超额完成": "实际完成值超出指标值较多时（财预〔2020〕10号第十六条），确认指标值设置合理",
    "所属任务": "对应“年度主要工作任务”的序号（广东模板按任务分组）",
    "绩效标准": "判断指标完成的标准（广东模板）",
    "完成情况": "已完成年度目标 / 部分完成 / 未完成",
    "完成情况分析": "该指标完成情况的说明段落",
    "机构名称": "本级单位及下属单位的名称",
    "机构类型": "本级 / 下属行政单位 / 下属事业单位",
    "序号": "任务编号，指标按序号归属任务",
    "任务名称": "年度主要工作任务的名称",
    "主要实施内容": "为完成任务开展的主要工作",
    "期望达到的目标": "任务的年度绩效目标",
    "固定资产总额": "该机构固定资产合计（万元）",
    "批复规模（㎡）": "批复的建筑面积（平方米）",
    "实际规模（㎡）": "实际完成的建筑面积（平方米）",
    "预算投资": "批复的投资金额（万元）",
    "实际投资": "实际完成的投资金额（万元）",
    "姓名": "评价小组成员姓名",
    "职务": "评价小组成员职务",
    "单位": "评价小组成员所在单位",
    "目标类型": "如 数量目标、质量目标、时效目标、服务对象满意度",
    "目标": "项目绩效目标内容",
}


def field_meta(cls, name: str) -> dict:
    for f in dc_fields(cls):
        if f.name == name:
            return dict(f.metadata)
    raise KeyError(f"{cls.__name__}.{name}")


def label_of(cls, name: str) -> str:
    return field_meta(cls, name).get("label", name)


def enum_label(attr: str, value) -> str:
    if value is None:
        return ""
    return ENUM_LABELS.get(attr, {}).get(value, str(value))


# "1、" "2." "（三）" "(4)" "5．" at the start of a pasted line: the report numbers the list itself.
# A digit right after "1." is a decimal ("1.5亿元…"), not a list number.
_LIST_NUMBER = re.compile(r"^\s*(?:[（(]\s*[0-9一二三四五六七八九十]{1,3}\s*[)）]|"
                          r"[0-9]{1,3}\s*[、.．](?![0-9])|[一二三四五六七八九十]{1,3}\s*[、.．])\s*")


def strip_list_number(text: str | None) -> str | None:
    """"1、贯彻执行…" → "贯彻执行…" (lines copied from a numbered list in Word)."""
    if not text:
        return text
    return _LIST_NUMBER.sub("", text, count=1)


_YEAR_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
_DATE_FORMS = (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), re.compile(r"^(\d{4})(\d{2})(\d{2})$"))


def parse_date(text: str, what: str) -> str | None:
    raw = text.strip()
    if not raw:
        return None
    for pattern in _DATE_FORMS:
        match = pattern.match(raw)
        if match:
            try:
                return _dt.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
            except ValueError:
                break
    month = _YEAR_MONTH.match(raw)
    if month and 1 <= int(month[2]) <= 12:
        raise NumberError(f"{what}要写到日，如 {month[1]}-{int(month[2]):02d}-01；只知道年月的，可写在“单位概况”中")
    raise NumberError(f"{what}“{raw[:20]}”不是有效日期，请按 2024-03-15 或 2024年3月15日 填写")


def parse_for_kind(kind: str, text, what: str):
    """Clerk's text → stored value. Raises NumberError (Chinese message) when refused."""
    if kind in ("money", "signed", "number"):
        return parse_decimal(text, allow_negative=kind != "money", grouping=True, what=what)
    if kind == "count":
        if isinstance(text, str):
            text = text.strip().replace(",", "")
        return parse_count(text, what=what)
    if kind == "date":
        return parse_date(text or "", what)
    if kind == "year":
        year = parse_count(text.strip() if isinstance(text, str) else text, what=what)
        if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise NumberError(f"{what}应为四位年份，如 2023")
        return year
    if kind == "text":
        return None if text is None else str(text)
    raise ValueError(kind)


def display(kind: str, value, places: int = 2) -> str:
    """Stored value → shown text (thousands separators for money, never a float)."""
    if value is None:
        return ""
    if kind in ("money", "signed"):
        return format_decimal(value, places=places)
    if kind == "number":
        return format_decimal(value, places=None)
    if kind == "count":
        return str(value)
    return str(value)


def edit_text(kind: str, value) -> str:
    """What an editor starts with: the exact value, without separators."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return to_text(value)
    return str(value)


def meta_for_path(path: tuple) -> dict:
    """Field metadata (kind, label, values) of the value at ``path``, walking models.report."""
    from models.report import Report
    cls = Report
    meta: dict = {"kind": "obj", "cls": Report}
    for key in path:
        if isinstance(key, int):
            if meta["kind"] == "texts":
                meta = {"kind": "text", "label": meta.get("label", "")}
            else:
                meta = {"kind": "obj", "cls": meta["cls"], "label": meta.get("label", "")}
            continue
        if meta["kind"] == "narrative":
            from models.report import NARRATIVE_SECTIONS
            return {"kind": "text", "label": NARRATIVE_SECTIONS.get(key, key)}
        cls = meta["cls"]
        meta = field_meta(cls, key)
    return meta
