#!/usr/bin/env bash
# Make this checkout runnable on a fresh machine: system libraries Qt needs (Debian/Ubuntu,
# when run as root), a .venv at the repo root, and the Python packages of pyproject.toml.
# Safe to run every time: it only installs what is missing or changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-}"

QT_SYSTEM_PACKAGES="libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 \
libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 \
libxcb-randr0 libxcb-xinerama0 fonts-wqy-microhei"

install_system_packages() {
  [ "$(uname -s)" = "Linux" ] || return 0
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=""
  for pkg in $QT_SYSTEM_PACKAGES ${EXTRA_SYSTEM_PACKAGES:-}; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装 Qt 所需的系统库:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "提示：缺少系统库$missing，请用管理员身份安装（apt-get install$missing）" >&2
  fi
}

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "需要 Python 3.11 或更高版本" >&2; return 1
}

install_python_packages() {
  local venv="$ROOT/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    "$(find_python)" -m venv "$venv"
  fi
  # One stamp per set of extras, so that run.sh and test.sh do not undo each other's check.
  local stamp="$venv/.zipingtong-installed-${EXTRAS:-base}"
  local want
  want="$(sha256sum < "$ROOT/pyproject.toml" | cut -c1-16)"
  if [ ! -f "$stamp" ] || ! grep -qx -- "$want" "$stamp"; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
    local spec="$ROOT"
    [ -n "$EXTRAS" ] && spec="$ROOT[$EXTRAS]"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$spec"
    echo "$want" > "$stamp"
  fi
}

install_system_packages
install_python_packages
