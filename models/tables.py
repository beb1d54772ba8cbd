"""The store's tables as sqlmodel classes (the schema that models.store's migrations build).

Kept apart from models.store because importing sqlmodel (pydantic + SQLAlchemy) costs about
0.3 s: the program lists and opens reports with the sqlite3 module before the first paint and
imports this module for the first write, or from an idle moment after the window is shown.
"""
from __future__ import annotations

from sqlmodel import Field, SQLModel


class ReportRow(SQLModel, table=True):
    __tablename__ = "report"
    id: int | None = Field(default=None, primary_key=True)
    unit_name: str = ""
    year: int | None = None
    template: str = "generic"
    created_at: str
    updated_at: str
    deleted_at: str | None = None
    total_score: str | None = None
    grade: str | None = None
    error_count: int = 0
    warning_count: int = 0


class ReportPart(SQLModel, table=True):
    __tablename__ = "report_part"
    report_id: int = Field(primary_key=True, foreign_key="report.id")
    part: str = Field(primary_key=True)
    position: int = Field(default=0, primary_key=True)
    body: str
