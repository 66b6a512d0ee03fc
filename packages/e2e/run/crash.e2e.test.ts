/**
 * Crash anywhere (issue 16): `pulse run` is killed with SIGKILL at 20 seeded points of its pull,
 * score, write and actions stages, then run again to the end. The store and the Salesforce org must
 * then equal what one clean run leaves: the same records, snapshots, written values, decided actions,
 * Account and Lead fields, and owner Tasks (each exactly once). Each point gets a fresh emulator (same seed, so the same org) and a fresh store — the
 * embedded PGlite directory, or with DATABASE_URL a new PostgreSQL database.
 *
 * Kill points: "after the emulator answered its Nth pull call", "N ms after the score stage began"
 * (or when the first write arrives, if scoring is quicker), "after it answered its Nth write call". The kill lands after Salesforce applied that call and
 * before Pulse recorded it, the window a crash makes worst.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDb, type Db } from '@pulse/server/src/store/db';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import { generateOrg, type GeneratedOrg } from '@pulse/sandbox/src/generator';

const root = join(__dirname, '../../..');
const ACCOUNTS = 50;
const SEED = 16;
const POINTS = 20;
const pgUrl = process.env.DATABASE_URL;

/** The tables a run fills, with the columns that only say when (not what) left out. */
const TABLES: Record<string, { order: string; skip: string[] }> = {
  accounts: { order: 'id', skip: ['updated_at'] },
  people: { order: 'id', skip: ['updated_at'] },
  events: { order: 'source, source_id', skip: ['ingested_at'] },
  opportunities: { order: 'id', skip: [] },
  source_records: { order: 'object, id', skip: [] },
  // A write moves the record's SystemModstamp, so a pull after a killed write sees it again and its
  // watermark goes further: when, not what. `cursor` (null once a stream is complete) is compared.
  sync_checkpoints: { order: 'stream', skip: ['updated_at', 'records', 'watermark'] },
  models: { order: 'version', skip: ['published_at'] },
  snapshots: { order: 'model_version, account_id, day', skip: [] },
  field_mappings: { order: 'output', skip: ['updated_at'] },
  written_values: { order: 'account_id, field', skip: ['written_at'] },
  lead_written_values: { order: 'lead_id, field', skip: ['written_at'] },
  write_failures: { order: 'account_id', skip: ['failed_at'] },
  lead_write_failures: { order: 'lead_id', skip: ['failed_at'] },
  // The actions stage: every decision once, each delivered. How many tries it took, and the Task's
  // id, differ when a kill fell between send and mark.
  action_outbox: {
    order: 'key, destination',
    skip: [
      'id',
      'delivery_id',
      'attempts',
      'next_attempt_at',
      'external_id',
      'last_error',
      'created_at',
      'finished_at',
    ],
  },
  action_days: { order: 'day', skip: ['decided_at'] },
};

/** When the values were computed: a run that went again computed them later, so it differs by design. */
const SCORED_AT = 'Engagement_Scored_At__c';

/** Where one run's store lives, and how to open it from the test once the command has exited. */
interface StoreSpot {
  env: Record<string, string>;
  open(): Promise<Db>;
  drop(): Promise<void>;
}

/**
 * Rules that fire on every account in the first decision (each "enters" the band it is in), so the
 * actions stage writes owner Tasks in every run, within the cap: its writes are kill points too.
 */
const RULES = {
  capPerRecipientPerWeek: 6,
  rules: [
    {
      id: 'low',
      trigger: { type: 'band', band: 'Low' },
      scope: { type: 'all' },
      destinations: [{ kind: 'salesforce-task', settings: { priority: 'Normal', dueInDays: 3 } }],
    },
  ],
};
const rulesFile = join(mkdtempSync(join(tmpdir(), 'pulse-crash-rules-')), 'rules.json');
writeFileSync(rulesFile, JSON.stringify(RULES));

let spots = 0;
/** A fresh store with the rules above set, as `pulse actions rules set` does it. */
async function freshStore(): Promise<StoreSpot> {
  const spot = await emptyStore();
  const set = await new Promise<{ code: number | null; err: string }>((resolve) => {
    let err = '';
    const child = spawn('node', ['packages/server/bin/pulse.cjs', 'actions', 'rules', 'set', rulesFile], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'error', ...spot.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, err }));
  });
  if (set.code !== 0) throw new Error(`pulse actions rules set failed: ${set.err}`);
  return spot;
}

