#!/usr/bin/env bash
# Set up Concord on SQLite, load the demo coalition and serve it at http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/concord demo
echo "Concord is starting at http://127.0.0.1:${PORT:-8000}/ (API docs at /docs). Stop it with Ctrl-C."
exec .venv/bin/concord serve --host 127.0.0.1 --port "${PORT:-8000}"
