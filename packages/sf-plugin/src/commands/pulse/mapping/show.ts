import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { FieldMapping } from '@pulse/server/src/contract/fieldMapping' with { 'resolution-mode': 'require' };
import { pulseCall, pulseOrgFlag, pulseOrgOf } from '../../../pulse.js';
import { cli } from '../../../server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.mapping.show');

/** What `sf pulse mapping show --json` returns: every output's field (null: off) and which the org set itself. */
export interface MappingShowResult {
  org: string;
  mapping: FieldMapping;
  overridden: string[];
}

/** `sf pulse mapping show`: the org's effective field mapping. */
export default class MappingShow extends SfCommand<MappingShowResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'pulse-org': pulseOrgFlag,
  };

  public async run(): Promise<MappingShowResult> {
    const { flags } = await this.parse(MappingShow);
    const org = pulseOrgOf(flags['target-org'], flags['pulse-org']);
    const shown = await pulseCall(() => cli('fieldMapping').orgFieldMapping(org));
    this.table({
      data: Object.entries(shown.mapping).map(([output, field]) => ({
        output,
        field: field ?? 'off',
        set: (shown.overridden as string[]).includes(output) ? messages.getMessage('overridden') : '',
      })),
      title: messages.getMessage('title', [org]),
    });
    return shown;
  }
}
