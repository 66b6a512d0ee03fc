/**
 * `pulse run`, `pulse runs` and `pulse migrate` as a shell sees them: exit codes, the JSON summary as
 * the last line of stdout, progress on stderr. Each command is its own process on an embedded store.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';

const root = join(__dirname, '../../..');
let emu: Emulator;
let dataDir: string;

beforeAll(async () => {
  emu = await startEmulator({ org: { accounts: 50, seed: 5 }, forceAppDir: join(root, 'force-app') });
  dataDir = join(mkdtempSync(join(tmpdir(), 'pulse-cli-')), 'data');
});
afterAll(async () => {
  await emu.close();
});

function pulse(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  // Only what the command needs: no DATABASE_URL (the embedded store under dataDir), no stray SF_*.
  const base = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PULSE_DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
  };
  return new Promise((resolve) => {
    execFile(
      'node',
      ['packages/server/bin/pulse.cjs', ...args],
      { cwd: root, env: { ...base, ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

it('pulse migrate applies the migrations once, then is up to date', async () => {
  const first = await pulse(['migrate']);
  expect(first).toMatchObject({ code: 0 });
  expect(first.stdout).toMatch(/^applied \d+ migrations: 001_core\.sql, /);
  expect((await pulse(['migrate'])).stdout).toBe('up to date\n');
}, 60_000);

it('pulse run --json: exit 0 and the summary as the last stdout line; a failed run exits 1', async () => {
  const sf = { SF_LOGIN_URL: emu.loginUrl, SF_CLIENT_ID: emu.clientId, SF_CLIENT_SECRET: emu.clientSecret };
  // SF_* belong to one org (PULSE_ORG): another org is refused by name, never signed in to the same org.
  const other = await pulse(['run', '--json', '--org', 'other'], sf);
  expect(other.code).toBe(1);
  expect(other.stderr).toMatch(/no Salesforce connection for org other: the SF_\* credentials belong to org default/);
  const ok = await pulse(['run', '--json', '--org', 'cli'], { ...sf, PULSE_ORG: 'cli' });
  expect(ok.stderr).toContain('[score] publishing model default-2');
  expect(ok.code).toBe(0);
  const summary = JSON.parse(ok.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(summary).toMatchObject({ runId: expect.any(Number), status: 'succeeded', failures: [] });
  expect(summary.accountsWritten).toBe(summary.accountsScored);

  const failed = await pulse(['run', '--json', '--org', 'cli']);
  expect(failed.code).toBe(1);
  expect(JSON.parse(failed.stdout.trim().split('\n').at(-1)!)).toMatchObject({
    status: 'failed',
    failures: [{ stage: 'pull', code: 'SF_NOT_CONFIGURED' }],
  });
  expect(failed.stderr).toMatch(/pulse: run \d+ failed: no Salesforce connection for org cli: set SF_LOGIN_URL/);

  const runs = await pulse(['runs', '--org', 'cli', '--kind', 'daily']);
  expect(runs.code).toBe(0);
  const lines = runs.stdout.trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toMatch(/\bdaily\s+failed\b.*SF_NOT_CONFIGURED: no Salesforce connection/);
  expect(lines[2]).toMatch(new RegExp(`^${String(summary.runId)}\\s+daily\\s+succeeded\\b`));
}, 120_000);

it('pulse worker refuses a bad schedule, naming the variable', async () => {
  const r = await pulse(['worker'], { PULSE_RUN_AT: '6am' });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('PULSE_RUN_AT: "6am" is neither a time of day like "06:00" nor a cron expression');
}, 60_000);

it('pulse sync --source exits 1 when the pull fails (its summary says why) and 2 on an unknown source', async () => {
  // Nothing listens on port 9 of loopback: the Marketo pull cannot sign in.
  const r = await pulse(['sync', '--source', 'marketo', '--org', 'cli', '--json'], {
    MARKETO_BASE_URL: 'http://127.0.0.1:9',
    MARKETO_CLIENT_ID: 'id',
    MARKETO_CLIENT_SECRET: 'secret',
    MARKETO_MAX_CALLS_PER_20S: '0',
  });
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout.trim())).toMatchObject({ source: 'marketo', status: 'failed' });
  const unknown = await pulse(['sync', '--source', 'eloqua']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown source "eloqua": use one of salesforce, marketo, hubspot, pardot');
}, 120_000);
