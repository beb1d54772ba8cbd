from decimal import Decimal

from conftest import load_seed
from models.carryover import report_from_last_year
from models.codec import report_to_dict
from models.report import NARRATIVE_SECTIONS


def test_new_year_copies_structure_and_moves_finals_to_prev_final():
    prev = load_seed("001")
    new = report_from_last_year(prev, 2024)

    assert new.year == 2024 and new.template == "hunan"
    assert new.unit.name == prev.unit.name
    assert new.unit.functions == prev.unit.functions and new.unit.functions is not prev.unit.functions
    assert new.unit.departments == prev.unit.departments
    assert [i.name for i in new.unit.institutions] == [i.name for i in prev.unit.institutions]
    assert new.unit.staffing.authorized_admin == 7
    assert new.unit.staffing.actual_in_service is None   # this year's count: to be entered

    projects = new.finance.projects
    assert [p.name for p in projects] == [p.name for p in prev.finance.projects]
    # last year's 执行数 becomes this year's 上年决算数; this year's figures start empty
    assert [p.prev_final for p in projects] == [Decimal("0"), Decimal("1828.14"), Decimal("211.14"),
                                                Decimal("26.51"), Decimal("17.01")]
    assert all(p.initial is None and p.executed is None and p.full_year is None for p in projects)
    assert projects[0].direct_to_towns is True and not projects[0].description

    assert new.finance.public_funds.total.prev_final == Decimal("9.4")
    assert new.finance.public_funds.office.prev_final == Decimal("0.15")
    assert new.finance.public_funds.total.final is None and new.finance.public_funds.total.budget is None
    assert new.finance.three_public.reception.prev_final == Decimal("0")
    assert new.finance.three_public.reception.final is None
    assert new.finance.overall_budget.initial is None
    assert [r.institution for r in new.finance.income] == ["株洲市芦淞区退役军人事务局"]
    assert new.finance.income[0].general_public is None

    indicators = new.evaluation.indicators
    assert [i.name for i in indicators] == [i.name for i in prev.evaluation.indicators]
    assert [i.weight for i in indicators] == [i.weight for i in prev.evaluation.indicators]
    assert indicators[1].target == Decimal("100") and indicators[1].actual is None
    assert all(i.actual_text is None and i.band is None and i.score_override is None for i in indicators)
    assert new.evaluation.budget_execution.weight == Decimal("10")
    assert new.evaluation.budget_execution.score_override is None
    assert new.narrative == {key: "" for key in NARRATIVE_SECTIONS}


def test_previous_report_is_untouched():
    prev = load_seed("001")
    before = report_to_dict(prev)
    new = report_from_last_year(prev, 2024)
    new.unit.functions.append("新增职责")
    new.evaluation.indicators[0].name = "改名"
    assert report_to_dict(prev) == before
