/**
 * `npx tsx packages/sandbox/src/hubspot/cli.ts --port 4030 --accounts 2000 --seed 7`: runs the
 * HubSpot emulator standalone with a generated org's MAP side and prints how to connect.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { generateOrg } from '../generator';
import { emulatorCommand, runCommand, serveUntilStopped, type EmulatorFlags } from '../kit/cli';
import { mapSeed } from '../mapSeed';
import { startHubspotEmulator, type HubspotEmulator } from './server';

/** Connection instructions printed on start. */
export function banner(emu: HubspotEmulator): string {
  const p = emu.portal;
  const c = emu.credentials;
  return [
    `HubSpot emulator listening on ${emu.url}`,
    `  contacts ${p.contacts.length}, companies ${p.companies.length}, email events ${p.emailEvents.length}, forms ${p.forms.length}, page views ${p.webEvents.length}`,
    ``,
    `private app:`,
    `  HUBSPOT_BASE_URL=${emu.url} HUBSPOT_ACCESS_TOKEN=${c.accessToken} npx pulse sync --source hubspot`,
    `OAuth:`,
    `  HUBSPOT_BASE_URL=${emu.url} HUBSPOT_CLIENT_ID=${c.clientId} HUBSPOT_CLIENT_SECRET=${c.clientSecret} HUBSPOT_REFRESH_TOKEN=${c.refreshToken} npx pulse sync --source hubspot`,
    `curl:`,
    `  curl -s -H 'Authorization: Bearer ${c.accessToken}' '${emu.url}/email/public/v1/events?limit=2'`,
    ``,
  ].join('\n');
}

/** Builds the command. */
export function buildHubspotEmulatorCommand(): Command {
  return emulatorCommand('hubspot-emulator', 'Run the local HubSpot emulator with a generated org’s MAP data', {
    port: 4030,
  })
    .option('--now <iso>', 'the generated org’s "now" (default: the current time)')
    .action(async (o: EmulatorFlags & { now?: string }) => {
      const now = o.now ? new Date(o.now) : new Date();
      if (Number.isNaN(now.getTime())) throw new InvalidArgumentError('--now must be an ISO-8601 time');
      const seed = mapSeed(generateOrg({ accounts: o.accounts, seed: o.seed, now }));
      const emu = await startHubspotEmulator({ seed, port: o.port });
      serveUntilStopped(emu, banner(emu));
    });
}

if (require.main === module) runCommand(buildHubspotEmulatorCommand());
