"""The neutral document model: wording from the template outline, figures from the report."""
from __future__ import annotations

import string
from decimal import Decimal

import pytest

from conftest import load_seed
from export import content
from export.content import Heading, Paragraph, Signature, Table, build_document, fill, sentence
from models.templates import load_template, template_keys


def texts(document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Paragraph)]


def test_sentence_parts_drop_unknown_figures_but_never_the_subject():
    spec = {"parts": ["{year}年支出{total}万元", "其中基本支出{basic}万元", "项目支出{project}万元"]}
    assert sentence(spec, {"year": "2023", "total": "10", "basic": None, "project": "7"}) == \
        "2023年支出10万元，项目支出7万元。"
    assert sentence(spec, {"year": "2023", "total": None, "basic": "3", "project": "7"}) is None
    assert sentence({"first": ["{a}", "b{c}"]}, {"a": "", "c": "1"}) == "b1"
    assert sentence({"when": "flag", "text": "x"}, {"flag": False}) is None
    assert sentence({"unless": "flag", "text": "x"}, {"flag": False}) == "x"
    assert fill("{a}{b}", {"a": "1", "b": None}) is None


def test_hunan_generated_sentences_match_seed_001():
    document = build_document(load_seed("001"))
    lines = texts(document)
    assert "1.2023年年初预算资金2372.7万元。" in lines
    assert "2.2023年度单位一般公共预算财政拨款收入2214.5万元。" in lines
    assert ("3.2023年度单位一般公共预算财政拨款支出2214.50万元，其中：项目支出2071.33万元，基本支出143.17万元，"
            "其中：人员经费133.77万元，公用经费9.4万元。") in lines
    assert ("3.年初预算项目“安置经费”，年初预算257.75万元，年中调减46.61万元，全年预算211.14万元，实际支出211.14万元，"
            "执行率100%，无结余结转。项目实施及绩效情况如下：") in lines
    assert any(line.startswith("1.年初预算项目“涉退役军人群体就业援助专项资金”，预算320万元，因直拨镇（街道）支付")
               for line in lines)
    assert "经自评，本单位2023年度部门整体支出绩效自评得分99分，评价等次为“优”。" in lines


def test_headings_follow_the_outline_in_order():
    for seed in ("000", "001", "004"):
        report = load_seed(seed)
        outline = load_template(report.template).outline
        document = build_document(report)
        section_headings = [h.text for h in document.headings() if h.level <= 2 or h.kind == "attachment"]
        expected = [(s.get("number", "") + s["heading"]).replace("{year}", str(report.year))
                    for s in outline["sections"] if s.get("level", 1) <= 2]
        # only sections marked omit_if_empty may be missing, and the order never changes
        kept = iter(section_headings)
        for heading, spec in zip(expected, [s for s in outline["sections"] if s.get("level", 1) <= 2]):
            if heading in section_headings:
                assert next(kept) == heading
            else:
                assert spec.get("omit_if_empty"), heading


def test_guangdong_scores_on_a_100_point_scale():
    report = load_seed("000")
    for indicator in report.evaluation.indicators:
        indicator.weight = Decimal("5")
    report.evaluation.indicators[1].score_override = Decimal("4.5")
    lines = texts(build_document(report))
    assert any(line.startswith("（1）指标1“发放各类优抚对象补助金”已完成年度目标。") and line.endswith("该项得分100分。")
               for line in lines)
    assert any(line.startswith("（2）指标2“发放自主择业军队转业干部补助”") and line.endswith("该项得分90分。")
               for line in lines)


def test_guangdong_groups_indicators_by_task():
    document = build_document(load_seed("000"))
    level3 = [h.text for h in document.headings() if h.level == 3]
    # 年度总体工作 is left out (seed 000 has no overall goal): 重点工作任务 moves up to 1、
    assert level3[0] == "1、重点工作任务"
    assert level3[1:] == ["1. 任务一：推进全区优抚工作", "2. 任务二：义务兵和预备消防士家庭优待金发放工作",
                      "3. 任务三：落实相关政策做好安置工作", "4. 任务四：落实双拥工作事项"]
    summary = next(b for b in document.blocks if isinstance(b, Table) and b.header_rows
                   and b.header_rows[0][0].text == "年度主要支出计划")
    assert summary.rows[0][0].text == "任务1：推进全区优抚工作"
    assert summary.rows[0][2].text == "①发放各类优抚对象补助金"
    assert summary.rows[12][2].text.startswith("⑬")
    assert (0, 1, 6) in summary.groups  # task 1's six rows belong together


