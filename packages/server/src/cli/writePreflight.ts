import type { Command } from 'commander';
import type { Connection } from 'jsforce';
import { readConfig, type Config } from '../config';
import { connectSalesforce } from '../sources/salesforce/connection';
import { signInFor } from '../sources/salesforce/signIn';
import type { Db } from '../store/db';
import { openStore } from '../store/open';
import { effectiveFieldMapping } from '../contract/fieldMapping';
import { loadFieldMappingOverrides } from '../store/fieldMappings';
import { writePreflight, type WritePreflightProblem } from '../writeback/writePreflight';
import type { Output } from './model';

/** Injected edges: tests pass a database, a connection and a collector. */
export interface WritePreflightCliDeps {
  out: Output;
  db?: Db;
  conn?: Connection;
  /** The configuration (default: read from the environment as the command starts). */
  config?: Config;
}

/** `pulse preflight`: the write preflight of the org's field mapping; returns the problems (exit 1 when any). */
export async function runWritePreflight(
  org: string,
  json: boolean,
  deps: WritePreflightCliDeps,
): Promise<WritePreflightProblem[]> {
  const config = deps.db && deps.conn ? null : (deps.config ?? readConfig());
  const db = deps.db ?? (await openStore(config!));
  try {
    let conn = deps.conn;
    if (!conn) conn = await connectSalesforce(await signInFor(db, org, config!));
    const mapping = effectiveFieldMapping(await loadFieldMappingOverrides(db, org));
    const problems = await writePreflight(conn, mapping);
    if (json) deps.out.write(`${JSON.stringify({ ok: problems.length === 0, problems })}\n`);
    else if (problems.length === 0) {
      const n = Object.values(mapping).filter(Boolean).length;
      deps.out.write(`write preflight ${org}: ok — ${n} mapped Account fields exist, fit and are editable\n`);
    } else {
      deps.out.write(
        `write preflight ${org}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; writing is refused until fixed:\n${problems.map((p) => `  - ${p.message}`).join('\n')}\n`,
      );
    }
    return problems;
  } finally {
    if (!deps.db) await db.close();
  }
}

/** Registers `pulse preflight [--org ID] [--json]` (the write preflight). */
export function registerWritePreflight(program: Command): void {
  program
    .command('preflight')
    .description(
      'write preflight: check the field mapping in Salesforce (each mapped Account field exists, has the right type and is editable by the integration user); the pull runs its own read preflight',
    )
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--json', 'print the problems as JSON')
    .action(async (o: { org: string; json?: boolean }) => {
      const problems = await runWritePreflight(o.org, o.json ?? false, { out: process.stdout });
      if (problems.length) process.exitCode = 1;
    });
}
