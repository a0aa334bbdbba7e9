#!/usr/bin/env bash
# Set up Concord on SQLite, load the demo coalition and serve it at http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CONCORD_MAIL_DIR="${CONCORD_MAIL_DIR:-var/mail}"  # the demo's e-mail lands here, a .eml file per message
.venv/bin/concord demo
echo "Concord is starting at http://127.0.0.1:${PORT:-8000}/ (API docs at /docs). Mail: $CONCORD_MAIL_DIR/. Stop it with Ctrl-C."
exec .venv/bin/concord serve --host 127.0.0.1 --port "${PORT:-8000}"
