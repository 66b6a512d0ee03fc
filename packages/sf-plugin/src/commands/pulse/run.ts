import { Messages, SfError } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { RunSummary } from '@pulse/server/src/cli/run' with { 'resolution-mode': 'require' };
import { pulseCall, pulseOrgFlag, pulseOrgOf } from '../../pulse.js';
import { cli } from '../../server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.run');

/** What `sf pulse run --json` returns: the run's summary, as `pulse run --json` prints it, with its org and day. */
export interface RunResult extends RunSummary {
  org: string;
  asOf: string;
}

/** `sf pulse run`: the daily cycle of the org now — pull, score, write the changed values, act. */
export default class Run extends SfCommand<RunResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'pulse-org': pulseOrgFlag,
  };

  public async run(): Promise<RunResult> {
    const { flags } = await this.parse(Run);
    const org = pulseOrgOf(flags['target-org'], flags['pulse-org']);
    let text = '';
    const quiet = this.jsonEnabled();
    const r = await pulseCall(() =>
      cli('run').runNow(
        { org },
        {
          out: { write: (s) => void (text += s) },
          err: { write: (s) => (quiet ? undefined : this.logToStderr(s.trimEnd())) },
        },
      ),
    );
    const result: RunResult = { org, asOf: r.asOf, ...cli('run').summaryOf(r) };
    if (r.status === 'failed') {
      const why = r.failures.at(-1)?.message ?? 'see sf pulse runs';
      throw new SfError(messages.getMessage('failed', [r.runId, why]), 'RunFailed', undefined, 1).setData(
        JSON.parse(JSON.stringify(result)),
      );
    }
    this.log(text.trimEnd());
    return result;
  }
}
