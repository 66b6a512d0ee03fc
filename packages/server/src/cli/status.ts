import type { Command } from 'commander';
import { orgStatus, type OrgStatus } from './salesforceOrg';

/** The status of an org as text: connection, live model, last scored day, last runs with their first error. */
export function formatOrgStatus(s: OrgStatus): string {
  const lines = [
    `org ${s.org}`,
    `  connection: ${s.connection ? `${s.connection.authKind} at ${s.connection.loginUrl} (since ${s.connection.updatedAt})` : 'none stored'}`,
    `  live model: ${s.model ? `${s.model.version} (published ${s.model.publishedAt})` : 'none'}`,
    `  last scored day: ${s.lastScoredDay ?? 'none'}`,
    ...s.runs.map(
      (r) =>
        `  run ${r.id} ${r.kind} ${r.status} ${r.startedAt}${r.error ? ` — ${r.error.code}: ${r.error.message}` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Registers `pulse status [--org ID] [--json]` (what `sf pulse status` shows). */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("an org's stored connection, live model, last scored day and last five runs (no Salesforce call)")
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--json', 'print as JSON')
    .action(async (o: { org: string; json?: boolean }) => {
      const s = await orgStatus(o.org);
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : formatOrgStatus(s));
    });
}
