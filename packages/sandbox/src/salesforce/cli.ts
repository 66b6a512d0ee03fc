/**
 * `npm run emulator -- --port 4010 --accounts 2000 --seed 7`: runs the Salesforce emulator
 * standalone with a generated org and prints how to connect.
 */
import type { Command } from 'commander';
import { emulatorCommand, nonNegativeInt as int, runCommand, serveUntilStopped } from '../kit/cli';
import { startEmulator, type Emulator } from './server';

/** Connection instructions printed on start. */
export function banner(emu: Emulator, counts: Record<string, number>): string {
  const loaded = Object.entries(counts)
    .map(([o, n]) => `${o} ${n}`)
    .join(', ');
  return [
    `Salesforce emulator listening`,
    `  instance URL : ${emu.instanceUrl}`,
    `  login URL    : ${emu.loginUrl}`,
    `  client id    : ${emu.clientId}`,
    `  client secret: ${emu.clientSecret}`,
    `  username     : ${emu.username} (password grant: ${emu.password})`,
    `  records      : ${loaded || 'none (empty org)'}`,
    ``,
    `jsforce:`,
    `  const jsforce = require('jsforce');`,
    `  const conn = new jsforce.Connection({`,
    `    oauth2: { loginUrl: '${emu.loginUrl}', clientId: '${emu.clientId}', clientSecret: '${emu.clientSecret}' },`,
    `    version: '62.0',`,
    `  });`,
    `  await conn.authorize({ grant_type: 'client_credentials' });`,
    `  console.log(await conn.query('SELECT Id, Name FROM Account LIMIT 5'));`,
    ``,
    `curl:`,
    `  curl -s -d grant_type=client_credentials -d client_id=${emu.clientId} -d client_secret=${emu.clientSecret} ${emu.loginUrl}/services/oauth2/token`,
    ``,
  ].join('\n');
}

/** Builds the `emulator` command. */
export function buildEmulatorCommand(): Command {
  return emulatorCommand('emulator', 'Run the local Salesforce emulator (REST, OAuth, Bulk 2.0) with a generated org', {
    port: 4010,
    accountsHelp: 'accounts in the generated org (0 = empty org)',
  })
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--days <n>', 'days of activity history', int('days'))
    .option('--client-id <id>', 'OAuth client id', 'pulse-local')
    .option('--client-secret <secret>', 'OAuth client secret', 'pulse-local-secret')
    .option('--api-limit <n>', 'DailyApiRequests Max', int('api-limit'), 100_000)
    .option('--token-ttl <seconds>', 'access token lifetime', int('token-ttl'), 7200)
    .option('--jwt-cert <file>', "connected app's certificate or public key (PEM) for the JWT bearer flow")
    .option('--force-app <dir>', 'package metadata to load custom fields from', 'force-app')
    .action(async (o: Record<string, unknown>) => {
      const { readFileSync } = await import('node:fs');
      const accounts = o.accounts as number;
      const emu = await startEmulator({
        port: o.port as number,
        host: o.host as string,
        clientId: o.clientId as string,
        clientSecret: o.clientSecret as string,
        apiDailyLimit: o.apiLimit as number,
        tokenTtlSeconds: o.tokenTtl as number,
        forceAppDir: o.forceApp as string,
        jwtCertificate: typeof o.jwtCert === 'string' ? readFileSync(o.jwtCert, 'utf8') : undefined,
        org:
          accounts > 0
            ? { accounts, seed: o.seed as number, ...(o.days ? { days: o.days as number } : {}) }
            : undefined,
      });
      const counts: Record<string, number> = {};
      for (const obj of emu.schema.objects()) {
        const n = emu.store.count(obj.name, { includeDeleted: true });
        if (n > 0) counts[obj.name] = n;
      }
      serveUntilStopped(emu, banner(emu, counts));
    });
}

if (require.main === module) runCommand(buildEmulatorCommand(), { stack: true });
