import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { FieldMappingChange } from '@pulse/server/src/cli/fieldMapping' with { 'resolution-mode': 'require' };
import { pulseCall, pulseOrgFlag, pulseOrgOf } from '../../../pulse.js';
import { cli } from '../../../server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.mapping.set');

/** What `sf pulse mapping set --json` returns: the output and its field (null: switched off). */
export type MappingSetResult = FieldMappingChange;

/** `sf pulse mapping set`: maps one Pulse output to an Account field, or switches it off. */
export default class MappingSet extends SfCommand<MappingSetResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'pulse-org': pulseOrgFlag,
    output: Flags.string({ summary: messages.getMessage('flags.output.summary'), required: true }),
    field: Flags.string({ summary: messages.getMessage('flags.field.summary'), required: true }),
  };

  public async run(): Promise<MappingSetResult> {
    const { flags } = await this.parse(MappingSet);
    const org = pulseOrgOf(flags['target-org'], flags['pulse-org']);
    const change = await pulseCall(() => cli('fieldMapping').setOrgFieldMapping(org, flags.output, flags.field));
    this.log(messages.getMessage('done', [org, change.output, change.field ?? 'off']));
    return change;
  }
}
