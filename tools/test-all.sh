#!/usr/bin/env bash
# The README's test command, in tiers, fastest first (docs/testing.md): lint, typecheck, the unit,
# db, e2e and lwc tiers on embedded PGlite, the Node tiers again on PostgreSQL, the card in Chromium.
# Every tier runs even when an earlier one failed, so one run shows everything that is broken.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
status=0
export NODE_OPTIONS=--experimental-vm-modules
npm run -s lint || status=1
npm run -s typecheck || status=1
for tier in unit db e2e lwc; do
  echo "test-all: the $tier tier on PGlite"
  npx jest --selectProjects "$tier" --json --outputFile="$out/pglite-$tier.json" || status=1
done
pg_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
if pg_isready -q -d "$pg_url" 2>/dev/null; then
  echo "test-all: the unit, db and e2e tiers on PostgreSQL ($pg_url)"
  DATABASE_URL=$pg_url PULSE_TEST_SERVER_ONLY=1 npx jest --json --outputFile="$out/postgres.json" || status=1
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
node tools/jest-summary.cjs "$out"/*.json || status=1
exit $status
