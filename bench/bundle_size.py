"""Size of the frozen bundle next to a bare PySide6 bundle (goal ≤ 1.3×).

Both are onedir folders in dist/, made by ``build/build.sh --baseline`` (``--build`` here runs it).

    .venv/bin/python bench/bundle_size.py [--build]
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from common import ROOT

GOAL_RATIO = 1.3
BUNDLE_DIR = ROOT / "dist" / "zipingtong"
BARE_DIR = ROOT / "dist" / "bare_window"


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def measure() -> dict | None:
    if not (BUNDLE_DIR.is_dir() and BARE_DIR.is_dir()):
        return None
    bundle, bare = folder_bytes(BUNDLE_DIR), folder_bytes(BARE_DIR)
    return {"bundle": bundle, "bare": bare, "ratio": bundle / bare, "goal": GOAL_RATIO}


def main():
    if "--build" in sys.argv:
        subprocess.run(["bash", str(ROOT / "build" / "build.sh"), "--baseline"], check=True)
    figures = measure()
    if figures is None:
        print("no bundles in dist/: run build/build.sh --baseline (or this script with --build)")
        return
    print(f"bundle size: dist/zipingtong {figures['bundle'] / 2**20:.0f} MiB, bare PySide6 window "
          f"{figures['bare'] / 2**20:.0f} MiB ({figures['ratio']:.2f}×; goal ≤ {figures['goal']}×)")


if __name__ == "__main__":
    main()
