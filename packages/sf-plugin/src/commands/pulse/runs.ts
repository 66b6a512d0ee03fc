import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { pulseCall, pulseOrgFlag, pulseOrgOf } from '../../pulse.js';
import { cli } from '../../server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.runs');

/** One recorded run in `sf pulse runs --json`. */
export interface RunsRow {
  id: number;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  apiCalls: Record<string, unknown>;
  errors: Array<Record<string, unknown>>;
}

/** What `sf pulse runs --json` returns: the org's run log, newest first. */
export interface RunsResult {
  org: string;
  runs: RunsRow[];
}

/** `sf pulse runs`: the org's run log. */
export default class Runs extends SfCommand<RunsResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'pulse-org': pulseOrgFlag,
    kind: Flags.string({ summary: messages.getMessage('flags.kind.summary') }),
    limit: Flags.integer({ summary: messages.getMessage('flags.limit.summary'), min: 1, max: 1000, default: 20 }),
  };

  public async run(): Promise<RunsResult> {
    const { flags } = await this.parse(Runs);
    const org = pulseOrgOf(flags['target-org'], flags['pulse-org']);
    const rows = await pulseCall(() => cli('run').recentRuns({ org, kind: flags.kind, limit: flags.limit }, {}));
    this.log(cli('run').formatRuns(rows).trimEnd());
    return {
      org,
      runs: rows.map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        status: r.status,
        startedAt: new Date(r.startedAt).toISOString(),
        finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
        counts: r.counts,
        apiCalls: r.apiCalls,
        errors: r.errors,
      })),
    };
  }
}
