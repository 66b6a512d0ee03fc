/** Jest project for the Lightning web components (sfdx-lwc-jest preset + sa11y accessibility matchers). */
const path = require('path');
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  displayName: 'lwc',
  rootDir: path.resolve(__dirname, '..'),
  testMatch: ['<rootDir>/force-app/**/lwc/**/__tests__/**/*.test.js'],
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv || []), '<rootDir>/force-app/jest.lwc.setup.js'],
  // CSS modules (a bundle with only a stylesheet) resolve to their .css; the preset's resolver looks for a .js.
  moduleNameMapper: {
    ...jestConfig.moduleNameMapper,
    '^c/(engagementChips)$': '<rootDir>/force-app/main/default/lwc/$1/$1.css',
  },
  modulePathIgnorePatterns: ['<rootDir>/.preview/', '<rootDir>/node_modules/'],
  testPathIgnorePatterns: ['<rootDir>/node_modules/', '<rootDir>/.preview/'],
};
