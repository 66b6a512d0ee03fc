/** Two projects: the Node server (TypeScript via swc) and the Lightning web components (sfdx-lwc-jest). */
const server = {
  displayName: 'server',
  testEnvironment: 'node',
  roots: ['<rootDir>/server', '<rootDir>/test', '<rootDir>/scripts'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

const projects = [server];
try {
  // The LWC project joins once force-app holds components (the package issue).
  const lwc = require('./force-app/jest.lwc.config.js');
  projects.push(lwc);
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
}

module.exports = { projects, testTimeout: 60000 };
