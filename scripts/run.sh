#!/usr/bin/env bash
# Start 自评通 on its default local database (installs what is missing on first use).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
exec "$ROOT/.venv/bin/python" "$ROOT/main.py" gui "$@"