def test_hunan_attachments_end_with_signature_lines():
    document = build_document(load_seed("001"))
    signatures = [b for b in document.blocks if isinstance(b, Signature)]
    assert len(signatures) == 2
    assert signatures[0].items == [("填表人", "许冰玢"), ("填报日期", ""), ("联系电话", "28580216"),
                                   ("单位负责人签字", "朱发运")]
    attachments = [h.text for h in document.headings() if h.kind == "attachment"]
    assert attachments == ["2023年度部门（单位）整体支出绩效评价基础数据表", "2023年度部门（单位）整体支出绩效自评表"]


def test_empty_prose_sections_print_wu_and_optional_ones_vanish():
    report = load_seed("004")
    report.narrative["application"] = ""
    document = build_document(report)
    headings = [h.text for h in document.headings()]
    index = headings.index("九、绩效自评结果拟应用和公开情况")
    blocks = document.blocks
    position = blocks.index(document.headings()[index])
    assert blocks[position + 1] == Paragraph("无。")
    assert "十、其他需要说明的情况" not in headings


def test_charts_carry_decimal_data():
    document = build_document(load_seed("001"))
    charts = {b.kind: b for b in document.blocks if isinstance(b, content.Chart)}
    structure = charts["budget_structure"]
    assert [(p.label, p.value) for p in structure.parts] == [("基本支出", Decimal("143.17")),
                                                              ("项目支出", Decimal("2084.56"))]
    assert all(isinstance(s.value, Decimal) for s in structure.items)
    execution = charts["project_execution"]
    assert [s.label for s in execution.items] == ["优抚经费", "安置经费", "退役军人事务管理支出", "退役军人信访维稳经费"]


def _placeholders(node) -> set[str]:
    found = set()
    if isinstance(node, str):
        found |= {name for _, name, _, _ in string.Formatter().parse(node) if name}
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("when", "unless", "only"):
                found.add(value)
            found |= _placeholders(value)
    elif isinstance(node, list):
        for value in node:
            found |= _placeholders(value)
    return found


@pytest.mark.parametrize("key", template_keys())
def test_outline_uses_only_known_placeholders_blocks_and_tables(key):
    """Adding a province is adding a file: the file may only use what the code provides."""
    from export.report_tables import BUILDERS
    from models.report import Indicator, Project, Task
    from models.scoring import derive
    report = load_seed("001")
    template = load_template(key)
    known = set(content.report_values(report, derive(report, template), template))
    known |= set(content.project_values(Project()))
    known |= set(content.indicator_values(Indicator(), None))
    known |= set(content.task_values(Task(no=1)))
    known |= set(content.group_values([])) | {"n"}
    outline = template.outline
    assert outline["sections"], key
    assert _placeholders(outline) - known == set()
    builder = content._Builder(report, derive(report, template), template)
    for section in outline["sections"]:
        for block in section["blocks"]:
            assert hasattr(builder, f"block_{block['type']}"), block["type"]
            if block["type"] == "table":
                assert block["table"] in BUILDERS



def test_section_numbering_closes_the_gap_a_left_out_section_leaves():
    from export.content import SectionNumbering
    numbering = SectionNumbering()
    printed = []
    # （一） is left out (omit_if_empty): （二） becomes （一）; a new level-1 section restarts its children
    for number, heading, level in (("一、", "基本情况", 1), ("（二）", "收支", 2), ("（三）", "任务", 2),
                                   ("二、", "评价", 1), ("（一）", "综述", 2), ("1、", "细目", 3)):
        section = {"number": number, "heading": heading, "level": level}
        blocks = [Heading(number + heading, level)]
        numbering.renumber(section, blocks)
        printed.append(blocks[0].text)
    assert printed == ["一、基本情况", "（一）收支", "（二）任务", "二、评价", "（一）综述", "1、细目"]
