import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { Connection } from 'jsforce';
import { readConfig, type Config } from '../config';
import { connectSalesforce } from '../sources/salesforce/connection';
import { syncSalesforce, type SyncProgress, type SyncResult } from '../sources/salesforce/sync';
import type { Db } from '../store/db';
import { openStore } from '../store/open';
import { parseMapSource, syncMapSources, type MapSyncResult } from '../sources/map/sync';
import type { MapSourceName } from '../sources/map/types';
import { formatPullStatus } from '../sources/pull';
import type { Output } from './model';
import { findSignIn, signInFor } from '../sources/salesforce/signIn';

/** Options of `pulse sync`. */
export interface SyncCliOptions {
  org: string;
  full?: boolean;
  json?: boolean;
  budgetShare?: number;
}

/** Injected edges: tests pass a database, an environment and a collector. */
export interface SyncCliDeps {
  out: Output;
  db?: Db;
  /** The configuration (default: read from the environment as the command starts). */
  config?: Config;
  /** Show a progress bar on stderr (default: when stderr is a terminal and not --json). */
  progress?: boolean;
}

/** Runs one pull for `--org` with the Salesforce connection configured by the environment; prints a summary. */
export async function runSync(opts: SyncCliOptions, deps: SyncCliDeps): Promise<SyncResult> {
  const config = deps.config ?? readConfig();
  const db = deps.db ?? (await openStore(config));
  try {
    const auth = await signInFor(db, opts.org, config);
    const conn: Connection = await connectSalesforce(auth);
    const showBar = deps.progress ?? (!opts.json && process.stderr.isTTY === true);
    const bar = showBar
      ? new SingleBar(
          { format: 'sync |{bar}| {value}/{total} objects · {object} {records} records · {api} API calls' },
          Presets.shades_classic,
        )
      : null;
    bar?.start(9, 0, { object: '', records: 0, api: 0 });
    const onProgress = (p: SyncProgress) => {
      bar?.setTotal(p.objects);
      bar?.update(p.objectIndex, { object: p.object, records: p.records, api: p.apiCalls });
    };
    const result = await syncSalesforce({
      db,
      orgId: opts.org,
      conn,
      full: opts.full,
      budgetShare: opts.budgetShare,
      onProgress,
    });
    bar?.update(bar.getTotal(), { object: 'done', records: 0, api: result.apiCalls.total });
    bar?.stop();
    deps.out.write(opts.json ? `${JSON.stringify(result)}\n` : summary(opts.org, result));
    return result;
  } finally {
    if (!deps.db) await db.close();
  }
}

function summary(org: string, r: SyncResult): string {
  const lines = [
    `sync ${org}: ${formatPullStatus(r)} (run ${r.runId})`,
    ...Object.entries(r.counts).map(([o, n]) => `  ${o.padEnd(15)} ${String(n).padStart(9)} records`),
    `  API calls: ${r.apiCalls.total} of ${r.apiCalls.allowed} allowed (${r.apiCalls.remainingAtStart} remaining today at start)`,
  ];
  if (r.resolved.matched) lines.push(`  orphan leads matched: ${r.resolved.matched}`);
  if (r.resolved.deleted) lines.push(`  events set aside or restored for deleted records: ${r.resolved.deleted}`);
  if (r.resolved.duplicates)
    lines.push(`  duplicate campaign responses set aside or restored: ${r.resolved.duplicates}`);
  if (r.error) lines.push(`  stopped: ${r.error}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

/** Runs one pull of a marketing-automation source for `--org` (configured by environment or `pulse connect`). */
export async function runMapSync(
  opts: { org: string; source: MapSourceName; full?: boolean; json?: boolean },
  deps: SyncCliDeps & { now?: Date; fetch?: typeof fetch; sleep?: (ms: number) => Promise<void> },
): Promise<MapSyncResult> {
  const config = deps.config ?? readConfig();
  const db = deps.db ?? (await openStore(config));
  try {
    const salesforce = await findSignIn(db, opts.org, config);
    const showBar = deps.progress ?? (!opts.json && process.stderr.isTTY === true);
    const bar = showBar
      ? new SingleBar(
          { format: `sync ${opts.source} |{bar}| {pages} pages · {activities} activities · {api} API calls` },
          Presets.shades_classic,
        )
      : null;
    bar?.start(1, 0, { pages: 0, activities: 0, api: 0 });
    const [result] = await syncMapSources({
      db,
      orgId: opts.org,
      maps: config.maps,
      secretKeys: config.secretKeys,
      salesforce,
      only: [opts.source],
      full: opts.full,
      now: deps.now,
      fetch: deps.fetch,
      sleep: deps.sleep,
      onProgress: (p) => bar?.update(0, { pages: p.pages, activities: p.activities, api: p.apiCalls }),
    });
    bar?.update(1);
    bar?.stop();
    const r = result!;
    deps.out.write(opts.json ? `${JSON.stringify(r)}\n` : mapSummary(opts.org, r));
    return r;
  } finally {
    if (!deps.db) await db.close();
  }
}

function mapSummary(org: string, r: MapSyncResult): string {
  const c = r.counts;
  const lines = [
    `sync ${r.source} ${org}: ${formatPullStatus(r)} (run ${r.runId})`,
    `  pages ${c.pages} · people ${c.people} · activities ${c.activities} · API calls ${r.apiCalls.total}`,
    `  people matched: ${c.matchedByCrmId} by CRM id, ${c.matchedByEmail} by email, ${c.matchedByDomain} by domain; ${c.unmatched} unmatched`,
    `  bot opens/clicks set aside: ${c.bot}`,
  ];
  if (r.error) lines.push(`  stopped: ${r.error}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Registers `pulse sync [--org ID] [--source NAME] [--full] [--json] [--budget-share N]`; every pull ends
 * succeeded, partial (with its reason: budget or quota) or failed.
 */
export function registerSync(program: Command): void {
  program
    .command('sync')
    .description(
      'pull accounts, people and activity into the store (incremental from the checkpoints unless --full); ends succeeded, partial (budget or quota: the next run resumes) or failed',
    )
    .option('--org <id>', 'the Pulse org to store the data under', 'default')
    .option('--source <name>', 'salesforce, marketo, hubspot or pardot', 'salesforce')
    .option('--full', 'forget the checkpoints and pull everything again')
    .option('--json', 'print the result as JSON')
    .option('--budget-share <share>', 'share of the remaining daily API calls this run may use', parseFloat, 0.1)
    .action(async (o: { org: string; source: string; full?: boolean; json?: boolean; budgetShare: number }) => {
      if (o.source !== 'salesforce') {
        const m = await runMapSync(
          { org: o.org, source: parseMapSource(o.source), full: o.full, json: o.json },
          { out: process.stdout },
        );
        if (m.status === 'failed') process.exitCode = 1;
        return;
      }
      const r = await runSync(
        { org: o.org, full: o.full, json: o.json, budgetShare: o.budgetShare },
        { out: process.stdout },
      );
      if (r.status === 'failed') process.exitCode = 1;
    });
}
