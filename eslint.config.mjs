import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import lwcRecommended from '@salesforce/eslint-config-lwc/recommended.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'coverage/**',
      '.pulse/**',
      '.bench/**',
      '.preview/**',
      // Only the Lightning web components in force-app are JavaScript; the rest is metadata.
      'force-app/**/*',
      '!force-app/**/',
      '!force-app/**/lwc/**',
      '!force-app/jest.lwc.config.js',
      '.sfdx/**',
      '.sf/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': ['error'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Scripts, tests and the CLI's entry may print; the server logs through pino.
    files: [
      'tools/**',
      'packages/e2e/**',
      'packages/sandbox/**',
      'packages/server/testing/**',
      '**/__tests__/**',
      '**/bin/**',
    ],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Lightning web components: Salesforce's LWC rules, ES modules with decorators (parsed by the LWC config's parser).
  ...lwcRecommended.map((config) => ({ ...config, files: ['force-app/**/lwc/**/*.js'] })),
  {
    files: ['force-app/**/lwc/**/*.js'],
    languageOptions: { sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Tests drive wire adapters through their emit()/error() test utilities (as lwc-recipes does).
    files: ['force-app/**/lwc/**/__tests__/**/*.js'],
    rules: { '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' },
  },
);
