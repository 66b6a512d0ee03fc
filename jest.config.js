/** Two projects: the Node server (TypeScript via swc) and the Lightning web components (sfdx-lwc-jest). */
const server = {
  displayName: 'server',
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tools'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

const projects = [server];
// The Postgres pass re-runs only the server project (PULSE_TEST_SERVER_ONLY=1); unlike
// `--selectProjects`, this leaves a test path pattern on the command line working.
if (process.env.PULSE_TEST_SERVER_ONLY !== '1')
  try {
    // The LWC project joins once force-app holds components (the package issue).
    const lwc = require('./force-app/jest.lwc.config.js');
    projects.push(lwc);
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
  }

module.exports = { projects, testTimeout: 60000 };
