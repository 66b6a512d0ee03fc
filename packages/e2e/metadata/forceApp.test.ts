/** The readers behind the metadata contract test: DESIGN.md parsing and XML well-formedness. */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDesignType, readDesignFields, parseMetaFile } from './forceApp';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pulse-metadata-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseDesignType', () => {
  test.each([
    ['Number(3,0)', { type: 'Number', precision: 3, scale: 0 }],
    ['Number(4,0)', { type: 'Number', precision: 4, scale: 0 }],
    ['Percent(3,0)', { type: 'Percent', precision: 3, scale: 0 }],
    ['Percent', { type: 'Percent' }],
    ['Text(255)', { type: 'Text', length: 255 }],
    ['Text 40', { type: 'Text', length: 40 }],
    ['Long Text(32768)', { type: 'LongTextArea', length: 32768 }],
    ['Date/Time', { type: 'DateTime' }],
    ['Date', { type: 'Date' }],
    ['Checkbox', { type: 'Checkbox' }],
    ['Picklist', { type: 'Picklist' }],
    ['Lookup Account', { type: 'Lookup', referenceTo: 'Account' }],
  ])('%s', (text, want) => {
    expect(parseDesignType(text)).toEqual(want);
  });

  test('an unknown type is an error naming it', () => {
    expect(() => parseDesignType('Currency(16,2)')).toThrow('unknown field type "Currency(16,2)"');
  });
});

describe('readDesignFields', () => {
  test('says where the field contract page is expected when it is missing', () => {
    const where = path.join(tmp, 'nowhere', 'salesforce-fields.md');
    expect(() => readDesignFields(where)).toThrow(`field contract not found at ${where}`);
  });

  test('reads the Account table and the Lead paragraph', () => {
    const md = [
      '## Salesforce contract',
      '| field | type | holds |',
      '| --- | --- | --- |',
      '| A__c | Number(3,0) | score |',
      '| B__c | Picklist | X, Y |',
      '',
      'Lead fields for unconverted leads matched to an account:',
      '`L__c` (Lookup Account), `M__c`',
      '(Text 40). Pulse never converts leads.',
      '',
      '## Next section',
      '| C__c | Text(10) | not part of the contract |',
    ].join('\n');
    const file = path.join(tmp, 'DESIGN.md');
    writeFileSync(file, md);
    expect(readDesignFields(file)).toEqual([
      { object: 'Account', apiName: 'A__c', typeText: 'Number(3,0)', holds: 'score' },
      { object: 'Account', apiName: 'B__c', typeText: 'Picklist', holds: 'X, Y' },
      { object: 'Lead', apiName: 'L__c', typeText: 'Lookup Account' },
      { object: 'Lead', apiName: 'M__c', typeText: 'Text 40' },
    ]);
  });
});

describe('parseMetaFile', () => {
  test('names the file and line of malformed XML', () => {
    const file = path.join(tmp, 'Broken.field-meta.xml');
    writeFileSync(file, '<?xml version="1.0"?>\n<CustomField>\n  <label>Oops</lable>\n</CustomField>\n');
    expect(() => parseMetaFile(file)).toThrow(/Broken\.field-meta\.xml:3: malformed XML/);
  });

  test('parses repeated elements as arrays even when there is one', () => {
    const file = path.join(tmp, 'One.permissionset-meta.xml');
    writeFileSync(
      file,
      '<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata"><fieldPermissions><field>Account.A__c</field></fieldPermissions></PermissionSet>',
    );
    const meta = parseMetaFile(file);
    expect(meta.root).toBe('PermissionSet');
    expect(meta.doc.fieldPermissions).toEqual([{ field: 'Account.A__c' }]);
  });
});
