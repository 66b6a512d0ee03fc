import type { Db } from '../db';
import { ensureOrg } from '../orgs';
import {
  activateModel,
  clearShadowModel,
  loadActiveModel,
  loadShadowModel,
  saveModelVersion,
  setShadowModel,
} from '../models';
import { DEFAULT_MODEL } from '../../model/defaults';
import type { Model } from '../../model/schema';
import { createTestDb, dropTestDb } from '../../../testing/db';

let db: Db;
const version = (v: string): Model => ({ ...DEFAULT_MODEL, version: v });
beforeAll(async () => {
  db = await createTestDb();
  await ensureOrg(db, 'o');
  for (const v of ['live-1', 'cand-2', 'cand-3']) await saveModelVersion(db, 'o', version(v), {});
  await activateModel(db, 'o', 'live-1');
});
afterAll(async () => {
  await dropTestDb(db);
});

test('an org has at most one shadow, never its live version', async () => {
  expect(await loadShadowModel(db, 'o')).toBeNull();
  await setShadowModel(db, 'o', 'cand-2');
  await setShadowModel(db, 'o', 'cand-3');
  expect((await loadShadowModel(db, 'o'))!.model.version).toBe('cand-3');
  await expect(setShadowModel(db, 'o', 'live-1')).rejects.toMatchObject({ code: 'SHADOW_IS_LIVE' });
  await expect(setShadowModel(db, 'o', 'nope')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  expect((await loadShadowModel(db, 'o'))!.model.version).toBe('cand-3');
});

test('--off removes the shadow and says which it was; a shadow made live is a shadow no more', async () => {
  expect(await clearShadowModel(db, 'o')).toBe('cand-3');
  expect(await clearShadowModel(db, 'o')).toBeNull();
  await setShadowModel(db, 'o', 'cand-2');
  await activateModel(db, 'o', 'cand-2');
  expect((await loadActiveModel(db, 'o'))!.model.version).toBe('cand-2');
  expect(await loadShadowModel(db, 'o')).toBeNull();
});
