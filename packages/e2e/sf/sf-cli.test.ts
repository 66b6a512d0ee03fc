/**
 * Salesforce's own CLI (`sf`, @salesforce/cli) against the emulator: log in with an access token,
 * then query, describe, update a record and export with Bulk API 2.0, as an admin would against an
 * org. Its state (auth files, config, logs) lives in a temporary HOME; telemetry and update checks
 * are off. Few invocations: the CLI takes seconds to start.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';

const root = resolve(__dirname, '../../..');
const bin = join(root, 'node_modules/.bin');
let emu: Emulator;
let home: string;
let token: string;

beforeAll(async () => {
  emu = await startEmulator({ org: { accounts: 50, seed: 3 }, forceAppDir: null });
  home = mkdtempSync(join(tmpdir(), 'pulse-sf-'));
  token = emu.issueToken();
});
afterAll(async () => {
  await emu.close();
  rmSync(home, { recursive: true, force: true });
});

/** Runs `sf args… --json` with an isolated state; resolves with its parsed JSON and exit code. */
function sf(args: string[]): Promise<{ code: number; json: { status: number; result: Record<string, unknown> } }> {
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: home,
    SF_DATA_DIR: join(home, 'data'),
    SFDX_DATA_DIR: join(home, 'data'),
    SF_STATE_FOLDER: join(home, '.sf'),
    SF_DISABLE_TELEMETRY: 'true',
    SFDX_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SFDX_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_ACCESS_TOKEN: token,
  };
  return new Promise((done) => {
    execFile(join(bin, 'sf'), [...args, '--json'], { env, cwd: home, timeout: 120_000 }, (err, stdout) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, json: JSON.parse(stdout) });
    });
  });
}

// https://developer.salesforce.com/docs/atlas.en-us.sfdx_cli_reference.meta/sfdx_cli_reference/cli_reference_org_commands_unified.htm
// (org login access-token) and the OpenID Connect UserInfo endpoint it reads the username from.
it('logs in with an access token, then queries, describes, updates and exports through the emulator', async () => {
  const login = await sf([
    'org',
    'login',
    'access-token',
    '--instance-url',
    emu.instanceUrl,
    '--no-prompt',
    '--alias',
    'emu',
  ]);
  expect(login.code).toBe(0);
  expect(login.json.result).toMatchObject({ username: emu.username, orgId: emu.orgId });

  const query = await sf([
    'data',
    'query',
    '--query',
    'SELECT Id, Name, Owner.Name FROM Account ORDER BY Name LIMIT 2',
    '--target-org',
    'emu',
  ]);
  expect(query.code).toBe(0);
  const records = query.json.result.records as Array<{ Id: string; Owner: { Name: string } }>;
  expect(records).toHaveLength(2);
  expect(records[0]!.Owner.Name).toBe(
    emu.store.get('User', String(emu.store.get('Account', records[0]!.Id)!.OwnerId))!.Name,
  );

  const describe = await sf(['sobject', 'describe', '--sobject', 'Account', '--target-org', 'emu']);
  expect(describe.code).toBe(0);
  expect(describe.json.result).toMatchObject({ name: 'Account', keyPrefix: '001' });

  const id = records[0]!.Id;
  const update = await sf([
    'data',
    'update',
    'record',
    '--sobject',
    'Account',
    '--record-id',
    id,
    '--values',
    "Name='Renamed by sf'",
    '--target-org',
    'emu',
  ]);
  expect(update.code).toBe(0);
  expect(emu.store.get('Account', id)!.Name).toBe('Renamed by sf');

  const file = join(home, 'accounts.csv');
  const exported = await sf([
    'data',
    'export',
    'bulk',
    '--query',
    'SELECT Id, Name FROM Account',
    '--output-file',
    file,
    '--wait',
    '5',
    '--target-org',
    'emu',
  ]);
  expect(exported.code).toBe(0);
  expect(exported.json.result).toMatchObject({ totalSize: 50 });
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('"Id","Name"');
  expect(lines).toHaveLength(51);
  expect(lines).toContain(`"${id}","Renamed by sf"`);
}, 300_000);
