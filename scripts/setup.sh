#!/usr/bin/env bash
# Create .venv and install Concord with the given extras (default: none). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Concord needs Python 3.11 or newer; $python is $("$python" --version 2>&1)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
target=.
[ -n "$extras" ] && target=".[$extras]"
# uv installs the same packages from PyPI in seconds where pip takes over a minute; pip is the fallback.
if .venv/bin/python -m pip install --quiet --disable-pip-version-check uv 2>/dev/null \
    && .venv/bin/python -m uv pip install --quiet --python .venv/bin/python -e "$target"; then
  exit 0
fi
echo "uv was not available; installing with pip" >&2
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e "$target"
