import type { Command } from 'commander';
import { readConfig } from '../config';
import { createBootstrapToken } from '../store/bootstrapTokens';
import type { Output } from './model';
import { withStore, type StoreDeps } from './store';

/** How long a bootstrap token opens the console: long enough for a first setup, short enough to forget. */
export const BOOTSTRAP_TOKEN_TTL_MS = 24 * 3_600_000;

/** Injected edges: tests pass a database, a clock and a collector. */
export interface AdminDeps extends StoreDeps {
  out: Output;
  now?: () => Date;
}

/**
 * `pulse admin token`: makes the org's bootstrap token (the last one stops working) and prints it,
 * once, alone on the last line; Pulse keeps only its hash. It signs in to the console as admin.
 */
export async function runAdminToken(
  opts: { org?: string },
  deps: AdminDeps,
): Promise<{ orgId: string; token: string }> {
  return withStore(deps, async (db) => {
    const orgId = opts.org ?? (deps.config ?? readConfig()).salesforceOrg;
    const now = (deps.now ?? (() => new Date()))();
    const token = await createBootstrapToken(db, orgId, now, BOOTSTRAP_TOKEN_TTL_MS);
    deps.out.write(
      `Bootstrap token for org ${orgId}, valid for ${BOOTSTRAP_TOKEN_TTL_MS / 3_600_000} h (Pulse keeps a hash; this is the only time it is shown).\n` +
        'Sign in to the console with it at /signin, or POST /auth/token {"token": "…"}.\n' +
        `${token}\n`,
    );
    return { orgId, token };
  });
}

/** Registers `pulse admin token`. */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('The admin console');
  admin
    .command('token')
    .description('Print a bootstrap token for the console (once; stored hashed; replaces the previous one)')
    .option('--org <id>', 'org the token signs in to (default: PULSE_ORG, else default)')
    .action(async (opts: { org?: string }) => {
      await runAdminToken(opts, { out: process.stdout });
    });
}
