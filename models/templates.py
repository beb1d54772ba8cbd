"""Report templates as data: resources/templates/<key>.json, each inheriting from a base file.

A template supplies the scoring rules and their defaults (bands, presets, grade labels) and,
for the exporters, the outline of the printed report. Adding a province is adding a file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .paths import resource_path


@dataclass(frozen=True)
class Band:
    low: Decimal   # percent, inclusive lower edge
    share: Decimal  # percent of the weight given


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    description: str
    rules: dict
    weight_presets: tuple
    outline: dict

    def rule(self, name: str):
        return self.rules[name]

    def decimal_rule(self, name: str) -> Decimal:
        return Decimal(self.rules[name])

    def bands(self, name: str) -> tuple[Band, ...]:
        rows = [Band(Decimal(low), Decimal(share)) for low, share in self.rules[name]]
        return tuple(sorted(rows, key=lambda band: band.low, reverse=True))

    def grade_bands(self) -> tuple[tuple[Decimal, str], ...]:
        rows = [(Decimal(low), grade) for low, grade in self.rules["grade_bands"]]
        return tuple(sorted(rows, reverse=True))

    def qualitative_band(self, band: str) -> tuple[Decimal, Decimal, str]:
        spec = self.rules["qualitative_bands"][band]
        return Decimal(spec["low"]), Decimal(spec["high"]), spec["name"]

    def grade_label(self, grade: str) -> str:
        return self.rules["grade_labels"].get(grade, grade)


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(key: str) -> dict:
    with open(resource_path("templates", f"{key}.json"), encoding="utf-8") as handle:
        data = json.load(handle)
    base = data.get("base")
    return _merge(_read(base), data) if base else data


@lru_cache(maxsize=None)
def load_template(key: str | None) -> Template:
    data = _read(key or "generic")
    return Template(key=data["key"], name=data["name"], description=data.get("description", ""),
                    rules=data["rules"], weight_presets=tuple(data.get("weight_presets", ())),
                    outline=data.get("outline", {}))


def template_keys() -> list[str]:
    folder = resource_path("templates")
    return sorted(p.stem for p in folder.glob("*.json") if not p.stem.startswith("_"))
