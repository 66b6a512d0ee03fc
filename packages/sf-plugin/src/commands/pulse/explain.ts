import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { Receipt } from '@pulse/server/src/cli/explain' with { 'resolution-mode': 'require' };
import { pulseCall, pulseOrgFlag, pulseOrgOf } from '../../pulse.js';
import { cli } from '../../server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.explain');

/** What `sf pulse explain --json` returns: the score receipt, as `pulse explain --format json` prints it. */
export type ExplainResult = Receipt;

/** `sf pulse explain --account ID`: one account's score receipt. */
export default class Explain extends SfCommand<ExplainResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'pulse-org': pulseOrgFlag,
    account: Flags.salesforceId({
      summary: messages.getMessage('flags.account.summary'),
      char: 'a',
      required: true,
      length: 'both',
      startsWith: '001',
    }),
    'as-of': Flags.string({
      summary: messages.getMessage('flags.as-of.summary'),
      parse: async (input: string) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(input) || Number.isNaN(Date.parse(`${input}T00:00:00Z`))) {
          throw new Error(messages.getMessage('error.as-of', [input]));
        }
        return input;
      },
    }),
  };

  public async run(): Promise<ExplainResult> {
    const { flags } = await this.parse(Explain);
    const org = pulseOrgOf(flags['target-org'], flags['pulse-org']);
    const receipt = await pulseCall(() =>
      cli('explain').explainStoredAccount({ org, account: flags.account, asOf: flags['as-of'] }),
    );
    this.log(cli('explain').receiptText(receipt).trimEnd());
    return receipt;
  }
}
