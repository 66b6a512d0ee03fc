import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { createTestDb, dropTestDb } from '../../../testing/db';
import { ValidationError } from '../../errors';
import type { MapConnectorFactory, MapSourceName } from '../../sources/map/types';
import type { Db } from '../../store/db';
import { loadMapConnection } from '../../store/mapConnections';
import { runConnect } from '../connect';
import { readConfig } from '../../config';

const schema = z.object({
  settings: z.object({ baseUrl: z.string().url('baseUrl must be a URL') }),
  secrets: z.object({ clientSecret: z.string().min(8, 'clientSecret is too short') }),
});

/** A vendor factory with two keys, enough to exercise storing and validation. */
const fake: MapConnectorFactory = {
  source: 'marketo',
  keys: { settings: { baseUrl: 'REST host' }, secrets: { clientSecret: 'API secret' } },
  validate: (c) => {
    const r = schema.safeParse(c);
    if (!r.success) {
      throw new ValidationError(
        'marketo connection',
        r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    return r.data;
  },
  fromEnv: () => null,
  create: () => {
    throw new Error('not used here');
  },
};
const connectors = { marketo: fake, hubspot: fake, pardot: fake } as Record<MapSourceName, MapConnectorFactory>;
const env = { PULSE_SECRET_KEY: 'test-secret-key' };

describe('pulse connect', () => {
  let db: Db;
  let out: string[];
  beforeEach(async () => {
    db = await createTestDb();
    out = [];
  });
  afterEach(() => dropTestDb(db));
  const deps = () => ({ db, config: readConfig(env), connectors, out: { write: (t: string) => out.push(t) } });

  it('stores settings in the clear and secrets encrypted, and shows them masked', async () => {
    await runConnect(
      { org: 'acme', source: 'marketo', set: ['baseUrl=https://123-abc.mktorest.com', 'clientSecret=s3cret-value'] },
      deps(),
    );
    expect(out.join('')).toContain('connected marketo for org acme');
    const raw = await db.query<{ settings: unknown; secret_enc: string }>(
      'SELECT settings, secret_enc FROM map_connections',
    );
    expect(raw.rows[0]!.settings).toEqual({ baseUrl: 'https://123-abc.mktorest.com' });
    expect(raw.rows[0]!.secret_enc).not.toContain('s3cret');
    expect(await loadMapConnection(db, 'acme', 'marketo', { current: env.PULSE_SECRET_KEY, previous: null })).toEqual({
      source: 'marketo',
      settings: { baseUrl: 'https://123-abc.mktorest.com' },
      secrets: { clientSecret: 's3cret-value' },
    });
    out = [];
    await runConnect({ org: 'acme', source: 'marketo', set: [] }, deps());
    expect(out.join('')).toBe(
      'marketo connection for org acme:\n  baseUrl = https://123-abc.mktorest.com\n  clientSecret = (stored encrypted)\n',
    );
  });

  it('reads secrets from a file or standard input, so they stay out of the shell history; warns when they did not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-connect-'));
    const file = join(dir, 'marketo.secrets');
    writeFileSync(file, '# from the vault\nclientSecret=from-a-file-value\r\n\n');
    await runConnect(
      { org: 'acme', source: 'marketo', set: ['baseUrl=https://123-abc.mktorest.com'], secretsFrom: file },
      deps(),
    );
    const keys = { current: env.PULSE_SECRET_KEY, previous: null };
    expect((await loadMapConnection(db, 'acme', 'marketo', keys))?.secrets).toEqual({
      clientSecret: 'from-a-file-value',
    });
    expect(out.join('')).not.toContain('warning');

    await runConnect(
      { org: 'acme', source: 'marketo', set: ['baseUrl=https://123-abc.mktorest.com'], secretsFrom: '-' },
      { ...deps(), stdin: Readable.from(['clientSecret=from-stdin-', 'value\n']) },
    );
    expect((await loadMapConnection(db, 'acme', 'marketo', keys))?.secrets).toEqual({
      clientSecret: 'from-stdin-value',
    });

    out = [];
    await runConnect(
      { org: 'acme', source: 'marketo', set: ['baseUrl=https://123-abc.mktorest.com', 'clientSecret=typed-in-value'] },
      deps(),
    );
    expect(out.join('')).toContain('warning: clientSecret came on the command line');
    await expect(
      runConnect({ org: 'acme', source: 'marketo', set: [], secretsFrom: join(dir, 'missing') }, deps()),
    ).rejects.toMatchObject({ issues: [{ path: '--secrets-from', message: expect.stringContaining('cannot read') }] });
  });

  it('names every unknown or invalid key and stores nothing', async () => {
    await expect(
      runConnect({ org: 'acme', source: 'marketo', set: ['baseUrl=x', 'clientId', 'colour=blue'] }, deps()),
    ).rejects.toMatchObject({
      issues: [
        { path: 'clientId', message: 'expected key=value' },
        { path: 'colour', message: 'unknown marketo key: use one of baseUrl, clientSecret' },
      ],
    });
    await expect(
      runConnect({ org: 'acme', source: 'marketo', set: ['baseUrl=x', 'clientSecret=short'] }, deps()),
    ).rejects.toMatchObject({
      issues: [
        { path: 'settings.baseUrl', message: 'baseUrl must be a URL' },
        { path: 'secrets.clientSecret', message: 'clientSecret is too short' },
      ],
    });
    expect((await db.query('SELECT 1 FROM map_connections')).rowCount).toBe(0);
  });

  it('refuses to store secrets without PULSE_SECRET_KEY', async () => {
    await expect(
      runConnect(
        { org: 'acme', source: 'marketo', set: ['baseUrl=https://x.io', 'clientSecret=s3cret-value'] },
        { ...deps(), config: readConfig({}) },
      ),
    ).rejects.toThrow(/set PULSE_SECRET_KEY/);
  });
});
