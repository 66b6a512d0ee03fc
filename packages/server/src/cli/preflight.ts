import type { Command } from 'commander';
import type { Connection } from 'jsforce';
import { readConfig } from '../config';
import { PulseError } from '../errors';
import { connectSalesforce } from '../sources/salesforce/connection';
import type { Db } from '../store/db';
import { openStore } from '../store/open';
import { loadMappingOverrides } from '../store/fieldMappings';
import { effectiveMapping } from '../writeback/mapping';
import { preflight, type PreflightProblem } from '../writeback/preflight';
import type { Output } from './model';

/** Injected edges: tests pass a database, a connection and a collector. */
export interface PreflightCliDeps {
  out: Output;
  db?: Db;
  conn?: Connection;
  env?: NodeJS.ProcessEnv;
}

/** `pulse preflight`: checks the org's mapped Account fields; returns the problems (exit 1 when any). */
export async function runPreflight(org: string, json: boolean, deps: PreflightCliDeps): Promise<PreflightProblem[]> {
  const config = deps.db && deps.conn ? null : readConfig(deps.env);
  const db = deps.db ?? (await openStore(config!));
  try {
    let conn = deps.conn;
    if (!conn) {
      if (!config?.salesforce) {
        throw new PulseError(
          'SF_NOT_CONFIGURED',
          'no Salesforce connection: set SF_LOGIN_URL and SF_CLIENT_ID with SF_CLIENT_SECRET (client credentials) or SF_USERNAME and SF_PRIVATE_KEY(_FILE) (JWT bearer)',
        );
      }
      conn = await connectSalesforce(config.salesforce);
    }
    const mapping = effectiveMapping(await loadMappingOverrides(db, org));
    const problems = await preflight(conn, mapping);
    if (json) deps.out.write(`${JSON.stringify({ ok: problems.length === 0, problems })}\n`);
    else if (problems.length === 0) {
      const n = Object.values(mapping).filter(Boolean).length;
      deps.out.write(`preflight ${org}: ok — ${n} mapped Account fields exist, fit and are editable\n`);
    } else {
      deps.out.write(
        `preflight ${org}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; writing is refused until fixed:\n${problems.map((p) => `  - ${p.message}`).join('\n')}\n`,
      );
    }
    return problems;
  } finally {
    if (!deps.db) await db.close();
  }
}

/** Registers `pulse preflight [--org ID] [--json]`. */
export function registerPreflight(program: Command): void {
  program
    .command('preflight')
    .description('check the mapped Account fields in Salesforce: exist, right type, editable by the integration user')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--json', 'print the problems as JSON')
    .action(async (o: { org: string; json?: boolean }) => {
      const problems = await runPreflight(o.org, o.json ?? false, { out: process.stdout });
      if (problems.length) process.exitCode = 1;
    });
}
