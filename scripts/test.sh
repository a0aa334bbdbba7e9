#!/usr/bin/env bash
# Set up everything the tests need, check the import contracts, then run the whole suite on SQLite and the database
# tests again on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "test,oracles,browser" || exit 1

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || { echo "could not install Debian's chromium for the browser tests" >&2; exit 1; }
  else
    echo "the browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1
  fi
fi

PG_URL=${CONCORD_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL at 127.0.0.1:5432 is not running" >&2; exit 1; }

run_pytest() {
  .venv/bin/python -m pytest "$@"
  local code=$?
  if [ "$code" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure" >&2
    return 1
  fi
  return "$code"
}

# pytest-xdist: one worker per core (CONCORD_TEST_WORKERS overrides; 0 runs in this process), handed tests three at
# a time, long ones first (tests/conftest.py); one worker starts with all the slow reliability tests, which take this
# machine's PostgreSQL cluster one at a time in any case (tests/cluster.py). On PostgreSQL each worker gets its own
# database, <name>_gw0, <name>_gw1... (tests/conftest.py creates them). Not --dist loadgroup: with pytest 9 its
# xdist_group marks are silently ignored.
PARALLEL=(-n "${CONCORD_TEST_WORKERS:-auto}" --dist load --maxschedchunk 3)

echo "== the import contracts (pyproject.toml [tool.importlinter]) =="
.venv/bin/lint-imports || exit 1
echo "== the whole suite on SQLite =="
run_pytest -q "${PARALLEL[@]}" "$@" || exit 1
echo "== the database tests on PostgreSQL =="
CONCORD_TEST_DATABASE_URL="$PG_URL" run_pytest -q "${PARALLEL[@]}" -m "db and not browser and not slow" "$@" || exit 1
