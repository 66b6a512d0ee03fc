import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import lwcRecommended from '@salesforce/eslint-config-lwc/recommended.js';
import importPlugin from 'eslint-plugin-import';
import pulse from './tools/eslint/pulse-rules.cjs';

// The server's layers, innermost first (docs/layout.md). Each may import the ones before it, never after.
const SRC = 'packages/server/src';
const layer = (names) => names.map((n) => `./${SRC}/${n}`);
const PURE = ['model', 'identity', 'contract', 'scoring'];
const OUTER = {
  store: ['engine', 'backtest', 'sources', 'ingest', 'writeback', 'actions', 'run', 'http', 'cli'],
  engine: ['backtest', 'sources', 'ingest', 'writeback', 'actions', 'run', 'http', 'cli'],
  backtest: ['sources', 'ingest', 'writeback', 'actions', 'run', 'http', 'cli'],
  sources: ['writeback', 'actions', 'run', 'http', 'cli'],
  ingest: ['writeback', 'actions', 'run', 'http', 'cli'],
  writeback: ['actions', 'run', 'http', 'cli'],
  actions: ['run', 'http', 'cli'],
  run: ['http', 'cli'],
  http: ['cli'],
};
const layerZones = [
  ...PURE.map((name) => ({
    target: `./${SRC}/${name}`,
    from: [
      ...layer(['store', 'engine', 'backtest', 'sources', 'ingest', 'writeback', 'actions', 'run', 'http', 'cli']),
      `./${SRC}/config.ts`,
      `./${SRC}/log.ts`,
    ],
    message: `layer rule "pure": ${name}/ is pure domain code; it imports only model/, identity/, contract/, scoring/ and errors.ts.`,
  })),
  ...Object.entries(OUTER).map(([name, outer]) => ({
    target: `./${SRC}/${name}`,
    from: layer(outer),
    message: `layer rule "inward": ${name}/ may not import ${outer.join(', ')} (dependencies point inward: pure → store → engine → backtest → sources/ingest → writeback → actions → run → http → cli).`,
  })),
];
// What the server may never import: the sandbox, the demo, the tests and the tools.
const notInServer = ['packages/sandbox', 'packages/demo', 'packages/e2e', 'tools'].map((dir) => ({
  target: './packages/server',
  from: `./${dir}`,
  message: `layer rule "server stands alone": packages/server never imports ${dir} (a production install has only the server).`,
}));
// The same by package name (the resolver sees `@pulse/sandbox/...` through node_modules, not as a path).
const NOT_IN_SERVER = [
  {
    group: [
      '@pulse/sandbox',
      '@pulse/sandbox/*',
      '@pulse/demo',
      '@pulse/demo/*',
      '@pulse/e2e',
      '@pulse/e2e/*',
      '@pulse/tools',
      '@pulse/tools/*',
    ],
    message:
      'layer rule "server stands alone": packages/server never imports the sandbox, the demo, the tests or the tools (a production install has only the server).',
  },
];
const DRIVERS = ['pg', 'pg-copy-streams', '@electric-sql/pglite', 'jsforce', 'express', 'node-cron'].map((name) => ({
  name,
  message: `layer rule "pure": model/, identity/, contract/ and scoring/ use no driver or framework (${name}).`,
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'packages/console/dist/**',
      'coverage/**',
      '.pulse/**',
      '.bench/**',
      '.preview/**',
      // The sf plugin's compiled commands (npm run build -w packages/sf-plugin); its sources are linted.
      'packages/sf-plugin/lib/**',
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
    files: ['packages/**/*.ts', 'tools/**/*.ts'],
    plugins: { import: importPlugin },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Third-party code is not ours to check for cycles, and parsing PGlite's bundle overflows the stack.
      'import/ignore': ['node_modules'],
    },
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['packages/server/**/*.ts'],
    rules: {
      'import/no-restricted-paths': ['error', { zones: notInServer }],
      'no-restricted-imports': ['error', { patterns: NOT_IN_SERVER }],
    },
  },
  {
    // The layers hold for the server's code; its tests may reach across layers to set a scene.
    files: [`${SRC}/**/*.ts`],
    ignores: ['**/__tests__/**'],
    plugins: { pulse },
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            ...notInServer,
            ...layerZones,
            {
              target: `./${SRC}`,
              from: './packages/server/testing',
              message: 'layer rule "server stands alone": testing/ is for tests.',
            },
          ],
        },
      ],
      'pulse/sql-in-store': 'error',
    },
  },
  {
    files: [`${SRC}/store/**/*.ts`, '**/__tests__/**'],
    rules: { 'pulse/sql-in-store': 'off' },
  },
  {
    files: PURE.map((name) => `${SRC}/${name}/**/*.ts`),
    ignores: ['**/__tests__/**'],
    rules: { 'no-restricted-imports': ['error', { paths: DRIVERS, patterns: NOT_IN_SERVER }] },
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
  // The admin console (LWC OSS, packages/console/src): the same LWC rules, in the browser.
  ...lwcRecommended.map((config) => ({ ...config, files: ['packages/console/src/**/*.js'] })),
  {
    files: ['packages/console/src/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
      'no-unused-vars': ['error', { varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Tests drive wire adapters through their emit()/error() test utilities (as lwc-recipes does).
    files: ['force-app/**/lwc/**/__tests__/**/*.js'],
    rules: { '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' },
  },
);
