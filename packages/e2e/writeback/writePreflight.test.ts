/** The write preflight against the emulator: every problem kind, with its exact message. */
import { Connection } from 'jsforce';
import { startEmulator, type Emulator } from '@pulse/sandbox/src/salesforce/server';
import {
  defaultFieldMapping,
  effectiveFieldMapping,
  parseFieldMappingArg,
  parseFieldMappingFile,
} from '@pulse/server/src/contract/fieldMapping';
import { assertWritePreflight, writePreflight } from '@pulse/server/src/writeback/writePreflight';
import type { FieldDef } from '@pulse/sandbox/src/salesforce/schema';

let emu: Emulator;
let conn: Connection;
const saved = new Map<string, FieldDef>();

/** Changes a described Account field for one test (restored in afterEach). */
function tweak(name: string, change: Partial<FieldDef>) {
  const fd = emu.schema.field('Account', name)!;
  if (!saved.has(name)) saved.set(name, { ...fd });
  Object.assign(fd, change);
}

beforeAll(async () => {
  emu = await startEmulator();
  conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
});
afterAll(() => emu.close());
afterEach(() => {
  for (const [name, fd] of saved) Object.assign(emu.schema.field('Account', name)!, fd);
  saved.clear();
  emu.permissions.clear();
});

describe('write preflight', () => {
  it('passes on the package fields as installed', async () => {
    expect(await writePreflight(conn, defaultFieldMapping())).toEqual([]);
  });

  it('names a picklist value that is missing', async () => {
    const fd = emu.schema.field('Account', 'Engagement_Trend__c')!;
    tweak('Engagement_Trend__c', { picklistValues: fd.picklistValues!.filter((v) => v !== 'Surging') });
    const problems = await writePreflight(conn, defaultFieldMapping());
    expect(problems.map((p) => p.message)).toEqual([
      'Engagement_Trend__c: picklist lacks value Surging — add it in Setup → Object Manager → Account → Fields',
    ]);
  });

  it('names a field the integration user cannot edit', async () => {
    emu.permissions.set('Account.Engagement_Score__c', { read: true, edit: false });
    const problems = await writePreflight(conn, defaultFieldMapping());
    expect(problems.map((p) => p.message)).toEqual([
      'Engagement_Score__c: not editable by the integration user — assign the Engagement_Integration permission set',
    ]);
  });

  it('names a field that is missing or hidden', async () => {
    emu.permissions.set('Account.Engagement_Summary__c', { read: false, edit: false });
    const problems = await writePreflight(conn, defaultFieldMapping());
    expect(problems.map((p) => p.message)).toEqual([
      'Engagement_Summary__c: does not exist on Account or is hidden from the integration user — install the Pulse package and assign the Engagement_Integration permission set, or remap summary with `pulse mapping set summary FIELD|off`',
    ]);
  });

  it('names a number field with too few digits, a short text and a wrong type', async () => {
    tweak('Engagement_Score__c', { precision: 2, scale: 0 });
    tweak('Engagement_Missing_Personas__c', { length: 100 });
    tweak('Engagement_History__c', { type: 'string', length: 255 });
    const problems = await writePreflight(conn, defaultFieldMapping());
    expect(problems.map((p) => p.message)).toEqual([
      'Engagement_Score__c: holds 2 digits before the decimal point but score needs 3 — raise its length in Setup → Object Manager → Account → Fields',
      'Engagement_Missing_Personas__c: holds 100 characters but needs 255 — raise its length in Setup → Object Manager → Account → Fields',
      'Engagement_History__c: is string but history needs a Long Text Area(4000) — remap it to a field of that type',
    ]);
  });

  it('names a long text too short for the JSON', async () => {
    tweak('Engagement_Top_Contributors__c', { length: 1000 });
    const problems = await writePreflight(conn, defaultFieldMapping());
    expect(problems.map((p) => p.message)).toEqual([
      'Engagement_Top_Contributors__c: holds 1000 characters but needs 32768 — raise its length in Setup → Object Manager → Account → Fields',
    ]);
  });

  it('reports every problem at once, and two outputs on one field', async () => {
    emu.permissions.set('Account.Engagement_Band__c', { read: true, edit: false });
    tweak('Engagement_Band__c', { picklistValues: ['Low', 'Medium', 'High'] });
    const problems = await writePreflight(
      conn,
      effectiveFieldMapping({ summary: 'Engagement_Missing_Personas__c', mqa: null }),
    );
    expect(problems.map((p) => [p.field, p.kind])).toEqual([
      ['Engagement_Band__c', 'picklist'],
      ['Engagement_Band__c', 'not-editable'],
      ['Engagement_Missing_Personas__c', 'duplicate'],
    ]);
    expect(problems[2]!.message).toBe(
      'Engagement_Missing_Personas__c: receives both missingPersonas and summary — map one of them elsewhere or switch it off',
    );
    expect(() => assertWritePreflight(problems, 'o1')).toThrow(
      /refused until these are fixed:\n {2}- Engagement_Band__c: picklist lacks value Very High/,
    );
  });

  it('accepts a remap to a standard field of a fitting type and skips outputs switched off', async () => {
    const problems = await writePreflight(conn, effectiveFieldMapping({ score: 'NumberOfEmployees', summary: null }));
    // NumberOfEmployees is an int of 8 digits: wide enough for a 0–100 score.
    expect(problems).toEqual([]);
  });
});

describe('field mapping input', () => {
  it('parses a mapping file and rejects unknown outputs and bad field names together', () => {
    expect(parseFieldMappingFile('{"score":"Score__c","summary":null}')).toEqual({ score: 'Score__c', summary: null });
    expect(() => parseFieldMappingFile('{"scroe":"X__c","band":"bad name"}', 'map.json')).toThrow(
      /map\.json is invalid:[\s\S]*scroe[\s\S]*band: not a Salesforce field API name/,
    );
  });
  it('parses OUTPUT FIELD|off', () => {
    expect(parseFieldMappingArg('trend', 'off')).toEqual({ output: 'trend', field: null });
    expect(parseFieldMappingArg('score', 'Score__c')).toEqual({ output: 'score', field: 'Score__c' });
    expect(() => parseFieldMappingArg('nope', 'Score__c')).toThrow(/unknown output nope/);
  });
});
