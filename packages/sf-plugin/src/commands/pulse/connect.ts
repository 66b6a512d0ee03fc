import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { pulseCall, pulseOrgFlag, pulseOrgOf, signInFromCli } from '../../pulse.js';
import { cli } from '../../server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.connect');

/** What `sf pulse connect --json` returns. */
export interface ConnectResult {
  /** The org's id in Pulse's store. */
  org: string;
  salesforceOrgId: string;
  username: string;
  /** refresh_token (Pulse renews the session) or access_token (valid until it expires). */
  authKind: 'refresh_token' | 'access_token' | 'client_credentials' | 'jwt';
  loginUrl: string;
}

/** `sf pulse connect`: stores the target org's sign-in as Pulse's connection of the org. */
export default class Connect extends SfCommand<ConnectResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'pulse-org': pulseOrgFlag,
  };

  public async run(): Promise<ConnectResult> {
    const { flags } = await this.parse(Connect);
    const target = flags['target-org'];
    const org = pulseOrgOf(target, flags['pulse-org']);
    const done = await pulseCall(() => cli('salesforceOrg').connectSalesforceOrg({ org, auth: signInFromCli(target) }));
    const result: ConnectResult = {
      org,
      salesforceOrgId: target.getOrgId(),
      username: target.getUsername() ?? '',
      authKind: done.authKind,
      loginUrl: done.loginUrl,
    };
    this.log(
      messages.getMessage(`connected.${done.authKind === 'access_token' ? 'session' : 'refresh'}`, [
        result.username,
        org,
      ]),
    );
    return result;
  }
}
