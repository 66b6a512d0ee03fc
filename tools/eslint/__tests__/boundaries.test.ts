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

/** A module that imports `what` from `from` and uses it. */
const importing = (what: string, from: string) => `import { ${what} } from '${from}';\nexport const x = ${what};\n`;

describe('layer rules', () => {
  const PURE = 'layer rule "pure"';
  const INWARD = 'layer rule "inward"';
  const ALONE = 'layer rule "server stands alone"';
  test.each([
    ['scoring/ importing the store', 'scoring/planted.ts', importing('openDb', '../store/db'), PURE],
    ['model/ importing the daily run', 'model/planted.ts', importing('runDaily', '../run/daily'), PURE],
    ['identity/ importing the config', 'identity/planted.ts', importing('readConfig', '../config'), PURE],
    [
      'scoring/ importing a database driver',
      'scoring/planted.ts',
      "import pg from 'pg';\nexport const x = pg;\n",
      PURE,
    ],
    ['store/ importing the write-back', 'store/planted.ts', importing('writeAccounts', '../writeback/writer'), INWARD],
    [
      'engine/ importing a source',
      'engine/planted/planted.ts',
      importing('syncSalesforce', '../../sources/salesforce/sync'),
      INWARD,
    ],
    ['run/ importing the web process', 'run/planted.ts', importing('createApp', '../http/app'), INWARD],
    [
      'the server importing the sandbox',
      'cli/planted.ts',
      importing('startEmulator', '@pulse/sandbox/src/salesforce/server'),
      ALONE,
    ],
    ['the server importing the demo', 'cli/planted.ts', importing('runDemo', '@pulse/demo/src/demo'), ALONE],
    ['the server importing test code', 'cli/planted.ts', importing('createTestDb', '../../testing/db'), ALONE],
    [
      'a server test importing the sandbox',
      'cli/__tests__/planted.test.ts',
      importing('startEmulator', '@pulse/sandbox/src/salesforce/server'),
      ALONE,
    ],
  ])('%s is reported', async (_case, file, code, rule) => {
    const found = (await lint(`packages/server/src/${file}`, code)).filter((f) => f.rule !== 'import/no-cycle');
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining(rule)]);
  });

  test('scoring/ importing another pure module passes', async () => {
    expect(
      await lint('packages/server/src/scoring/planted.ts', importing('DEFAULT_MODEL', '../model/defaults')),
    ).toEqual([]);
  });
});

describe('pulse/sql-in-store', () => {
  const query = (sql: string) =>
    `export async function q(db: { query(s: string): Promise<unknown> }) {\n  return db.query(${sql});\n}\n`;

  test.each([
    [
      'a SELECT in engine/',
      'packages/server/src/engine/planted/planted.ts',
      "'SELECT id FROM accounts WHERE org_id = $1'",
    ],
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
    const found = (await lint(file, query(sql))).filter((f) => f.rule === 'pulse/sql-in-store');
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
