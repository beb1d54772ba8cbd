"""Render one page of each template's report to docs/report-<template>.png (for the README / review).

    .venv/bin/python scripts/render_report_pages.py [--dpi 80]

Needs pdftoppm (poppler-utils). Seeds: 001 as hunan, 000 as guangdong, 001 again as generic.
The page shown is found by a phrase on it, so it survives changes in pagination.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {  # template: (seed, phrase on the page to show)
    "hunan": ("001", "（一）基本支出情况"),
    "guangdong": ("000", "（一）自评结论综述"),
    "generic": ("001", "部门（单位）基本概况"),
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    from pypdf import PdfReader

    from export import pdf_report
    from models.codec import report_from_json
    for template, (seed, phrase) in PAGES.items():
        report = report_from_json((ROOT / "tests" / "fixtures" / f"seed_{seed}.json").read_bytes())
        report.template = template
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder) / "report.pdf"
            pdf.write_bytes(pdf_report.render(report, draft=False))
            pages = PdfReader(str(pdf)).pages
            number = next(i for i, page in enumerate(pages, start=1)
                          if phrase in "".join(page.extract_text().split()))
            stem = Path(folder) / "page"
            subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", "-singlefile", "-f", str(number),
                            "-l", str(number), str(pdf), str(stem)], check=True)
            target = ROOT / "docs" / f"report-{template}.png"
            target.write_bytes(stem.with_suffix(".png").read_bytes())
            print(f"{target.relative_to(ROOT)}: page {number} of {len(pages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
