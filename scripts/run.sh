#!/usr/bin/env bash
# Start 自评通 on its default local database (installs what is missing on first use).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
if [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  # No screen (a server, an SSH session): Qt's window system plugin would abort. Run without a window.
  echo "未检测到图形桌面（DISPLAY），自评通以无窗口方式运行；请在桌面环境中运行以看到界面。" >&2
  echo "No display found: running without a window (QT_QPA_PLATFORM=offscreen)." >&2
  export QT_QPA_PLATFORM=offscreen
fi
exec "$ROOT/.venv/bin/python" "$ROOT/main.py" gui "$@"
