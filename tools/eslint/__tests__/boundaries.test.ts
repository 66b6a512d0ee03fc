/**
 * The layer rules are lint rules, so a broken boundary fails `npm run lint` naming the rule. Each
 * test plants one violation in a file the rule covers and checks that ESLint reports it by name,
 * and that the allowed form of the same code passes.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

/**
 * The rule ids and messages ESLint reports for `code` written at `rel` (a real file for the moment
 * of the check, deleted after: import/no-cycle reads the files it resolves from disk).
 */
async function lint(rel: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const file = path.join(ROOT, rel.replace(/planted/, `planted-${process.pid}`));
  const createdDir = !existsSync(path.dirname(file));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, code);
  try {
    const [result] = await eslint.lintFiles([file]);
    return (result?.messages ?? []).map((m) => ({ rule: m.ruleId, message: m.message }));
  } finally {
    rmSync(createdDir ? path.dirname(file) : file, { recursive: true, force: true });
  }
}

const only = (found: { rule: string | null; message: string }[], rule: string) => found.filter((f) => f.rule === rule);

describe('layer rules', () => {
  test.each([
    [
      'scoring/',
      'packages/server/src/scoring/planted.ts',
      "import { openDb } from '../store/db';\nexport const x = openDb;\n",
    ],
    [
      'model/',
      'packages/server/src/model/planted.ts',
      "import { runDaily } from '../run/daily';\nexport const x = runDaily;\n",
    ],
    [
      'identity/',
      'packages/server/src/identity/planted.ts',
      "import { readConfig } from '../config';\nexport const x = readConfig;\n",
    ],
  ])('pure: %s importing an outer layer is reported', async (_layer, file, code) => {
    const found = only(await lint(file, code), 'import/no-restricted-paths');
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining('layer rule "pure"')]);
  });

  test('pure: scoring/ importing a database driver is reported', async () => {
    const found = only(
      await lint('packages/server/src/scoring/planted.ts', "import pg from 'pg';\nexport const x = pg;\n"),
      'no-restricted-imports',
    );
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining('layer rule "pure"')]);
  });

  test('pure: scoring/ importing another pure module passes', async () => {
    expect(
      await lint(
        'packages/server/src/scoring/planted.ts',
        "import { DEFAULT_MODEL } from '../model/defaults';\nexport const x = DEFAULT_MODEL;\n",
      ),
    ).toEqual([]);
  });

  test.each([
    [
      'store/',
      'packages/server/src/store/planted.ts',
      "import { writeAccounts } from '../writeback/writer';\nexport const x = writeAccounts;\n",
    ],
    [
      'engine/',
      'packages/server/src/engine/planted.ts',
      "import { syncSalesforce } from '../sources/salesforce/sync';\nexport const x = syncSalesforce;\n",
    ],
    [
      'run/',
      'packages/server/src/run/planted.ts',
      "import { createApp } from '../http/app';\nexport const x = createApp;\n",
    ],
  ])('inward: %s importing an outer layer is reported', async (_layer, file, code) => {
    const found = only(await lint(file, code), 'import/no-restricted-paths');
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining('layer rule "inward"')]);
  });

  test.each([
    [
      'the sandbox',
      "import { startEmulator } from '@pulse/sandbox/src/salesforce/server';\nexport const x = startEmulator;\n",
    ],
    ['the demo', "import { runDemo } from '@pulse/demo/src/demo';\nexport const x = runDemo;\n"],
    ['test code', "import { createTestDb } from '../../testing/db';\nexport const x = createTestDb;\n"],
  ])('the server importing %s is reported', async (_what, code) => {
    const found = (await lint('packages/server/src/cli/planted.ts', code)).filter((f) => f.rule !== 'import/no-cycle');
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining('layer rule "server stands alone"')]);
  });

  test('a server test importing the sandbox is reported too', async () => {
    const code =
      "import { startEmulator } from '@pulse/sandbox/src/salesforce/server';\nexport const x = startEmulator;\n";
    const found = await lint('packages/server/src/cli/__tests__/planted.test.ts', code);
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining('layer rule "server stands alone"')]);
  });
});

describe('pulse/sql-in-store', () => {
  const query = (sql: string) =>
    `export async function q(db: { query(s: string): Promise<unknown> }) {\n  return db.query(${sql});\n}\n`;

  test.each([
    ['a SELECT in engine/', 'packages/server/src/engine/planted.ts', "'SELECT id FROM accounts WHERE org_id = $1'"],
    [
      'an INSERT template in sources/',
      'packages/server/src/sources/planted.ts',
      '`INSERT INTO events (org_id, id) VALUES ($1, $2)`',
    ],
    ['an UPDATE in run/', 'packages/server/src/run/planted.ts', "'UPDATE runs SET status = $2 WHERE id = $1'"],
    [
      'an upsert in writeback/',
      'packages/server/src/writeback/planted.ts',
      "'INSERT INTO writes (id) VALUES ($1) ON CONFLICT DO NOTHING'",
    ],
  ])('%s is reported', async (_what, file, sql) => {
    const found = only(await lint(file, query(sql)), 'pulse/sql-in-store');
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining('pulse/sql-in-store: SQL text outside store/'),
    ]);
  });

  test('the same statement in store/ passes', async () => {
    expect(
      await lint('packages/server/src/store/planted.ts', query("'SELECT id FROM accounts WHERE org_id = $1'")),
    ).toEqual([]);
  });

  test('SOQL (PascalCase Salesforce objects) in sources/ passes', async () => {
    const soql =
      "'SELECT Id, Name, (SELECT Id FROM Contacts) FROM Account WHERE SystemModstamp >= 2026-01-01T00:00:00Z'";
    expect(await lint('packages/server/src/sources/planted.ts', query(soql))).toEqual([]);
  });
});

describe('import/no-cycle', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(ROOT, 'packages', 'server', 'src', 'scoring', 'planted-'));
    writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): number => b() + 1;\n");
    writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): number => a() - 1;\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('two modules importing each other are reported', async () => {
    const results = await eslint.lintFiles([path.join(dir, 'a.ts')]);
    const found = results.flatMap((r) => r.messages).filter((m) => m.ruleId === 'import/no-cycle');
    expect(found.map((m) => m.message)).toEqual([expect.stringContaining('Dependency cycle')]);
  });
});
