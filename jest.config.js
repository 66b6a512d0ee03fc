/**
 * The test tiers (docs/testing.md), each a Jest project, fastest first:
 * - unit: beside the code (`__tests__/*.test.ts`), no database — pure functions, emulators, tools;
 * - db:   beside the code (`__tests__/*.db.test.ts`), on a fresh database from packages/server/testing/db.ts
 *         (in-memory PGlite, or a new schema on DATABASE_URL's PostgreSQL);
 * - e2e:  packages/e2e, across parts (server + sandbox emulators + package metadata);
 * - lwc:  the Lightning web components in force-app (sfdx-lwc-jest).
 */
const node = (displayName, testMatch, testPathIgnorePatterns = []) => ({
  displayName,
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch,
  testPathIgnorePatterns: ['/node_modules/', ...testPathIgnorePatterns],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
});

const BESIDE_CODE = [
  '<rootDir>/packages/{server,sandbox}/src/**/__tests__/**/*.test.ts',
  '<rootDir>/tools/**/*.test.ts',
  '<rootDir>/packages/sf-plugin/src/**/__tests__/**/*.test.ts',
];
const projects = [
  node('unit', BESIDE_CODE, ['\\.db\\.test\\.ts$']),
  node('db', ['<rootDir>/packages/{server,sandbox}/src/**/__tests__/**/*.db.test.ts']),
  // The real `sf` CLI tests start their processes on the embedded store whatever DATABASE_URL says,
  // so the Postgres pass would only repeat them (minutes of `sf` start-ups, no added coverage).
  node(
    'e2e',
    ['<rootDir>/packages/e2e/**/*.test.ts'],
    process.env.PULSE_TEST_SERVER_ONLY === '1' ? ['/packages/e2e/sf/sf-'] : [],
  ),
];
// The Postgres pass (PULSE_TEST_SERVER_ONLY=1, with DATABASE_URL) re-runs the Node tiers only; unlike
// `--selectProjects`, this leaves a test path pattern on the command line working.
if (process.env.PULSE_TEST_SERVER_ONLY !== '1') projects.push(require('./force-app/jest.lwc.config.js'));

module.exports = { projects, testTimeout: 60000 };
