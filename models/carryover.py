"""A new year's report from last year's: what stays is copied, last year's 决算 becomes 上年决算数.

Copied: the unit (name, region, functions, departments, institutions, contacts, 编制), the tasks,
the projects (names, categories, goals), the indicators (definition, target and weight) and the
evaluators. Last year's final figures fill this year's 上年决算数 columns (projects, 三公经费,
公用经费). Everything the clerk must find anew for this year starts empty.
"""
from __future__ import annotations

from dataclasses import replace

from .codec import copy_report
from .report import (THREE_PUBLIC_ITEMS, AssetsByInstitution, ExpenditureRow, IncomeRow, Indicator, Project,
                     PublicFunds, Report, Staffing, ThreeColumns, ThreePublicByInstitution)
from .report import NARRATIVE_SECTIONS


def report_from_last_year(prev: Report, year: int) -> Report:
    old = copy_report(prev)  # never share objects with the previous report
    new = Report(template=old.template, year=year)

    unit = old.unit
    staffing = unit.staffing
    unit.staffing = Staffing(authorized_admin=staffing.authorized_admin,
                             authorized_public_institution=staffing.authorized_public_institution,
                             authorized_other=staffing.authorized_other)
    new.unit = unit
    new.tasks = old.tasks

    finance, prev_finance = new.finance, old.finance
    institutions = [i.name for i in unit.institutions if i.name]
    finance.income = [IncomeRow(institution=row.institution) for row in prev_finance.income] or \
        ([IncomeRow(institution=institutions[0])] if len(institutions) == 1 else [])
    finance.expenditure = [ExpenditureRow(institution=row.institution) for row in prev_finance.expenditure] or \
        ([ExpenditureRow(institution=institutions[0])] if len(institutions) == 1 else [])
    finance.projects = [Project(name=p.name, prev_final=p.executed, direct_to_towns=p.direct_to_towns,
                                category=p.category, goals=p.goals) for p in prev_finance.projects]
    for item in THREE_PUBLIC_ITEMS:
        setattr(finance.three_public, item, ThreeColumns(prev_final=getattr(prev_finance.three_public, item).final))
    finance.three_public.by_institution = [ThreePublicByInstitution(institution=row.institution)
                                           for row in prev_finance.three_public.by_institution]
    funds = PublicFunds()
    for name in ("total", "office", "utilities_travel", "meetings_training"):
        setattr(funds, name, ThreeColumns(prev_final=getattr(prev_finance.public_funds, name).final))
    finance.public_funds = funds
    finance.assets.by_institution = [AssetsByInstitution(institution=row.institution)
                                     for row in prev_finance.assets.by_institution]

    evaluation, prev_eval = new.evaluation, old.evaluation
    evaluation.overall_goal.expected = prev_eval.overall_goal.expected
    evaluation.rules = prev_eval.rules
    evaluation.budget_execution.weight = prev_eval.budget_execution.weight
    evaluation.indicators = [_indicator_for_new_year(i) for i in prev_eval.indicators]
    evaluation.evaluators = prev_eval.evaluators
    new.narrative = {key: "" for key in NARRATIVE_SECTIONS}
    return new


def _indicator_for_new_year(indicator: Indicator) -> Indicator:
    return replace(indicator, actual=None, actual_text=None, score_override=None, band=None, deviation="",
                   status=None, analysis=None, override_reason=None, over_achievement_confirmed=None)
