/**
 * The `sf pulse` plugin (packages/sf-plugin) linked into Salesforce's own CLI (`sf plugins link`), run
 * end to end against the emulator with a generated org: log in with an access token, connect the org
 * to Pulse, check it, map, run the daily cycle, read the run log, explain an account, show the status.
 * The CLI's state (auth, linked plugins, config, logs) and Pulse's embedded store live in a temporary
 * HOME; telemetry and update checks are off. `--json` results are checked by snapshot, with ids,
 * URLs, times and counts that move with the generated org normalised. Few invocations: `sf` takes
 * seconds to start.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { DEFAULT_MODEL } from '@pulse/server/src/model/defaults';

const root = resolve(__dirname, '../../..');
const bin = join(root, 'node_modules/.bin');
const plugin = join(root, 'packages/sf-plugin');
let emu: Emulator;
let home: string;
let token: string;

interface SfJson {
  status: number;
  result: Record<string, unknown>;
  name?: string;
  message?: string;
  data?: Record<string, unknown>;
}

/** Runs a command with the isolated state; resolves with its exit code and output. */
function exec(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_DATA_HOME: join(home, 'xdg-data'),
    XDG_CONFIG_HOME: join(home, 'xdg-config'),
    XDG_CACHE_HOME: join(home, 'xdg-cache'),
    SF_DATA_DIR: join(home, 'data'),
    SFDX_DATA_DIR: join(home, 'data'),
    SF_STATE_FOLDER: join(home, '.sf'),
    SF_DISABLE_TELEMETRY: 'true',
    SFDX_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SFDX_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    OCLIF_DISABLE_LINKED_ESM_WARNING: 'true',
    SF_ACCESS_TOKEN: token,
    // Pulse's side, as the `pulse` CLI reads it: the embedded store under the temporary HOME.
    PULSE_DATA_DIR: join(home, 'pulse'),
    PULSE_SECRET_KEY: 'sf-plugin-test-secret-key-0123456789',
  };
  return new Promise((done) => {
    execFile(file, args, { env, cwd, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `sf args… --json`; resolves with its parsed JSON and exit code. */
async function sf(args: string[]): Promise<{ code: number; json: SfJson; stderr: string }> {
  const r = await exec(join(bin, 'sf'), [...args, '--json'], home);
  try {
    return { code: r.code, json: JSON.parse(r.stdout) as SfJson, stderr: r.stderr };
  } catch {
    throw new Error(`sf ${args.join(' ')} printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SF_ID = /^[a-zA-Z0-9]{3}[0-9A-Za-z]{12}([A-Z0-5]{3})?$/;

/**
 * A result with what moves between runs replaced by placeholders: times and days, Salesforce ids,
 * the emulator's URL (its port), run ids, and (under `counted` keys) the counts of the generated org.
 */
function normalise(value: unknown, counted: ReadonlySet<string> = new Set(), key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v, counted, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalise(v, counted, k)]),
    );
  }
  if (typeof value === 'number' && (counted.has(key) || key === 'id' || key === 'runId')) return `<${key}>`;
  if (typeof value !== 'string') return value;
  if (ISO.test(value)) return '<time>';
  if (DAY.test(value)) return '<day>';
  if (value === emu.orgId) return '<orgId>';
  if (SF_ID.test(value) && /^(00|001|003|00Q|005)/.test(value)) return '<sfId>';
  return value.split(emu.instanceUrl).join('<instanceUrl>');
}

beforeAll(async () => {
  emu = await startEmulator({ org: { accounts: 50, seed: 3 }, forceAppDir: join(root, 'force-app') });
  home = mkdtempSync(join(tmpdir(), 'pulse-sf-plugin-'));
  token = emu.issueToken();
  // The plugin is an ES module: oclif loads a linked one from its compiled lib/, so build it first
  // (types are checked by `npm run typecheck`; this only emits).
  const build = await exec(join(bin, 'tsc'), ['-p', join(plugin, 'tsconfig.json'), '--noCheck'], root);
  expect(build).toMatchObject({ code: 0 });
  const link = await exec(join(bin, 'sf'), ['plugins', 'link', plugin, '--no-install'], home);
  expect(link.code).toBe(0);
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
}, 300_000);
afterAll(async () => {
  await emu?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const accounts = () => [...emu.store.all('Account')];

// https://developer.salesforce.com/docs/platform/salesforce-cli-plugin/guide/get-started.html (sf plugins
// link) and https://developer.salesforce.com/docs/platform/salesforce-cli-plugin/guide/messages.html.
it('connects the target org with the session from the CLI, then maps, checks, runs and reports', async () => {
  const connect = await sf(['pulse', 'connect', '--target-org', 'emu']);
  expect(connect.code).toBe(0);
  expect(connect.json.result).toMatchObject({
    org: emu.orgId,
    salesforceOrgId: emu.orgId,
    username: emu.username,
    authKind: 'access_token',
    loginUrl: emu.instanceUrl,
  });
  expect(normalise(connect.json.result)).toMatchSnapshot('connect');

  // An unknown output is refused, naming it and the outputs there are.
  const bad = await sf(['pulse', 'mapping', 'set', '--target-org', 'emu', '--output', 'nope', '--field', 'X__c']);
  expect(bad.code).toBe(1);
  expect(bad.json).toMatchObject({ status: 1, name: 'InvalidArgument' });
  expect(bad.json.message).toMatch(/output: unknown output nope; one of score, band, trend, /);

  const set = await sf(['pulse', 'mapping', 'set', '--target-org', 'emu', '--output', 'summary', '--field', 'off']);
  expect(set.code).toBe(0);
  expect(set.json.result).toEqual({ org: emu.orgId, output: 'summary', field: null });
  const show = await sf(['pulse', 'mapping', 'show', '--target-org', 'emu']);
  expect(show.code).toBe(0);
  expect(show.json.result).toMatchObject({
    mapping: { score: 'Engagement_Score__c', band: 'Engagement_Band__c', summary: null },
    overridden: ['summary'],
  });
  expect(normalise(show.json.result)).toMatchSnapshot('mapping show');

  const preflight = await sf(['pulse', 'preflight', '--target-org', 'emu']);
  expect(preflight.code).toBe(0);
  expect(normalise(preflight.json.result, new Set(['fields']))).toMatchSnapshot('preflight ok');

  // No Account carries a score before Pulse ran.
  expect(accounts().filter((a) => a.Engagement_Score__c != null)).toHaveLength(0);
  const run = await sf(['pulse', 'run', '--target-org', 'emu']);
  expect(run.code).toBe(0);
  const summary = run.json.result as { runId: number; accountsScored: number; accountsWritten: number };
  expect(summary).toMatchObject({ org: emu.orgId, status: 'succeeded', failures: [] });
  expect(summary.accountsScored).toBeGreaterThan(0);
  // The run wrote the Account Engagement fields in the org, summary switched off.
  const scored = accounts().filter((a) => a.Engagement_Score__c != null);
  expect(scored).toHaveLength(summary.accountsWritten);
  expect(scored.length).toBe(summary.accountsScored);
  for (const a of scored) {
    expect(['Low', 'Medium', 'High', 'Very High']).toContain(a.Engagement_Band__c);
    expect(a.Engagement_Summary__c ?? null).toBeNull();
  }
  expect(
    normalise(run.json.result, new Set(['accountsScored', 'accountsWritten', 'pull', 'write', 'total'])),
  ).toMatchSnapshot('run');

  const runs = await sf(['pulse', 'runs', '--target-org', 'emu', '--kind', 'daily']);
  expect(runs.code).toBe(0);
  const rows = (runs.json.result as { runs: Array<{ id: number; kind: string; status: string }> }).runs;
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id: summary.runId, kind: 'daily', status: 'succeeded' });

  // The receipt of the top account: the score Pulse wrote, and the events behind it.
  const top = scored.sort((a, b) => Number(b.Engagement_Score__c) - Number(a.Engagement_Score__c))[0]!;
  const explain = await sf(['pulse', 'explain', '--target-org', 'emu', '--account', String(top.Id)]);
  expect(explain.code).toBe(0);
  const receipt = explain.json.result as {
    account: { id: string; name: string };
    modelVersion: string;
    score: { score: number; band: string; trend: string };
    events: Array<{ contribution: number; personId: string | null }>;
    kpis: Array<{ key: string; weighted: number }>;
  };
  expect(receipt.account).toEqual({ id: top.Id, name: top.Name });
  expect(receipt.modelVersion).toBe(DEFAULT_MODEL.version);
  expect(receipt.score).toMatchObject({
    score: top.Engagement_Score__c,
    band: top.Engagement_Band__c,
    trend: top.Engagement_Trend__c,
  });
  expect(receipt.events.some((e) => e.contribution > 0)).toBe(true);
  const weighted = receipt.kpis.reduce((s, k) => s + k.weighted, 0);
  expect(Math.round(weighted)).toBe(receipt.score.score);
  // The receipt's shape (its values follow the generated org): its keys, an event's, a KPI's, the KPIs.
  expect({
    receipt: Object.keys(receipt).sort(),
    score: Object.keys(receipt.score).sort(),
    event: Object.keys(receipt.events[0]!).sort(),
    kpi: Object.keys(receipt.kpis[0]!).sort(),
    kpis: receipt.kpis.map((k) => k.key),
  }).toMatchSnapshot('explain shape');

  const status = await sf(['pulse', 'status', '--target-org', 'emu']);
  expect(status.code).toBe(0);
  expect(status.json.result).toMatchObject({
    org: emu.orgId,
    connection: { authKind: 'access_token', loginUrl: emu.instanceUrl },
    model: { version: DEFAULT_MODEL.version },
    lastScoredDay: new Date().toISOString().slice(0, 10),
  });
  // The `pulse` CLI shows the same, from the same library function and store.
  const pulse = await exec(
    'node',
    [join(root, 'packages/server/bin/pulse.cjs'), 'status', '--org', emu.orgId, '--json'],
    root,
  );
  expect(pulse.code).toBe(0);
  expect(JSON.parse(pulse.stdout)).toEqual(status.json.result);
  const runsOf = status.json.result.runs as Array<{ counts: Record<string, number> }>;
  // What each run counted (the numbers follow the generated org).
  const counted = { ...status.json.result, runs: runsOf.map((r) => ({ ...r, counts: Object.keys(r.counts).sort() })) };
  expect(normalise(counted)).toMatchSnapshot('status');
}, 600_000);

it('preflight names a missing permission and its fix; explain without --account names the flag', async () => {
  emu.user.revoke('ViewAllData');
  try {
    const preflight = await sf(['pulse', 'preflight', '--target-org', 'emu']);
    expect(preflight.code).toBe(1);
    const report = preflight.json.result as { ok: boolean; problems: Array<Record<string, string>> };
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        check: 'read',
        kind: 'permission',
        subject: 'ViewAllData',
        message: expect.stringMatching(
          /^the integration user lacks View All Data: .* — assign the Engagement_Integration permission set to the integration user/,
        ),
      },
    ]);
    expect(normalise(report, new Set(['fields']))).toMatchSnapshot('preflight missing permission');
  } finally {
    emu.user.grant('ViewAllData');
  }

  const missing = await sf(['pulse', 'explain', '--target-org', 'emu']);
  expect(missing.code).toBe(2);
  expect(missing.json.message).toMatch(/Missing required flag account/);

  const unknown = await sf(['pulse', 'explain', '--target-org', 'emu', '--account', '001000000000000AAA']);
  expect(unknown.code).toBe(1);
  expect(unknown.json).toMatchObject({ name: 'UNKNOWN_ACCOUNT' });
  expect(unknown.json.message).toContain('account "001000000000000AAA" is not in the data');
}, 300_000);
