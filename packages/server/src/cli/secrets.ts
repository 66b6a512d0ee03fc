/**
 * `pulse secrets rotate`: moves every stored connection secret to a new PULSE_SECRET_KEY. Set the new
 * key as PULSE_SECRET_KEY and the one in use as PULSE_SECRET_KEY_OLD, run it, then drop the old key.
 * Until it has run, every process opens secrets with either key, so nothing stops during a rotation.
 */
import type { Command } from 'commander';
import { readConfig } from '../config';
import { PulseError } from '../errors';
import { resealSecrets, type ResealResult } from '../store/mapConnections';
import { withStore, type StoreDeps } from './store';
import type { Output } from './model';

/** Injected edges: tests pass a database and a configuration. */
export interface SecretsDeps extends StoreDeps {
  out: Output;
}

/** Re-seals every stored secret with PULSE_SECRET_KEY and prints what it did. */
export async function runSecretsRotate(deps: SecretsDeps): Promise<ResealResult> {
  const config = deps.config ?? readConfig();
  if (!config.secretKeys) {
    throw new PulseError(
      'SECRET_KEY_MISSING',
      'set PULSE_SECRET_KEY to the new key and PULSE_SECRET_KEY_OLD to the one the secrets are stored with',
    );
  }
  const keys = config.secretKeys;
  const r = await withStore({ db: deps.db, config }, (db) => resealSecrets(db, keys));
  for (const c of r.resealed) deps.out.write(`re-sealed the ${c.source} connection of org ${c.org}\n`);
  deps.out.write(
    `${r.resealed.length} re-sealed, ${r.current} already on the current key${r.resealed.length > 0 || r.current > 0 ? ': PULSE_SECRET_KEY_OLD can go' : ''}\n`,
  );
  return r;
}

/** Registers `pulse secrets rotate`. */
export function registerSecrets(program: Command): void {
  program
    .command('secrets')
    .description('stored connection secrets')
    .command('rotate')
    .description(
      're-seal every stored connection secret with PULSE_SECRET_KEY (the new key), opening them with PULSE_SECRET_KEY_OLD',
    )
    .action(async () => {
      await runSecretsRotate({ out: process.stdout });
    });
}
