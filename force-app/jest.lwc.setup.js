/**
 * Runs before every LWC test file: registers @sa11y/jest's toBeAccessible matcher, and after each
 * test removes the components it mounted and resets the wire adapter mocks, so no test sees another's.
 */
const { registerSa11yMatcher } = require('@sa11y/jest');

registerSa11yMatcher();

afterEach(() => {
  while (document.body.firstChild) {
    document.body.removeChild(document.body.firstChild);
  }
  jest.clearAllMocks();
});
