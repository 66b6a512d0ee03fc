/** `pulse mapping` (the field mapping) and `pulse preflight` (the write preflight) with an injected database and emulator connection. */
import { closeScene, openScene } from '../support/scene';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { type Emulator } from '@pulse/sandbox/src/salesforce/server';
import type { Db } from '@pulse/server/src/store/db';
import { runFieldMappingLoad, runFieldMappingSet, runFieldMappingShow } from '@pulse/server/src/cli/fieldMapping';
import { runWritePreflight } from '@pulse/server/src/cli/writePreflight';
import { buildProgram } from '@pulse/server/src/cli/main';

let emu: Emulator;
let conn: Connection;
let db: Db;
beforeAll(async () => {
  ({ emu, db, conn } = await openScene({ forceAppDir: 'force-app' }, 'token'));
});
afterAll(() => closeScene({ emu, db }));

function collector() {
  const chunks: string[] = [];
  return { out: { write: (t: string) => void chunks.push(t) }, text: () => chunks.join('') };
}

it('sets, loads and shows the field mapping of an org', async () => {
  const c = collector();
  await runFieldMappingSet('acme', 'score', 'NumberOfEmployees', { out: c.out, db });
  await runFieldMappingSet('acme', 'summary', 'off', { out: c.out, db });
  const dir = await mkdtemp(join(tmpdir(), 'pulse-map-'));
  await writeFile(join(dir, 'map.json'), '{"band": null, "trend": "Engagement_Trend__c"}');
  await runFieldMappingLoad('acme', join(dir, 'map.json'), { out: c.out, db });
  const show = collector();
  await runFieldMappingShow('acme', true, { out: show.out, db });
  expect(JSON.parse(show.text())).toMatchObject({
    score: 'NumberOfEmployees',
    summary: null,
    band: null,
    trend: 'Engagement_Trend__c',
    history: 'Engagement_History__c',
  });
  const text = collector();
  await runFieldMappingShow('acme', false, { out: text.out, db });
  expect(text.text()).toMatch(/score\s+NumberOfEmployees {2}\(set for this org\)/);
  expect(text.text()).toMatch(/summary\s+off/);
});

it('rejects a bad mapping with every problem', async () => {
  await expect(runFieldMappingSet('acme', 'scroe', 'bad name', { out: collector().out, db })).rejects.toThrow(
    /unknown output scroe[\s\S]*bad name: not a Salesforce field API name/,
  );
});

it('the write preflight reports ok, then the problems of the org field mapping', async () => {
  const ok = collector();
  expect(await runWritePreflight('fresh', false, { out: ok.out, db, conn })).toEqual([]);
  expect(ok.text()).toMatch(/^write preflight fresh: ok — 15 mapped Account fields/);
  emu.permissions.set('Account.Engagement_Score__c', { read: true, edit: false });
  const bad = collector();
  const problems = await runWritePreflight('fresh', false, { out: bad.out, db, conn });
  expect(problems).toHaveLength(1);
  expect(bad.text()).toContain(
    '  - Engagement_Score__c: not editable by the integration user — assign the Engagement_Integration permission set',
  );
  emu.permissions.clear();
});

it('registers both commands on the pulse program', () => {
  const names = buildProgram().commands.map((c) => c.name());
  expect(names).toEqual(expect.arrayContaining(['mapping', 'preflight']));
});
