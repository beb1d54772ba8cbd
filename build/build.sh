#!/usr/bin/env bash
# Build the onedir bundle of 自评通 into dist/zipingtong/ (pyinstaller, build/zipingtong.spec).
#
#   build/build.sh              the program: dist/zipingtong/zipingtong
#   build/build.sh --baseline   also a bare PySide6 window (build/bare_window.py) into
#                               dist/bare_window/, and print both bundle sizes side by side
#
# Installs what is missing first (scripts/bootstrap.sh, then the 'build' extra: pyinstaller).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BASELINE=0
for arg in "$@"; do
  case "$arg" in
    --baseline) BASELINE=1 ;;
    *) echo "usage: build/build.sh [--baseline]" >&2; exit 2 ;;
  esac
done

PY="$ROOT/.venv/bin/python"
# bootstrap.sh keeps one stamp for one set of extras: skip it when the program's packages are there,
# so that alternating with scripts/test.sh does not reinstall each time.
if ! "$PY" -c "import PySide6.QtWidgets, sqlmodel, reportlab, openpyxl, docx, platformdirs" 2>/dev/null; then
  bash scripts/bootstrap.sh
fi
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  "$PY" -m pip install -q --disable-pip-version-check -e "$ROOT[build]"
fi

"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/out build/zipingtong.spec

if [ "$BASELINE" = 1 ]; then
  # The baseline is pyinstaller's plain onedir build of a bare window, without any tuning.
  "$PY" -m PyInstaller --noconfirm --log-level WARN --onedir --name bare_window \
    --distpath dist --workpath build/out --specpath build/out build/bare_window.py
fi

size_mb() { du -sm "$1" | cut -f1; }
echo "dist/zipingtong: $(size_mb dist/zipingtong) MB"
if [ -d dist/bare_window ]; then
  echo "dist/bare_window (bare PySide6 window): $(size_mb dist/bare_window) MB"
fi
