#!/usr/bin/env bash
# Run the whole test suite (installs what is missing on first use). Qt runs offscreen.
# With ZIPINGTONG_BUILD_BUNDLE=1 the suite also builds the pyinstaller bundle and smoke-tests it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRA_SYSTEM_PACKAGES="poppler-utils strace" bash "$ROOT/scripts/bootstrap.sh" test,build
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
exec "$ROOT/.venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
