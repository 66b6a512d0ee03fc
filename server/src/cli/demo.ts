import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { readConfig, type SalesforceAuth } from '../config';
import type { Db } from '../store/db';
import { openStore } from '../store/open';
import { listAccountNames } from '../store/accounts';
import { loadActiveModel } from '../store/models';
import { DEFAULT_MODEL_DOCUMENT } from '../model/defaults';
import { publishModel, scoreOrg, type AccountScore } from '../scoring/engine';
import { connectSalesforce } from '../sources/salesforce/connection';
import { syncSalesforce, type SyncResult } from '../sources/salesforce/sync';
import { PulseError } from '../errors';
import type { Output } from './model';
import { buildAccountOutputs } from '../writeback/context';
import { writeBack } from '../writeback/writeback';
import type { WriteResult } from '../writeback/writer';
import { quietLogs } from './score';

/** Options of `pulse demo` (the README's "run" command). */
export interface DemoOptions {
  accounts: number;
  seed: number;
  port: number;
  /** Run one cycle and exit instead of keeping the emulator up. */
  once: boolean;
  /** The day to score as (default: today, UTC). */
  asOf?: string;
  org?: string;
}

/** What one demo cycle did. */
export interface DemoResult {
  orgId: string;
  asOf: string;
  sync: SyncResult;
  write: WriteResult;
  modelVersion: string;
  scores: AccountScore[];
  stories: { story: string; accountId: string; name: string; score: AccountScore | null }[];
  /** Account names by id, for the report. */
  names: Map<string, string>;
  emulator: { instanceUrl: string; loginUrl: string; clientId: string; clientSecret: string } | null;
  close: () => Promise<void>;
}

interface EmulatorHandle {
  instanceUrl: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

type StoryList = DemoResult['stories'];

/**
 * One full cycle on the embedded defaults: a Salesforce emulator filled with a generated org (unless
 * SF_* variables point at a real org), the embedded database, a first full pull, the default model
 * published (which back-fills 90 days of history so trends work on day one), and today's scores.
 */
export async function runDemo(opts: DemoOptions, out: Output, deps: { db?: Db } = {}): Promise<DemoResult> {
  // Progress goes to `out` (stderr from the CLI) so stdout holds only the report.
  const config = readConfig();
  const db = deps.db ?? (await openStore(config));
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);

  let auth: SalesforceAuth;
  let emulator: EmulatorHandle | null = null;
  let storyAccounts: { story: string; accountId: string; name: string }[] = [];
  const orgId = opts.org ?? (config.salesforce ? 'default' : 'demo');
  if (config.salesforce) {
    auth = config.salesforce;
    out.write(`Connecting to Salesforce at ${auth.loginUrl}\n`);
  } else {
    // Loaded lazily: the emulator and the generator are development tools, not part of the server.
    // (require, not import: production installs omit the dev dependencies these load.)
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { startEmulator } =
      require('../../../test/salesforce-emulator/server') as typeof import('../../../test/salesforce-emulator/server');
    const { generateOrg } = require('../../../scripts/generator') as typeof import('../../../scripts/generator');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const now = new Date(`${asOf}T12:00:00Z`);
    out.write(`Generating an org with ${opts.accounts} accounts (seed ${opts.seed}, 180 days of history)…\n`);
    const org = generateOrg({ accounts: opts.accounts, seed: opts.seed, now, days: 180 });
    const started = await startEmulator({
      port: opts.port,
      org: org as unknown as NonNullable<Parameters<typeof startEmulator>[0]>['org'],
      now: () => now,
      forceAppDir: resolve(__dirname, '../../../force-app'),
    });
    emulator = started;
    auth = {
      kind: 'client_credentials',
      loginUrl: started.loginUrl,
      clientId: started.clientId,
      clientSecret: started.clientSecret,
    };
    storyAccounts = Object.entries(org.stories).map(([story, s]) => ({
      story,
      accountId: s.accountId,
      name: s.accountName,
    }));
    out.write(`Salesforce emulator at ${started.instanceUrl}\n`);
  }

