/** Custom fields from force-app metadata, as describe reports them through jsforce. */
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { loadCustomFields, Schema } from '../schema';
import { startEmulator } from '../server';

const FIXTURE = join(__dirname, 'fixtures', 'force-app');

describe('loadCustomFields', () => {
  it('parses number, restricted picklist, long text, formula and lookup fields', () => {
    const schema = new Schema();
    const loaded = loadCustomFields(FIXTURE, schema);
    expect(loaded.map((l) => `${l.object}.${l.field.name}`).sort()).toEqual([
      'Account.Fixture_Band__c',
      'Account.Fixture_Formula__c',
      'Account.Fixture_Notes__c',
      'Account.Fixture_Score__c',
      'Lead.Fixture_Account__c',
    ]);
    expect(schema.field('Account', 'Fixture_Score__c')).toMatchObject({
      type: 'double',
      precision: 3,
      scale: 0,
      custom: true,
      updateable: true,
    });
    expect(schema.field('Account', 'Fixture_Band__c')).toMatchObject({
      type: 'picklist',
      picklistValues: ['very_high', 'low'],
      picklistLabels: ['Very High', 'Low'],
      restrictedPicklist: true,
    });
    expect(schema.field('Account', 'Fixture_Notes__c')).toMatchObject({ type: 'textarea', length: 32768 });
    expect(schema.field('Account', 'Fixture_Formula__c')).toMatchObject({ createable: false, updateable: false });
    expect(schema.field('Lead', 'Fixture_Account__c')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'Fixture_Account__r',
    });
  });

  it('returns nothing for a missing directory', () => {
    expect(loadCustomFields(join(FIXTURE, 'nope'))).toEqual([]);
  });
});

describe('describe with custom fields (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm)', () => {
  it('reports fixture custom fields as custom and updateable, with picklist labels and child relationships', async () => {
    const emu = await startEmulator({ forceAppDir: FIXTURE });
    try {
      const conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
      const d = await conn.sobject('Account').describe();
      const band = d.fields.find((f) => f.name === 'Fixture_Band__c');
      expect(band).toMatchObject({
        custom: true,
        updateable: true,
        createable: true,
        restrictedPicklist: true,
        type: 'picklist',
      });
      expect(band?.picklistValues?.map((p) => [p.value, p.label])).toEqual([
        ['very_high', 'Very High'],
        ['low', 'Low'],
      ]);
      expect(d.childRelationships).toContainEqual(
        expect.objectContaining({
          childSObject: 'Lead',
          field: 'Fixture_Account__c',
          relationshipName: 'Fixture_Leads__r',
        }),
      );
      // The API takes the value (fullName), not the label.
      await expect(conn.sobject('Account').create({ Name: 'X', Fixture_Band__c: 'Very High' })).rejects.toMatchObject({
        errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      });
      await expect(conn.sobject('Account').create({ Name: 'X', Fixture_Band__c: 'very_high' })).resolves.toMatchObject({
        success: true,
      });
    } finally {
      await emu.close();
    }
  });

  it('loads the package metadata in force-app/ by default', async () => {
    const files = loadCustomFields('force-app');
    const emu = await startEmulator();
    try {
      const conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' });
      const d = await conn.sobject('Account').describe();
      const names = new Set(d.fields.map((f) => f.name));
      for (const f of files.filter((x) => x.object === 'Account')) expect(names.has(f.field.name)).toBe(true);
      expect(files.length).toBeGreaterThan(0);
    } finally {
      await emu.close();
    }
  });
});
