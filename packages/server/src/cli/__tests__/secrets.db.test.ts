/** `pulse secrets rotate`: every stored secret moves to the new key in one step, or none does. */
import { createTestDb, dropTestDb } from '../../../testing/db';
import { readConfig } from '../../config';
import { loadConnection, saveConnection } from '../../store/connections';
import type { Db } from '../../store/db';
import { loadMapConnection, saveMapConnection } from '../../store/mapConnections';
import { runSecretsRotate } from '../secrets';

const auth = {
  kind: 'client_credentials' as const,
  loginUrl: 'https://acme.my.salesforce.com',
  clientId: 'cid',
  clientSecret: 'sf-secret',
};
const hubspot = { source: 'hubspot', settings: {}, secrets: { accessToken: 'pat' } };
const marketo = {
  source: 'marketo',
  settings: { baseUrl: 'https://1-a-2.mktorest.com' },
  secrets: { clientSecret: 'mk' },
};
const onlyNew = { current: 'new-key', previous: null };

let db: Db;
let out: string;
const deps = (env: NodeJS.ProcessEnv) => ({
  db,
  config: readConfig(env),
  out: { write: (t: string) => void (out += t) },
});
beforeEach(async () => {
  db = await createTestDb();
  out = '';
});
afterEach(() => dropTestDb(db));

it('re-seals Salesforce and MAP secrets of every org with the new key; a second run has nothing to do', async () => {
  await saveConnection(db, 'acme', auth, 'old-key');
  await saveMapConnection(db, 'acme', hubspot, 'old-key');
  await saveMapConnection(db, 'beta', marketo, 'new-key');
  // Before: the new key alone cannot open what the old one sealed.
  await expect(loadConnection(db, 'acme', onlyNew)).rejects.toThrow(/salesforce connection of org acme/);

  const r = await runSecretsRotate(deps({ PULSE_SECRET_KEY: 'new-key', PULSE_SECRET_KEY_OLD: 'old-key' }));
  expect(r).toEqual({
    resealed: [
      { org: 'acme', source: 'salesforce' },
      { org: 'acme', source: 'hubspot' },
    ],
    current: 1,
  });
  expect(out).toContain('re-sealed the hubspot connection of org acme');
  expect(out).toContain('2 re-sealed, 1 already on the current key: PULSE_SECRET_KEY_OLD can go');
  expect(await loadConnection(db, 'acme', onlyNew)).toEqual(auth);
  expect(await loadMapConnection(db, 'acme', 'hubspot', onlyNew)).toEqual(hubspot);
  expect(await loadMapConnection(db, 'beta', 'marketo', onlyNew)).toEqual(marketo);

  out = '';
  const again = await runSecretsRotate(deps({ PULSE_SECRET_KEY: 'new-key' }));
  expect(again).toEqual({ resealed: [], current: 3 });
});

it('stops at a secret neither key opens, naming it, and writes nothing', async () => {
  await saveConnection(db, 'acme', auth, 'old-key');
  await saveMapConnection(db, 'acme', hubspot, 'a-key-nobody-has');
  await expect(
    runSecretsRotate(deps({ PULSE_SECRET_KEY: 'new-key', PULSE_SECRET_KEY_OLD: 'old-key' })),
  ).rejects.toThrow('cannot decrypt the stored hubspot connection of org acme');
  // The Salesforce secret, read before the failure, is still sealed with the old key.
  await expect(loadConnection(db, 'acme', onlyNew)).rejects.toThrow(/cannot decrypt/);
  expect(await loadConnection(db, 'acme', { current: 'old-key', previous: null })).toEqual(auth);
});

it('without PULSE_SECRET_KEY says what to set', async () => {
  await expect(runSecretsRotate(deps({}))).rejects.toThrow(/set PULSE_SECRET_KEY to the new key/);
});