  const conn = await connectSalesforce(auth);
  const bar = new SingleBar(
    {
      format: 'pull {bar} {object} ({objectIndex}/{objects}) | {value} records | {apiCalls} API calls',
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  let started = false;
  const sync = await syncSalesforce({
    db,
    orgId,
    conn,
    onProgress: (p) => {
      const payload = { object: p.object, objectIndex: p.objectIndex, objects: p.objects, apiCalls: p.apiCalls };
      if (!started) {
        bar.start(0, p.records, payload);
        started = true;
      }
      bar.setTotal(Math.max(p.records, 1));
      bar.update(p.records, payload);
    },
  });
  if (started) bar.stop();
  if (sync.status === 'failed') {
    throw new PulseError('SYNC_FAILED', `the pull failed: ${sync.error ?? 'unknown error'}`, { org: orgId });
  }
  out.write(
    `Pulled ${Object.values(sync.counts).reduce((a, b) => a + b, 0)} records with ${sync.apiCalls.total} API calls\n`,
  );

  if (!(await loadActiveModel(db, orgId))) {
    out.write('Publishing the default model and back-filling 90 days of history…\n');
    await publishModel(db, orgId, DEFAULT_MODEL_DOCUMENT, asOf);
  }
  const scored = await scoreOrg(db, { orgId, asOf });
  const active = await loadActiveModel(db, orgId);
  const outputs = await buildAccountOutputs(db, {
    orgId,
    model: active!.model,
    scores: scored.scores,
    asOf,
    scoredAt: new Date(),
  });
  out.write(`Writing ${outputs.length} accounts' engagement fields back to Salesforce…\n`);
  const write = await writeBack({ db, conn, orgId, outputs, budgetShare: 0.1 });
  out.write(
    `Wrote ${write.accountsWritten} accounts (${write.mode}, ${write.apiCalls} API calls, ${write.failures.length} failures)\n`,
  );
  const byId = new Map(scored.scores.map((s) => [s.accountId, s]));
  const stories: StoryList = storyAccounts.map((s) => ({ ...s, score: byId.get(s.accountId) ?? null }));
  const names = await listAccountNames(db, orgId);

  return {
    orgId,
    asOf,
    sync,
    write,
    modelVersion: scored.modelVersion,
    scores: scored.scores,
    stories,
    names,
    emulator: emulator
      ? {
          instanceUrl: emulator.instanceUrl,
          loginUrl: emulator.loginUrl,
          clientId: emulator.clientId,
          clientSecret: emulator.clientSecret,
        }
      : null,
    close: async () => {
      await emulator?.close();
      if (!deps.db) await db.close();
    },
  };
}

const pad = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** The demo's report: the top accounts and the planted stories, as a rep would read them. */
export function formatDemo(r: DemoResult): string {
  const names = r.names;
  const lines: string[] = [];
  const top = [...r.scores].sort((a, b) => b.scoreExact - a.scoreExact).slice(0, 10);
  lines.push(`\nPulse scored ${r.scores.length} accounts as of ${r.asOf} with model ${r.modelVersion}.\n`);
  lines.push(`${pad('account', 34)} score  band       trend     Δ30d  people  coverage  MQA`);
  for (const s of top) {
    lines.push(
      `${pad(names.get(s.accountId) ?? s.accountId, 34)} ${String(s.score).padStart(5)}  ${pad(s.band, 10)} ${pad(s.trend, 9)} ${String(s.change30d ?? '').padStart(4)}  ${String(s.peopleEngaged).padStart(6)}  ${`${Math.round(s.coveragePct)}%`.padStart(8)}  ${s.mqa ? 'yes' : ''}`,
    );
  }
  if (r.stories.length > 0) {
    lines.push('\nPlanted stories:');
    for (const st of r.stories) {
      const s = st.score;
      lines.push(
        `  ${pad(st.story, 12)} ${pad(st.name, 34)} ${s ? `score ${s.score} (${s.band}), trend ${s.trend} (${(s.change30d ?? 0) >= 0 ? '+' : ''}${s.change30d ?? 0}), missing: ${s.missingPersonas.join('; ') || 'none'}` : 'no score'}`,
      );
    }
  }
  if (r.emulator) {
    lines.push(
      `\nSalesforce emulator: ${r.emulator.instanceUrl} (login ${r.emulator.loginUrl}, client id ${r.emulator.clientId}, secret ${r.emulator.clientSecret})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Registers `pulse demo`. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run Pulse end to end on the embedded defaults: Salesforce emulator with a generated org, PGlite')
    .option('--accounts <n>', 'accounts in the generated org', '2000')
    .option('--seed <n>', 'generator seed', '7')
    .option('--port <n>', 'emulator port (0 = any free port)', '4010')
    .option('--as-of <date>', 'score as of this day (YYYY-MM-DD, default today)')
    .option('--org <id>', 'org id in the Pulse store')
    .option('--once', 'run one cycle and exit')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      quietLogs();
      const progress: Output = { write: (s) => process.stderr.write(s) };
      const num = (v: unknown, name: string): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0)
          throw new PulseError('BAD_OPTION', `--${name} must be a whole number, got "${String(v)}"`);
        return n;
      };
      const r = await runDemo(
        {
          accounts: num(o.accounts, 'accounts'),
          seed: num(o.seed, 'seed'),
          port: num(o.port, 'port'),
          once: Boolean(o.once),
          asOf: typeof o.asOf === 'string' ? o.asOf : undefined,
          org: typeof o.org === 'string' ? o.org : undefined,
        },
        progress,
      );
      process.stdout.write(formatDemo(r));
      if (o.once) {
        await r.close();
        return;
      }
      progress.write('Pulse is running; press Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await r.close();
    });
}
