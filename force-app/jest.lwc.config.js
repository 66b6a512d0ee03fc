/** Jest project for the Lightning web components (sfdx-lwc-jest preset + sa11y accessibility matchers). */
const path = require('path');
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  displayName: 'lwc',
  rootDir: path.resolve(__dirname, '..'),
  testMatch: ['<rootDir>/force-app/**/lwc/**/__tests__/**/*.test.js'],
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv || []), '<rootDir>/force-app/jest.lwc.setup.js'],
  modulePathIgnorePatterns: ['<rootDir>/.preview/', '<rootDir>/node_modules/'],
  testPathIgnorePatterns: ['<rootDir>/node_modules/', '<rootDir>/.preview/'],
};
