import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { PreflightReport } from '@pulse/server/src/cli/salesforceOrg' with { 'resolution-mode': 'require' };
import { pulseCall, pulseOrgFlag, pulseOrgOf } from '../../pulse.js';
import { cli } from '../../server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.preflight');

/** What `sf pulse preflight --json` returns: every read and write problem, each message ending with its fix. */
export type PreflightResult = PreflightReport;

/** `sf pulse preflight`: the read and write preflight of the org's stored connection; exit code 1 on a problem. */
export default class Preflight extends SfCommand<PreflightResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'pulse-org': pulseOrgFlag,
  };

  public async run(): Promise<PreflightResult> {
    const { flags } = await this.parse(Preflight);
    const org = pulseOrgOf(flags['target-org'], flags['pulse-org']);
    const report = await pulseCall(() => cli('salesforceOrg').preflightOrg(org));
    if (report.ok) {
      this.logSuccess(messages.getMessage('ok', [org, report.checked.objects, report.checked.fields]));
    } else {
      this.warn(messages.getMessage('problems', [org, report.problems.length]));
      for (const p of report.problems) this.log(`  - [${p.check}] ${p.message}`);
      process.exitCode = 1;
    }
    return report;
  }
}
