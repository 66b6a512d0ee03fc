import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { readConfig, type Config, type SalesforceAuth } from '@pulse/server/src/config';
import type { Db } from '@pulse/server/src/store/db';
import { openStore } from '@pulse/server/src/store/open';
import { listAccountNames } from '@pulse/server/src/store/accounts';
import type { AccountScore } from '@pulse/server/src/scoring/finish';
import type { SyncResult } from '@pulse/server/src/sources/salesforce/sync';
import { PulseError } from '@pulse/server/src/errors';
import { ingestEventItems } from '@pulse/server/src/ingest/events';
import { ensureOrg } from '@pulse/server/src/store/orgs';
import type { MapCompanyActivity } from '@pulse/sandbox/src/generator/types';
import { startEmulator } from '@pulse/sandbox/src/salesforce/server';
import { generateOrg } from '@pulse/sandbox/src/generator';
import { startMarketoEmulator } from '@pulse/sandbox/src/marketo/server';
import { mapSeed } from '@pulse/sandbox/src/mapSeed';
import { createApp } from '@pulse/server/src/http/app';
import { startServer, type RunningServer } from '@pulse/server/src/http/server';
import { runDaily, type DailyRunResult, type RunProgress, type RunStage } from '@pulse/server/src/run/daily';
import type { WriteResult } from '@pulse/server/src/writeback/writer';
import type { Output } from '@pulse/server/src/cli/model';
import { startWorker, type Worker } from '@pulse/server/src/cli/run';
import { resolvePort, sessionSecret } from '@pulse/server/src/cli/serve';
import { BOOTSTRAP_TOKEN_TTL_MS } from '@pulse/server/src/cli/admin';
import { createBootstrapToken } from '@pulse/server/src/store/bootstrapTokens';
import { CONSOLE_DIST } from '@pulse/server/src/http/console';
import { quietLogs } from '@pulse/server/src/cli/score';

/** Options of `pulse demo` (what `npm start` runs). */
export interface DemoOptions {
  accounts: number;
  seed: number;
  /** Emulator port (0 = any free port). */
  port: number;
  /** Run one cycle and exit instead of serving the status page and keeping the schedule. */
  once: boolean;
  /** The day to score as (default: today, UTC); pins the emulator's and the run's clock to its noon. */
  asOf?: string;
  org?: string;
  /** The status page's port (default: PORT, else 3000; 0 = any free port). */
  webPort?: number;
  /** Show a progress bar for the pull (default: when stderr is a terminal). */
  bar?: boolean;
}

