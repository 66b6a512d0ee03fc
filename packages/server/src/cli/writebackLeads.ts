/**
 * `pulse writeback-leads`: writes the orphan-lead matches of the last pull to the package's Lead
 * fields (matched account, method, confidence). Thin over writeback/leads.ts writeBackLeads.
 */
import type { Command } from 'commander';
import type { Connection } from 'jsforce';
import { readConfig, type Config } from '../config';
import { connectSalesforce } from '../sources/salesforce/connection';
import type { Db } from '../store/db';
import { openStore } from '../store/open';
import { writeBackLeads, type LeadWriteResult } from '../writeback/leads';
import type { Output } from './model';
import { signInFor } from '../sources/salesforce/signIn';

/** Options of `pulse writeback-leads`. */
export interface WritebackLeadsCliOptions {
  org: string;
  json?: boolean;
  budgetShare?: number;
}

/** Injected edges: tests pass a database, a connection or an environment, and a collector. */
export interface WritebackLeadsCliDeps {
  out: Output;
  db?: Db;
  conn?: Connection;
  /** The configuration (default: read from the environment as the command starts). */
  config?: Config;
}

/** Writes the org's lead matches with the configured (or stored) Salesforce connection; prints a summary. */
export async function runWritebackLeads(
  opts: WritebackLeadsCliOptions,
  deps: WritebackLeadsCliDeps,
): Promise<LeadWriteResult> {
  const config = deps.db && deps.conn ? null : (deps.config ?? readConfig());
  const db = deps.db ?? (await openStore(config!));
  try {
    let conn = deps.conn;
    if (!conn) {
      conn = await connectSalesforce(await signInFor(db, opts.org, config!));
    }
    const r = await writeBackLeads({ db, orgId: opts.org, conn, budgetShare: opts.budgetShare });
    deps.out.write(opts.json ? `${JSON.stringify(r)}\n` : summary(opts.org, r));
    return r;
  } finally {
    if (!deps.db) await db.close();
  }
}

function summary(org: string, r: LeadWriteResult): string {
  const lines = [
    `writeback-leads ${org}: ${r.status}${r.mode === 'none' ? ' — nothing changed' : ` (${r.mode})`}`,
    `  leads with a match to hold: ${r.leadsMatched}, changed: ${r.leadsChanged}, written: ${r.leadsWritten} (${r.fieldsWritten} fields)`,
    `  API calls: ${r.apiCalls}${r.lockRetries ? `, lock retries: ${r.lockRetries}` : ''}`,
  ];
  if (r.pending) lines.push(`  pending (sent next time): ${r.pending}`);
  for (const f of r.failures) lines.push(`  failed ${f.leadId}: ${f.statusCode} ${f.message}`);
  return `${lines.join('\n')}\n`;
}

/** Registers `pulse writeback-leads [--org ID] [--json] [--budget-share N]`. */
export function registerWritebackLeads(program: Command): void {
  program
    .command('writeback-leads')
    .description(
      'write orphan-lead matches (account, method, confidence) to the Lead fields of unconverted leads; never converts',
    )
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--json', 'print the result as JSON')
    .option('--budget-share <share>', 'share of the remaining daily API calls this write may use', parseFloat, 0.1)
    .action(async (o: { org: string; json?: boolean; budgetShare: number }) => {
      const r = await runWritebackLeads(
        { org: o.org, json: o.json, budgetShare: o.budgetShare },
        { out: process.stdout },
      );
      if (r.failures.length > 0 || r.status !== 'ok') process.exitCode = 1;
    });
}
