/**
 * The planted stories, end to end: export the generated org as CSV and score it offline with
 * the default model (what `pulse score --data` does). Each story must read as its name says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL } from '@pulse/server/src/model/defaults';
import { scoreOffline, type OfflineSession } from '@pulse/server/src/sources/csv/offline';
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';
import { toCsvExport } from '../csvExport';
import { generateOrg } from '../generateOrg';
import type { GeneratedOrg } from '../types';
import { NOW } from './support';

describe('planted stories scored by pulse (default model)', () => {
  let db: Db;
  let dir: string;
  let org: GeneratedOrg;
  let session: OfflineSession;

  beforeAll(async () => {
    db = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), 'pulse-stories-'));
    org = generateOrg({ accounts: 60, seed: 7, now: NOW });
    await toCsvExport(org, dir);
    session = await scoreOffline({ data: dir, asOf: NOW.toISOString().slice(0, 10), db });
  });
  afterAll(async () => {
    await session?.close();
    await dropTestDb(db);
    rmSync(dir, { recursive: true, force: true });
  });

  const scoreOf = (accountId: string) => {
    const s = session.scores.find((x) => x.accountId === accountId);
    if (!s) throw new Error(`no score for ${accountId}`);
    return s;
  };

  it('surging: trend Surging and the highest score in the org', () => {
    const s = scoreOf(org.stories.surging.accountId);
    expect(s.trend).toBe('Surging');
    expect(s.score).toBe(Math.max(...session.scores.map((x) => x.score)));
  });

  it('cooling: trend Cooling', () => {
    const s = scoreOf(org.stories.cooling.accountId);
    expect(s.trend).toBe('Cooling');
    expect(s.change30d ?? 0).toBeLessThanOrEqual(DEFAULT_MODEL.trend.cooling);
  });

  it('lone wolf: two people engaged, not MQA, the marketing executive persona missing', () => {
    const s = scoreOf(org.stories.loneWolf.accountId);
    expect(s.peopleEngaged).toBe(2);
    expect(s.mqa).toBe(false);
    const execPersona = DEFAULT_MODEL.committee.personas.find(
      (p) => p.when.seniority?.includes('cxo') && p.when.department?.includes('marketing'),
    );
    expect(execPersona).toBeDefined();
    expect(s.missingPersonas).toContain(execPersona?.label);
  });

  it('orphan leads: matched to their account by email domain and counted as its people', () => {
    const s = scoreOf(org.stories.orphanLeads.accountId);
    const leadIds = new Set(org.stories.orphanLeads.leadIds);
    expect(s.topPeople.filter((p) => leadIds.has(p.personId)).length).toBeGreaterThanOrEqual(3);
  });
});
