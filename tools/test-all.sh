#!/usr/bin/env bash
# The README's test command, in tiers, fastest first (docs/testing.md): lint, typecheck, the unit,
# db, e2e and lwc tiers on embedded PGlite, the Node tiers again on PostgreSQL, the store, engine and
# daily-run suites on Citus (when PULSE_CITUS_URL names a coordinator), the card in Chromium.
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
# The Citus pass (issue 18): the store, engine and daily-run suites, and pulse score's output, on a Citus
# coordinator, where migrate distributes the tables by org_id. .ci/run starts a cluster and sets PULSE_CITUS_URL.
citus_suites=(packages/server/src/store packages/server/src/engine packages/server/src/run
  packages/e2e/run/daily.e2e.test.ts packages/e2e/scoring/scoreEverywhere.test.ts)
if [ -n "${PULSE_CITUS_URL:-}" ]; then
  echo "test-all: the store, engine and daily-run suites on Citus ($PULSE_CITUS_URL)"
  DATABASE_URL=$PULSE_CITUS_URL PULSE_TEST_CITUS=1 PULSE_TEST_SERVER_ONLY=1 \
    npx jest --json --outputFile="$out/citus.json" "${citus_suites[@]}" || status=1
else
  echo "test-all: PULSE_CITUS_URL is unset: the Citus pass did not run (.ci/run starts a cluster; docs/citus.md)"
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