async function emptyStore(): Promise<StoreSpot> {
  if (pgUrl) {
    const name = `crash_${process.pid}_${spots++}`;
    const admin = new Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      open: () => openDb({ url: url.toString() }),
      drop: async () => {
        const c = new Client({ connectionString: pgUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'pulse-crash-'));
  return {
    env: { PULSE_DATA_DIR: join(dir, 'data') },
    open: () => openDb({ dataDir: join(dir, 'data', 'pg') }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every row of the run's tables, in a stable order, as JSON text. */
async function dumpStore(spot: StoreSpot): Promise<Record<string, string[]>> {
  const db = await spot.open();
  try {
    const out: Record<string, string[]> = {};
    for (const [table, { order, skip }] of Object.entries(TABLES)) {
      const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY org_id, ${order}`);
      out[table] = rows.rows.map((r) => {
        for (const col of skip) delete r[col];
        if (r.field === SCORED_AT) delete r.value;
        return JSON.stringify(r);
      });
    }
    return out;
  } finally {
    await db.close();
  }
}

/** What a Task the actions stage made says (its id and times differ from run to run). */
const TASK_FIELDS = ['Subject', 'OwnerId', 'WhatId', 'Status', 'Priority', 'ActivityDate', 'Description'];

/** The Engagement fields of every Account and Lead, and the Tasks Pulse made, as the emulator holds them. */
function orgFields(emu: Emulator): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out.tasks = [...emu.store.all('Task')]
    .map((t) => JSON.stringify(Object.fromEntries(TASK_FIELDS.map((f) => [f, t[f] ?? null]))))
    .sort();
  for (const object of ['Account', 'Lead']) {
    for (const rec of emu.store.all(object)) {
      out[`${object}/${String(rec.Id)}`] = Object.fromEntries(
        Object.entries(rec).filter(([k]) => (k.startsWith('Engagement_') && k !== SCORED_AT) || k === 'OwnerId'),
      );
    }
  }
  return out;
}

interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Emulator calls made before the first write, and write calls. */
  pullCalls: number;
  writeCalls: number;
  /** Milliseconds from the score stage's first line to the first write call. */
  scoreMs: number;
}

type KillAt = { stage: 'pull' | 'write'; call: number } | { stage: 'score'; afterMs: number };

const isWrite = (path: string, method: string) =>
  method !== 'GET' && (path.includes('/composite/sobjects') || path.includes('/jobs/ingest'));

/** Runs `pulse run` against `emu` on `spot`, killing it with SIGKILL at `kill` when given. */
function pulseRun(emu: Emulator, spot: StoreSpot, kill?: KillAt): Promise<RunOutcome> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOG_LEVEL: 'error',
    SF_LOGIN_URL: emu.loginUrl,
    SF_CLIENT_ID: emu.clientId,
    SF_CLIENT_SECRET: emu.clientSecret,
    ...spot.env,
  };
  const child: ChildProcess = spawn('node', ['packages/server/bin/pulse.cjs', 'run', '--json'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pullCalls = 0;
  let writeCalls = 0;
  let scoreStarted = 0;
  let firstWrite = 0;
  let stderr = '';
  const die = () => child.kill('SIGKILL');
  // The log records a call once the emulator has answered it (and applied it).
  const add = emu.callLog.add.bind(emu.callLog);
  emu.callLog.add = (call) => {
    add(call);
    if (isWrite(call.path, call.method)) {
      writeCalls++;
      if (!firstWrite) firstWrite = Date.now();
      if (kill?.stage === 'write' && writeCalls === kill.call) die();
      // Scoring went faster than in the clean run: the kill lands at its end, as the first write arrives.
      if (kill?.stage === 'score' && writeCalls === 1) die();
    } else if (!writeCalls) {
      pullCalls++;
      if (kill?.stage === 'pull' && pullCalls === kill.call) die();
    }
  };
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!scoreStarted && stderr.includes('[score]')) {
      scoreStarted = Date.now();
      if (kill?.stage === 'score') setTimeout(die, kill.afterMs);
    }
  });
  child.stdout!.resume();
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      emu.callLog.add = add;
      resolve({
        code,
        signal,
        stderr,
        pullCalls,
        writeCalls,
        scoreMs: firstWrite && scoreStarted ? firstWrite - scoreStarted : 0,
      });
    });
  });
}

/** A small seeded generator (mulberry32), so the kill points are the same on every machine. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const today = () => new Date().toISOString().slice(0, 10);

let org: GeneratedOrg | undefined;
let orgDay = '';
/**
 * A fresh emulator on the same org, whose clock stands at the same instant (the start of today UTC)
 * while it loads and runs from there once started: records it stamps on load (SystemModstamp) are the
 * same in every emulator, and each run's writes still move forward in time.
 */
async function freshOrg(): Promise<Emulator> {
  const day = today();
  const base = new Date(`${day}T00:00:01Z`).getTime();
  if (!org || orgDay !== day) {
    org = generateOrg({ accounts: ACCOUNTS, seed: SEED, now: new Date(base), days: 180 });
    orgDay = day;
  }
  let started = 0;
  const emu = await startEmulator({
    org,
    now: () => new Date(base + (started ? Date.now() - started : 0)),
    forceAppDir: join(root, 'force-app'),
  });
  started = Date.now();
  return emu;
}

interface Clean {
  day: string;
  store: Record<string, string[]>;
  org: Record<string, unknown>;
  run: RunOutcome;
}

/** One clean run on a fresh org and store: what every crashed-then-resumed run must end as. */
async function cleanRun(): Promise<Clean> {
  const day = today();
  const emu = await freshOrg();
  const spot = await freshStore();
  try {
    const run = await pulseRun(emu, spot);
    if (run.code !== 0) throw new Error(`the clean run failed (${run.code}): ${run.stderr}`);
    return { day, store: await dumpStore(spot), org: orgFields(emu), run };
  } finally {
    await emu.close();
    await spot.drop();
  }
}

let clean: Clean;
let points: KillAt[];

beforeAll(async () => {
  clean = await cleanRun();
  const random = seeded(20261206);
  const { pullCalls, writeCalls, scoreMs } = clean.run;
  points = Array.from({ length: POINTS }, (_, i): KillAt => {
    const stage = (['pull', 'score', 'write'] as const)[i % 3]!;
    if (stage === 'score') return { stage, afterMs: Math.floor(random() * Math.max(1, scoreMs)) };
    const calls = stage === 'pull' ? pullCalls : writeCalls;
    return { stage, call: 1 + Math.floor(random() * calls) };
  });
}, 120_000);

it('a clean run pulls, scores, writes and acts through the emulator (the kill points have room)', () => {
  expect(clean.run.pullCalls).toBeGreaterThan(5);
  expect(clean.run.writeCalls).toBeGreaterThan(0);
  expect(clean.run.scoreMs).toBeGreaterThan(0);
  expect(clean.store.snapshots!.length).toBeGreaterThan(ACCOUNTS);
  expect(clean.store.written_values!.length).toBeGreaterThan(0);
  // The default rules fire on the generated org's surging accounts: the actions stage is in the run.
  expect(clean.store.action_outbox!.length).toBeGreaterThan(0);
});

it.each(Array.from({ length: POINTS }, (_, i) => i))(
  'killed at seeded point %i and run again: store and org equal a clean run',
  async (i) => {
    const kill = points[i]!;
    for (let attempt = 0; ; attempt++) {
      const day = today();
      const emu = await freshOrg();
      const spot = await freshStore();
      try {
        const killed = await pulseRun(emu, spot, kill);
        const again = await pulseRun(emu, spot);
        // A run that crosses midnight UTC scores another day than the clean run: take both again.
        if (today() !== day || clean.day !== day) {
          if (attempt > 0) throw new Error('the day changed twice during one kill point');
          clean = await cleanRun();
          continue;
        }
        expect(killed.signal).toBe('SIGKILL');
        expect({ code: again.code, stderr: again.code === 0 ? '' : again.stderr }).toEqual({ code: 0, stderr: '' });
        expect(orgFields(emu)).toEqual(clean.org);
        expect(await dumpStore(spot)).toEqual(clean.store);
        return;
      } finally {
        await emu.close();
        await spot.drop();
      }
    }
  },
  180_000,
);
