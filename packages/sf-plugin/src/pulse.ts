/**
 * What every `sf pulse` command shares: the Pulse org it acts on, how a Pulse error reaches the `sf`
 * CLI, and the sign-in handed over from the CLI's stored auth. The work itself is in @pulse/server's
 * library functions, the same ones the `pulse` CLI calls.
 */
import { Messages, SfError, type Org } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import type { SalesforceAuth } from '@pulse/server/src/config' with { 'resolution-mode': 'require' };
import { serverErrors, serverLog } from './server.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@pulse/sf-plugin', 'pulse.shared');

/** `--pulse-org`: the org's id in Pulse's store (default: the target org's Salesforce org id). */
export const pulseOrgFlag = Flags.string({
  summary: messages.getMessage('flags.pulse-org.summary'),
  description: messages.getMessage('flags.pulse-org.description'),
});

/** The Pulse org a command acts on: `--pulse-org`, else the target org's 18-character org id. */
export function pulseOrgOf(target: Org, pulseOrg: string | undefined): string {
  return pulseOrg ?? target.getOrgId();
}

/**
 * Runs a library call with the server's log lines kept to warnings (stderr; LOG_LEVEL overrides), and
 * turns a Pulse error into the CLI's: its code as the error's name, its message (which says the fix).
 */
export async function pulseCall<T>(fn: () => Promise<T>): Promise<T> {
  const { log } = serverLog();
  if (!process.env.LOG_LEVEL) log.level = 'warn';
  const { PulseError, ValidationError } = serverErrors();
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PulseError) {
      const name = e instanceof ValidationError ? 'InvalidArgument' : e.code;
      throw new SfError(e.message, name, undefined, 1, e);
    }
    throw e;
  }
}

/**
 * The sign-in Pulse stores for the target org, from the CLI's auth: its refresh token when it has
 * one (a web or JWT login: Pulse renews the session by itself), else the session itself (an
 * access-token login: valid until it expires, then connect again).
 */
export function signInFromCli(target: Org): SalesforceAuth {
  const conn = target.getConnection();
  const fields = conn.getAuthInfo().getFields(true);
  if (fields.refreshToken) {
    return {
      kind: 'refresh_token',
      loginUrl: (fields.loginUrl ?? fields.instanceUrl ?? conn.instanceUrl).replace(/\/+$/, ''),
      clientId: fields.clientId ?? 'PlatformCLI',
      clientSecret: fields.clientSecret || undefined,
      refreshToken: fields.refreshToken,
    };
  }
  return {
    kind: 'access_token',
    loginUrl: (fields.instanceUrl ?? conn.instanceUrl).replace(/\/+$/, ''),
    clientId: fields.clientId ?? '',
    accessToken: fields.accessToken ?? conn.accessToken ?? '',
  };
}
