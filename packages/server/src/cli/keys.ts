import type { Command } from 'commander';
import { PulseError } from '../errors';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../store/apiKeys';
import type { Db } from '../store/db';
import { listOrgs } from '../store/serverStatus';
import type { Output } from './model';
import { withStore, type StoreDeps } from './store';

/** Injected edges: tests pass a database and a collector. */
export interface KeysDeps extends StoreDeps {
  out: Output;
}

/** The org a command is about: `--org` when given (it must exist), else the only org connected. */
export async function resolveOrg(db: Db, org: string | undefined): Promise<string> {
  const orgs = await listOrgs(db);
  const ids = orgs.map((o) => o.id);
  if (org !== undefined) {
    if (ids.includes(org)) return org;
    throw new PulseError(
      'ORG_UNKNOWN',
      `org ${org} is not connected${ids.length ? ` (connected: ${ids.join(', ')})` : ''}: check --org, or connect it first (pulse sync --org ${org})`,
      { org },
    );
  }
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) {
    throw new PulseError('NO_ORG', 'no org is connected yet: connect one first (pulse sync --org ID or pulse demo)');
  }
  throw new PulseError(
    'ORG_AMBIGUOUS',
    `${ids.length} orgs are connected (${ids.join(', ')}): pass --org ID to say which`,
  );
}

/** `pulse keys create`: makes an ingestion key; the key is printed alone on the last line, once. */
export async function runKeysCreate(
  opts: { org?: string; label?: string },
  deps: KeysDeps,
): Promise<{ orgId: string; prefix: string; key: string }> {
  return withStore(deps, async (db) => {
    const orgId = await resolveOrg(db, opts.org);
    const { key, prefix } = await createApiKey(db, orgId, opts.label ?? null);
    deps.out.write(
      `Created ingestion key ${prefix}… for org ${orgId}${opts.label ? ` (${opts.label})` : ''}.\n` +
        'It is shown only this once (Pulse keeps a hash); send it as "Authorization: Bearer <key>".\n' +
        `${key}\n`,
    );
    return { orgId, prefix, key };
  });
}

function statusOf(k: ApiKeyRow): string {
  return k.revokedAt ? `revoked ${new Date(k.revokedAt).toISOString()}` : 'active';
}

/** `pulse keys list`: the keys (display prefix, org, label, dates, status), never the keys themselves. */
export async function runKeysList(opts: { org?: string; json?: boolean }, deps: KeysDeps): Promise<ApiKeyRow[]> {
  return withStore(deps, async (db) => {
    const keys = await listApiKeys(db, opts.org);
    if (opts.json) {
      deps.out.write(`${JSON.stringify(keys)}\n`);
      return keys;
    }
    if (keys.length === 0) {
      deps.out.write(`no keys${opts.org ? ` for org ${opts.org}` : ''}: create one with pulse keys create\n`);
      return keys;
    }
    const rows = keys.map((k) => [
      k.prefix,
      k.orgId,
      k.label ?? '',
      new Date(k.createdAt).toISOString(),
      k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : 'never',
      statusOf(k),
    ]);
    const head = ['KEY', 'ORG', 'LABEL', 'CREATED', 'LAST USED', 'STATUS'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows])
      deps.out.write(
        `${r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
      );
    return keys;
  });
}

/** `pulse keys revoke PREFIX`: requests with that key get 401 from now on. */
export async function runKeysRevoke(prefix: string, deps: KeysDeps): Promise<ApiKeyRow> {
  return withStore(deps, async (db) => {
    const clean = prefix.replace(/…$/, '');
    const key = await revokeApiKey(db, clean);
    if (!key) {
      throw new PulseError('KEY_UNKNOWN', `no key ${clean}: pulse keys list shows the keys (the KEY column)`, {
        record: clean,
      });
    }
    deps.out.write(`revoked ${key.prefix} (org ${key.orgId})\n`);
    return key;
  });
}

/** Registers `pulse keys create|list|revoke`. */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Ingestion API keys (per org, stored hashed)');
  keys
    .command('create')
    .description('Create a key; it is printed alone on the last line, once')
    .option('--org <id>', 'org the key writes to (default: the only connected org)')
    .option('--label <label>', 'what the key is for (e.g. "website", "segment")')
    .action(async (opts: { org?: string; label?: string }) => {
      await runKeysCreate(opts, { out: process.stdout });
    });
  keys
    .command('list')
    .description('List keys (display prefix only)')
    .option('--org <id>', 'only this org')
    .option('--json', 'print JSON')
    .action(async (opts: { org?: string; json?: boolean }) => {
      await runKeysList(opts, { out: process.stdout });
    });
  keys
    .command('revoke')
    .description('Revoke a key by the prefix pulse keys list shows')
    .argument('<key>', 'the key prefix, e.g. pk_AbCd1234')
    .action(async (prefix: string) => {
      await runKeysRevoke(prefix, { out: process.stdout });
    });
}