/** What the demo's first cycle did, and what keeps running after it. */
export interface DemoResult {
  orgId: string;
  asOf: string;
  run: DailyRunResult;
  sync: SyncResult;
  write: WriteResult;
  modelVersion: string;
  scores: AccountScore[];
  stories: { story: string; accountId: string; name: string; score: AccountScore | null }[];
  /** Account names by id, for the report. */
  names: Map<string, string>;
  emulator: { instanceUrl: string; loginUrl: string; clientId: string; clientSecret: string } | null;
  /** After `serve()`: the status page and the daily schedule. */
  web: { url: string } | null;
  /**
   * Starts the web server (status page) and the daily schedule, as `npm start` keeps them. The status
   * takes PULSE_ADMIN_TOKEN, or a token made up for this demo, returned here.
   */
  serve(webPort: number): Promise<{
    url: string;
    worker: Worker;
    adminToken: string;
    /** The admin console (`/`), and the bootstrap token that signs in to it (made for this demo, shown once). */
    console: { url: string; bootstrapToken: string };
  }>;
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

/** Items per ingestion call (the API's batch limit). */
const INGEST_BATCH = 1_000;

/**
 * The generated org's company-level activity (daily ad rows per company domain, intent topics) as the
 * ingestion API would receive it; it is attributed to accounts when the first pull brings them.
 */
async function ingestCompanyActivity(
  db: Db,
  orgId: string,
  rows: Iterable<MapCompanyActivity>,
  now: Date,
): Promise<number> {
  await ensureOrg(db, orgId);
  let accepted = 0;
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    const r = await ingestEventItems(db, orgId, batch, now);
    if (r.rejected > 0)
      throw new PulseError('DEMO_INGEST', `the demo's own ${r.rejected} ad/intent events were refused`);
    accepted += r.accepted;
    batch = [];
  };
  for (const c of rows) {
    batch.push(
      c.type === 'intent'
        ? {
            id: c.sourceId,
            type: 'intent',
            occurredAt: c.occurredAt,
            domain: c.domain,
            topic: c.topic,
            strength: c.strength,
          }
        : {
            id: c.sourceId,
            type: c.type,
            occurredAt: c.occurredAt,
            domain: c.domain,
            quantity: c.quantity,
            ...(c.campaignName ? { campaign: c.campaignName } : {}),
            platform: 'linkedin',
          },
    );
    if (batch.length === INGEST_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return accepted;
}

/** The org a demo runs against: how to sign in, the run's configuration, its planted stories. */
interface DemoOrg {
  auth: SalesforceAuth;
  /** The daily run's configuration: with a sandbox org, its Marketo emulator joins it. */
  runConfig: Config;
  storyAccounts: { story: string; accountId: string; name: string }[];
  emulator: EmulatorHandle | null;
  close(): Promise<void>;
}

/** A real org, named by the SF_* variables: nothing to start, no planted stories. */
function realOrg(auth: SalesforceAuth, config: Config, out: Output): DemoOrg {
  out.write(`Connecting to Salesforce at ${auth.loginUrl}\n`);
  return { auth, runConfig: config, storyAccounts: [], emulator: null, close: async () => {} };
}

/**
 * A generated org in the sandbox: its Salesforce side in the Salesforce emulator, its MAP side in a
 * Marketo emulator, its ad and intent rows fed through the ingestion pipeline.
 */
async function sandboxOrg(s: {
  opts: DemoOptions;
  db: Db;
  orgId: string;
  config: Config;
  now: () => Date;
  out: Output;
}): Promise<DemoOrg> {
  const { opts, out, now } = s;
  out.write(`Generating an org with ${opts.accounts} accounts (seed ${opts.seed}, 180 days of history)…\n`);
  const org = generateOrg({ accounts: opts.accounts, seed: opts.seed, now: now(), days: 180 });
  const sf = await startEmulator({ port: opts.port, org, now, forceAppDir: resolve(__dirname, '../../../force-app') });
  out.write(`Salesforce emulator at ${sf.instanceUrl}\n`);
  // Most of an account's engagement is marketing activity: the generated org's MAP side is served by
  // a Marketo emulator (without its 100-calls-per-20-s limit, so the demo does not wait on it).
  const mk = await startMarketoEmulator({ seed: mapSeed(org), now, rateLimit: null });
  out.write(`Marketo emulator at ${mk.url}\n`);
  const ingested = await ingestCompanyActivity(s.db, s.orgId, org.mapActivity.companies, now());
  out.write(
    `Ingested ${ingested} ad and intent events (LinkedIn Ads and Bombora style) through the ingestion API's pipeline\n`,
  );
  return {
    auth: { kind: 'client_credentials', loginUrl: sf.loginUrl, clientId: sf.clientId, clientSecret: sf.clientSecret },
    runConfig: {
      ...s.config,
      maps: {
        ...s.config.maps,
        MARKETO_BASE_URL: mk.credentials.baseUrl,
        MARKETO_CLIENT_ID: mk.credentials.clientId,
        MARKETO_CLIENT_SECRET: mk.credentials.clientSecret,
        MARKETO_MAX_CALLS_PER_20S: '0',
      },
    },
    storyAccounts: Object.entries(org.stories).map(([story, st]) => ({
      story,
      accountId: st.accountId,
      name: st.accountName,
    })),
    emulator: sf,
    close: async () => {
      await mk.close();
      await sf.close();
    },
  };
}

/**
 * The first cycle on the embedded defaults: a Salesforce emulator filled with a generated org (unless
 * SF_* variables point at a real org), the embedded database, then the daily run — a first full pull,
 * the default model published (which back-fills 90 days of history so trends work on day one), today's
 * scores, and the write-back — with its progress on `out`.
 */
export async function runDemo(
  opts: DemoOptions,
  out: Output,
  deps: { db?: Db; config?: Config } = {},
): Promise<DemoResult> {
  const config = deps.config ?? readConfig();
  const db = deps.db ?? (await openStore(config));
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  // A pinned day gets a pinned clock (tests, reproducible demos); otherwise the real one.
  const now = opts.asOf ? () => new Date(`${asOf}T12:00:00Z`) : () => new Date();

  const orgId = opts.org ?? (config.salesforce ? config.salesforceOrg : 'demo');
  const org: DemoOrg = config.salesforce
    ? realOrg(config.salesforce, config, out)
    : await sandboxOrg({ opts, db, orgId, config, now, out });

  const closeAll: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closeAll.reverse()) await c();
    await org.close();
    if (!deps.db) await db.close();
  };
  // Every later cycle (the schedule) runs against the same org with the same sign-in.
  const cycle = (onProgress?: (p: RunProgress) => void) =>
    runDaily({ db, orgId, config: org.runConfig, salesforce: org.auth, now, onProgress });

