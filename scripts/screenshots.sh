#!/usr/bin/env bash
# Write docs/screenshots/*.png: the real window at 1366×768 under Xvfb (offscreen when Xvfb is missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
if command -v xvfb-run >/dev/null 2>&1; then
  QT_QPA_PLATFORM=xcb exec xvfb-run -a -s "-screen 0 1366x768x24" "$PY" "$ROOT/scripts/screenshots.py"
fi
echo "xvfb-run not found: using Qt's offscreen platform" >&2
QT_QPA_PLATFORM=offscreen exec "$PY" "$ROOT/scripts/screenshots.py"
