/**
 * What an admin finds after deploying: the Pulse Lightning app, an Account page layout with the
 * engagement fields, and a permission set group for reps.
 *
 * Shapes as the Metadata API documents them:
 * - CustomApplication (`tabs`, `uiType`, `actionOverrides` with `pageOrSobjectType` for app-level record pages):
 *   https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_customapplication.htm
 * - Layout (`layoutSections` → `layoutColumns` → `layoutItems` with `behavior` Edit/Required/Readonly):
 *   https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_layouts.htm
 * - PermissionSetGroup (`permissionSets`, `status`):
 *   https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_permissionsetgroup.htm
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { ACCOUNT_FIELDS } from '@pulse/server/src/contract/fields';
import { DEFAULT_DIR, metaUnder } from './forceApp';

const [app, ...moreApps] = metaUnder('applications');
const layouts = metaUnder('layouts');
const groups = metaUnder('permissionsetgroups');
const sets = metaUnder('permissionsets');

type Item = { behavior: string; field: string };
type Section = { label: string; layoutColumns: { layoutItems?: Item[] }[] };

describe('the Pulse Lightning app', () => {
  test('is one Lightning app holding the leaderboard tab and Accounts', () => {
    expect(moreApps).toEqual([]);
    expect(app?.rel).toBe(path.join('main', 'default', 'applications', 'Pulse.app-meta.xml'));
    expect(app?.doc).toMatchObject({ label: 'Pulse', uiType: 'Lightning', navType: 'Standard' });
    const tabs = app?.doc.tabs as string[];
    expect(tabs.slice(0, 2)).toEqual(['Engagement_Leaderboard', 'standard-Account']);
    for (const tab of tabs.filter((t) => !t.startsWith('standard-'))) {
      expect(existsSync(path.join(DEFAULT_DIR, 'tabs', `${tab}.tab-meta.xml`))).toBe(true);
    }
  });

  test('opens Accounts on the record page with the engagement card', () => {
    expect(app?.doc.actionOverrides).toEqual([
      expect.objectContaining({
        actionName: 'View',
        type: 'Flexipage',
        content: 'Account_Engagement_Record_Page',
        pageOrSobjectType: 'Account',
        formFactor: 'Large',
      }),
    ]);
    expect(existsSync(path.join(DEFAULT_DIR, 'flexipages', 'Account_Engagement_Record_Page.flexipage-meta.xml'))).toBe(
      true,
    );
  });

  test('the viewer permission set makes it visible', () => {
    const viewer = sets.find((m) => m.rel.endsWith('Engagement_Viewer.permissionset-meta.xml'));
    expect(viewer?.doc.applicationVisibilities).toEqual({ application: 'Pulse', visible: 'true' });
  });
});

describe('the Account page layout', () => {
  const layout = layouts.find((m) => m.rel.endsWith(`Account-Pulse Engagement Layout.layout-meta.xml`));
  const sections = (layout?.doc.layoutSections ?? []) as Section[];
  const itemsOf = (label: string) =>
    sections.filter((s) => s.label === label).flatMap((s) => s.layoutColumns.flatMap((c) => c.layoutItems ?? []));

  test('is the only layout and is an Account layout', () => {
    expect(layouts.map((m) => path.basename(m.rel))).toEqual(['Account-Pulse Engagement Layout.layout-meta.xml']);
  });

  test('keeps the account name required and shows the owner', () => {
    expect(itemsOf('Account Information')).toEqual(
      expect.arrayContaining([
        { behavior: 'Required', field: 'Name' },
        { behavior: 'Edit', field: 'OwnerId' },
      ]),
    );
  });

  test('has an Engagement section with every readable Pulse field, read-only (Pulse writes them)', () => {
    const engagement = itemsOf('Engagement');
    // The two machine fields (contributors JSON, history CSV) are for the card, not for people.
    const expected = ACCOUNT_FIELDS.map((f) => f.apiName).filter(
      (f) => f !== 'Engagement_Top_Contributors__c' && f !== 'Engagement_History__c',
    );
    expect(engagement.map((i) => i.field).sort()).toEqual([...expected].sort());
    expect(new Set(engagement.map((i) => i.behavior))).toEqual(new Set(['Readonly']));
    expect(engagement.slice(0, 3).map((i) => i.field)).toEqual([
      'Engagement_Score__c',
      'Engagement_Band__c',
      'Engagement_Trend__c',
    ]);
  });

  test('places each field once', () => {
    const all = sections.flatMap((s) => s.layoutColumns.flatMap((c) => c.layoutItems ?? [])).map((i) => i.field);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('the permission set group for reps', () => {
  test('Engagement Rep bundles the viewer set and needs no activation', () => {
    expect(groups.map((g) => path.basename(g.rel))).toEqual(['Engagement_Rep.permissionsetgroup-meta.xml']);
    expect(groups[0]?.doc).toMatchObject({
      label: 'Engagement Rep',
      permissionSets: ['Engagement_Viewer'],
      status: 'Updated',
      hasActivationRequired: 'false',
    });
    // The integration set never goes to people.
    expect(groups[0]?.doc.permissionSets).not.toContain('Engagement_Integration');
  });
});
