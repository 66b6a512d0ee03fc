import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { OrgStatus } from '@pulse/server/src/cli/salesforceOrg' with { 'resolution-mode': 'require' };
import { pulseCall, pulseOrgFlag, pulseOrgOf } from '../../pulse.js';
import { cli } from '../../server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.status');

/** What `sf pulse status --json` returns. */
export type StatusResult = OrgStatus;

/** `sf pulse status`: the org's connection, live model, last scored day and last runs. */
export default class Status extends SfCommand<StatusResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'pulse-org': pulseOrgFlag,
  };

  public async run(): Promise<StatusResult> {
    const { flags } = await this.parse(Status);
    const org = pulseOrgOf(flags['target-org'], flags['pulse-org']);
    const s = await pulseCall(() => cli('salesforceOrg').orgStatus(org));
    this.log(cli('status').formatOrgStatus(s).trimEnd());
    return s;
  }
}
