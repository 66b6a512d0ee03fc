#!/usr/bin/env bash
# The README's test command: lint, typecheck, all tests on PGlite, then the server tests on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
status=0
npm run -s lint || status=1
npm run -s typecheck || status=1
NODE_OPTIONS=--experimental-vm-modules npx jest --json --outputFile="$out/pglite.json" || status=1
pg_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
if pg_isready -q -d "$pg_url" 2>/dev/null; then
  DATABASE_URL=$pg_url PULSE_TEST_SERVER_ONLY=1 NODE_OPTIONS=--experimental-vm-modules npx jest --json --outputFile="$out/postgres.json" || status=1
else
  echo "test-all: PostgreSQL at $pg_url is not reachable; start it (see README) to run the Postgres pass" >&2
  status=1
fi
# The Lightning card in a real browser (Debian chromium via playwright-core).
if [ -x /usr/bin/chromium ]; then
  npm run -s test:browser || status=1
else
  echo "test-all: /usr/bin/chromium is missing (apt-get install chromium) — the browser test did not run" >&2
  status=1
fi
node scripts/jest-summary.cjs "$out"/*.json || status=1
exit $status