  const run = await cycle(demoProgress(out, opts.bar ?? process.stderr.isTTY === true)).catch(async (e) => {
    await close();
    throw e;
  });
  if (run.status === 'failed' || run.status === 'skipped' || !run.sync || !run.write) {
    await close();
    const why = run.failures.map((f) => `${f.stage}: ${f.message}`).join('; ');
    throw new PulseError(
      'RUN_FAILED',
      `the first cycle ${run.status === 'skipped' ? 'was skipped' : 'failed'} (run ${run.runId}): ${why}`,
      {
        org: orgId,
      },
    );
  }
  const byId = new Map(run.scores.map((s) => [s.accountId, s]));
  const stories: StoryList = org.storyAccounts.map((s) => ({ ...s, score: byId.get(s.accountId) ?? null }));
  const names = await listAccountNames(db, orgId);

  const result: DemoResult = {
    orgId,
    asOf,
    run,
    sync: run.sync,
    write: run.write,
    modelVersion: run.modelVersion ?? '',
    scores: run.scores,
    stories,
    names,
    emulator: org.emulator
      ? {
          instanceUrl: org.emulator.instanceUrl,
          loginUrl: org.emulator.loginUrl,
          clientId: org.emulator.clientId,
          clientSecret: org.emulator.clientSecret,
        }
      : null,
    web: null,
    serve: async (webPort) => {
      const adminToken = config.access.adminToken ?? randomBytes(18).toString('base64url');
      const access = { ...config.access, adminToken };
      await ensureConsoleBuilt(out);
      // Sign in with Salesforce goes to the emulator's authorize page (or the real org's login URL).
      const emulator = org.emulator;
      const signIn = emulator
        ? {
            orgId,
            clientId: emulator.clientId,
            clientSecret: emulator.clientSecret,
            loginUrls: { production: emulator.loginUrl, sandbox: emulator.loginUrl },
          }
        : { orgId };
      const app = createApp({
        db,
        access,
        console: {
          // The console's Salesforce calls (describe, limits, preflight) sign in as the daily run does.
          config: { ...org.runConfig, salesforce: org.auth, salesforceOrg: orgId },
          sessionSecret: sessionSecret(config),
          signIn,
          // "Run now" runs as the schedule does: the same sign-in and clock.
          runDeps: { salesforce: org.auth, now },
        },
      });
      const server: RunningServer = await startServer(app, webPort);
      // The web app runs on the wall clock (sessions, tokens), not on the demo's pinned scoring day.
      const bootstrapToken = await createBootstrapToken(db, orgId, new Date(), BOOTSTRAP_TOKEN_TTL_MS);
      closeAll.push(() => server.close());
      const worker = startWorker({
        db,
        orgs: [orgId],
        config: org.runConfig,
        run: (d) => runDaily({ ...d, salesforce: org.auth, now }),
      });
      closeAll.push(() => worker.stop());
      result.web = { url: server.url };
      return { url: server.url, worker, adminToken, console: { url: `${server.url}/`, bootstrapToken } };
    },
    close,
  };
  return result;
}

/**
 * Builds the admin console (`npm run build:console`, in its own process) when packages/console/dist is
 * missing, so the demo's `/` shows the console and not the "not built" page.
 */
async function ensureConsoleBuilt(out: Output): Promise<void> {
  if (existsSync(join(CONSOLE_DIST, 'index.html'))) return;
  out.write('Building the admin console (npm run build:console)…\n');
  const root = resolve(__dirname, '../../..');
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(root, 'tools', 'console', 'build.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? done()
        : fail(new PulseError('CONSOLE_BUILD', `npm run build:console failed (exit ${code}): ${errors.slice(-2000)}`)),
    );
  });
}

/** The first cycle's progress: a bar for the pull on a terminal, a line per stage on `out`. */
function demoProgress(out: Output, showBar: boolean): (p: RunProgress) => void {
  const bar = showBar
    ? new SingleBar(
        {
          format: 'pull {bar} {object} ({objectIndex}/{objects}) | {value} records | {apiCalls} API calls',
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : null;
  let barStarted = false;
  let lastObject = '';
  return (p) => {
    if (p.kind === 'pull') {
      const { object, objectIndex, objects, apiCalls, records } = p.progress;
      if (bar) {
        const payload = { object, objectIndex: objectIndex + 1, objects, apiCalls };
        if (!barStarted) bar.start(Math.max(records, 1), records, payload);
        barStarted = true;
        bar.setTotal(Math.max(records, 1));
        bar.update(records, payload);
      } else if (object !== lastObject) {
        lastObject = object;
        out.write(`  pulling ${object} (${objectIndex + 1}/${objects})\n`);
      }
      return;
    }
    if (barStarted && p.stage !== 'pull') {
      bar?.stop();
      barStarted = false;
    }
    if (p.stage === 'pull' && barStarted) return;
    out.write(`${STAGE_LABEL[p.stage]} ${p.message}\n`);
  };
}

const STAGE_LABEL: Record<RunStage | 'done', string> = {
  lock: 'Start',
  pull: 'Pull ',
  score: 'Score',
  write: 'Write',
  actions: 'Act  ',
  run: 'Run  ',
  done: 'Done ',
};

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
    .description(
      'Run Pulse end to end on the embedded defaults (Salesforce emulator with a generated org, PGlite): the first daily cycle, then the status page and the daily schedule',
    )
    .option('--accounts <n>', 'accounts in the generated org', '2000')
    .option('--seed <n>', 'generator seed', '7')
    .option('--port <n>', 'emulator port (0 = any free port)', '4010')
    .option('--web-port <n>', 'status page port (default: PORT, else 3000)')
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
      const config = readConfig();
      const webPort = resolvePort(typeof o.webPort === 'string' ? o.webPort : undefined, config);
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
        { config },
      );
      process.stdout.write(formatDemo(r));
      if (o.once) {
        await r.close();
        return;
      }
      try {
        const { url, worker, adminToken, console: admin } = await r.serve(webPort);
        progress.write(
          `\nConsole: ${admin.url} · sign in with Salesforce (the emulator), or with this bootstrap token (valid 24 h, shown once):\n` +
            `  ${admin.bootstrapToken}\n` +
            `Health: ${url}/healthz · status: curl -H 'Authorization: Bearer ${adminToken}' ${url}/v1/status\n` +
            `Daily run ${worker.schedule.description}; next at ${worker.task.getNextRun()?.toISOString() ?? '?'} (PULSE_RUN_AT, PULSE_TIMEZONE)\n` +
            'Pulse is running; press Ctrl-C to stop.\n',
        );
      } catch (e) {
        await r.close();
        if ((e as { code?: string }).code === 'EADDRINUSE') {
          throw new PulseError(
            'PORT_IN_USE',
            `port ${webPort} is in use: set PORT or pass --web-port (0 picks a free one)`,
          );
        }
        throw e;
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await r.close();
    });
}
