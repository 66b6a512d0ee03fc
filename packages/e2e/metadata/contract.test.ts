/**
 * The package and the server cannot drift apart: every `*-meta.xml` under force-app is
 * parsed and checked against the field contract (`server/src/contract/fields.ts`) and
 * against the "Salesforce contract" table of docs/salesforce-fields.md.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import {
  ACCOUNT_FIELDS,
  LEAD_FIELDS,
  BAND_VALUES,
  TREND_VALUES,
  type FieldSpec,
} from '@pulse/server/src/contract/fields';
import { STREAMS } from '@pulse/server/src/sources/salesforce/objects';
import {
  FORCE_APP,
  REPO_ROOT,
  listFiles,
  parseMetaFile,
  readDesignFields,
  parseDesignType,
  type MetaFile,
} from './forceApp';

const DEFAULT = path.join(FORCE_APP, 'main', 'default');
const allFiles = listFiles(FORCE_APP);
const xmlFiles = allFiles.filter((f) => f.endsWith('.xml'));
const metaFiles = xmlFiles.filter((f) => f.endsWith('-meta.xml'));

/** Parses every file, or reports each malformed one (the well-formedness test shows them). */
function parseAll(files: string[]): { parsed: Map<string, MetaFile>; problems: string[] } {
  const parsed = new Map<string, MetaFile>();
  const problems: string[] = [];
  for (const f of files) {
    try {
      parsed.set(f, parseMetaFile(f));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { parsed, problems };
}
const { parsed, problems } = parseAll(xmlFiles);

function metaOfDir(sub: string): MetaFile[] {
  const dir = path.join(DEFAULT, sub) + path.sep;
  return [...parsed.entries()].filter(([f]) => f.startsWith(dir)).map(([, m]) => m);
}

function fieldFile(object: string, apiName: string): MetaFile {
  const file = path.join(DEFAULT, 'objects', object, 'fields', `${apiName}.field-meta.xml`);
  const meta = parsed.get(file);
  if (!meta) throw new Error(`missing ${path.relative(FORCE_APP, file)}`);
  return meta;
}

const CONTRACT: { object: 'Account' | 'Lead'; spec: FieldSpec }[] = [
  ...ACCOUNT_FIELDS.map((spec) => ({ object: 'Account' as const, spec })),
  ...LEAD_FIELDS.map((spec) => ({ object: 'Lead' as const, spec })),
];
const QUALIFIED = CONTRACT.map(({ object, spec }) => `${object}.${spec.apiName}`).sort();

const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));

describe('force-app XML', () => {
  test('holds metadata files to check', () => {
    expect(metaFiles.length).toBeGreaterThan(QUALIFIED.length);
  });

  test('every XML file is well-formed', () => {
    expect(problems).toEqual([]);
  });

  test('every metadata file uses the Metadata API namespace', () => {
    const wrong = [...parsed.values()]
      .filter((m) => m.rel.endsWith('-meta.xml') && m.doc['@xmlns'] !== 'http://soap.sforce.com/2006/04/metadata')
      .map((m) => m.rel);
    expect(wrong).toEqual([]);
  });

  test('no Apex anywhere: no classes, triggers, pages or Aura controllers', () => {
    const apex = allFiles
      .map((f) => path.relative(FORCE_APP, f))
      .filter((f) => /\.(cls|trigger|page|component)(-meta\.xml)?$/.test(f) || /(^|\/)(classes|triggers)\//.test(f));
    expect(apex).toEqual([]);
  });
});

describe('field contract (server/src/contract/fields.ts)', () => {
  test('matches docs/salesforce-fields.md: same fields, names, types, lengths and precision', () => {
    const design = readDesignFields();
    expect(design.map((d) => `${d.object}.${d.apiName}`).sort()).toEqual(QUALIFIED);
    for (const d of design) {
      const spec = CONTRACT.find((c) => c.object === d.object && c.spec.apiName === d.apiName)?.spec;
      const want = parseDesignType(d.typeText);
      expect({ field: d.apiName, ...want }).toEqual({
        field: d.apiName,
        type: spec?.type,
        ...(want.precision !== undefined && { precision: spec?.precision, scale: spec?.scale }),
        ...(want.length !== undefined && { length: spec?.length }),
        ...(want.referenceTo !== undefined && { referenceTo: spec?.referenceTo }),
      });
    }
  });

  test('picklist values are the ones docs/salesforce-fields.md lists, in order', () => {
    const design = readDesignFields().filter((d) => d.typeText === 'Picklist');
    expect(design.map((d) => d.apiName).sort()).toEqual(['Engagement_Band__c', 'Engagement_Trend__c']);
    for (const d of design) {
      const spec = ACCOUNT_FIELDS.find((f) => f.apiName === d.apiName);
      expect(spec?.values).toEqual(d.holds?.split(',').map((v) => v.trim()));
    }
    expect(ACCOUNT_FIELDS.find((f) => f.apiName === 'Engagement_Band__c')?.values).toEqual(BAND_VALUES);
    expect(ACCOUNT_FIELDS.find((f) => f.apiName === 'Engagement_Trend__c')?.values).toEqual(TREND_VALUES);
  });

  test('labels fit 40 characters, help text 510, descriptions 1000; each output key is used once', () => {
    for (const { spec } of CONTRACT) {
      expect({ field: spec.apiName, label: spec.label.length <= 40 }).toEqual({ field: spec.apiName, label: true });
      expect(spec.inlineHelpText.length).toBeLessThanOrEqual(510);
      expect(spec.description.length).toBeLessThanOrEqual(1000);
    }
    const outputs = CONTRACT.map((c) => c.spec.output);
    expect(new Set(outputs).size).toBe(outputs.length);
  });
});

describe('field metadata', () => {
  test('the package holds exactly the contract fields, one file each', () => {
    const files = [...parsed.values()]
      .filter((m) => m.root === 'CustomField')
      .map((m) => {
        const [, object, , file] = m.rel.split(path.sep).slice(2);
        return `${object}.${(file ?? '').replace('.field-meta.xml', '')}`;
      })
      .sort();
    expect(files).toEqual(QUALIFIED);
  });

  test.each(CONTRACT.map((c) => [`${c.object}.${c.spec.apiName}`, c] as const))('%s matches the contract', (_, c) => {
    const { spec } = c;
    const doc = fieldFile(c.object, spec.apiName).doc;
    expect({
      fullName: doc.fullName,
      label: doc.label,
      type: doc.type,
      precision: num(doc.precision),
      scale: num(doc.scale),
      length: num(doc.length),
      visibleLines: num(doc.visibleLines),
      referenceTo: doc.referenceTo,
      relationshipName: doc.relationshipName,
      relationshipLabel: doc.relationshipLabel,
      description: doc.description,
      inlineHelpText: doc.inlineHelpText,
      externalId: doc.externalId,
      trackHistory: doc.trackHistory,
    }).toEqual({
      fullName: spec.apiName,
      label: spec.label,
      type: spec.type,
      precision: spec.precision,
      scale: spec.scale,
      length: spec.length,
      visibleLines: spec.visibleLines,
      referenceTo: spec.referenceTo,
      relationshipName: spec.relationshipName,
      relationshipLabel: spec.relationshipLabel,
      description: spec.description,
      inlineHelpText: spec.inlineHelpText,
      externalId: 'false',
      trackHistory: 'false',
    });
    // Required fields and formulas cannot take field permissions; every field here must.
    expect(doc.required ?? 'false').toBe('false');
    expect(doc.formula).toBeUndefined();
    if (spec.type === 'Checkbox') expect(doc.defaultValue).toBe('false');
    if (spec.type === 'Lookup') expect(doc.deleteConstraint).toBe('SetNull');
    if (spec.type === 'Picklist') {
      expect(doc.valueSet?.restricted).toBe('true');
      const values = (doc.valueSet?.valueSetDefinition?.value ?? []) as { fullName: string; label: string }[];
      expect(values.map((v) => v.fullName)).toEqual(spec.values);
      expect(values.map((v) => v.label)).toEqual(spec.values);
      expect(doc.valueSet?.valueSetDefinition?.sorted).toBe('false');
    } else {
      expect(doc.valueSet).toBeUndefined();
    }
  });
});

describe('Account list views', () => {
  const listViews = metaOfDir(path.join('objects', 'Account', 'listViews'));
  const accountFields = new Map(ACCOUNT_FIELDS.map((f) => [f.apiName, f]));
  // Standard columns as list views name them (the Metadata API's ListView column names).
  const STANDARD_COLUMNS = new Set(['ACCOUNT.NAME', 'CORE.USERS.ALIAS', 'ACCOUNT.TYPE', 'ACCOUNT.LAST_ACTIVITY']);

  test('are the six the design names, with Mine scope only for "My surging accounts"', () => {
    const byLabel = Object.fromEntries(listViews.map((m) => [m.doc.label, m.doc.filterScope]));
    expect(byLabel).toEqual({
      'Surging Accounts': 'Everything',
      'Heating Accounts': 'Everything',
      'Cooling Accounts': 'Everything',
      'Very High Engagement': 'Everything',
      'Marketing Qualified Accounts': 'Everything',
      'My Surging Accounts': 'Mine',
    });
    for (const m of listViews) expect(m.rel.endsWith(`${m.doc.fullName}.listView-meta.xml`)).toBe(true);
  });

  test('filter on existing fields with legal values', () => {
    for (const m of listViews) {
      const filters = m.doc.filters as { field: string; operation: string; value: string }[];
      expect(filters.length).toBeGreaterThan(0);
      for (const f of filters) {
        const spec = accountFields.get(f.field);
        expect({ view: m.rel, field: f.field, known: spec !== undefined }).toEqual({
          view: m.rel,
          field: f.field,
          known: true,
        });
        expect(f.operation).toBe('equals');
        if (spec?.type === 'Picklist') expect(spec.values).toContain(f.value);
        if (spec?.type === 'Checkbox') expect(f.value).toBe('1');
      }
    }
  });

  test('filter what their names promise', () => {
    const filterOf = (label: string) =>
      (listViews.find((m) => m.doc.label === label)?.doc.filters as unknown[] | undefined)?.map((f) => ({
        ...(f as object),
      }));
    expect(filterOf('Surging Accounts')).toEqual([
      { field: 'Engagement_Trend__c', operation: 'equals', value: 'Surging' },
    ]);
    expect(filterOf('My Surging Accounts')).toEqual(filterOf('Surging Accounts'));
    expect(filterOf('Heating Accounts')).toEqual([
      { field: 'Engagement_Trend__c', operation: 'equals', value: 'Heating' },
    ]);
    expect(filterOf('Cooling Accounts')).toEqual([
      { field: 'Engagement_Trend__c', operation: 'equals', value: 'Cooling' },
    ]);
    expect(filterOf('Very High Engagement')).toEqual([
      { field: 'Engagement_Band__c', operation: 'equals', value: 'Very High' },
    ]);
    expect(filterOf('Marketing Qualified Accounts')).toEqual([
      { field: 'Engagement_MQA__c', operation: 'equals', value: '1' },
    ]);
  });

  test('show the account, score, trend, change, band, people engaged, last activity and owner', () => {
    for (const m of listViews) {
      const columns = m.doc.columns as string[];
      expect(columns[0]).toBe('ACCOUNT.NAME');
      expect(columns).toEqual(
        expect.arrayContaining([
          'Engagement_Score__c',
          'Engagement_Trend__c',
          'Engagement_Score_Change_30d__c',
          'Engagement_People_Engaged__c',
          'Engagement_Last_Activity__c',
          'CORE.USERS.ALIAS',
        ]),
      );
      for (const c of columns) expect(STANDARD_COLUMNS.has(c) || accountFields.has(c)).toBe(true);
      expect(new Set(columns).size).toBe(columns.length);
    }
  });
});

describe('permission sets', () => {
  const sets = new Map(metaOfDir('permissionsets').map((m) => [m.rel.split(path.sep).pop(), m.doc]));
  const viewer = sets.get('Engagement_Viewer.permissionset-meta.xml');
  const integration = sets.get('Engagement_Integration.permissionset-meta.xml');
  type FieldPermission = { field: string; readable: string; editable: string };
  const grants = (doc: Record<string, any> | undefined) =>
    Object.fromEntries(
      ((doc?.fieldPermissions ?? []) as FieldPermission[]).map((p) => [p.field, `${p.readable}/${p.editable}`]),
    );

  test('there are exactly the viewer and the integration sets', () => {
    expect([...sets.keys()].sort()).toEqual([
      'Engagement_Integration.permissionset-meta.xml',
      'Engagement_Viewer.permissionset-meta.xml',
    ]);
  });

  test('viewer reads every field and edits none', () => {
    expect(grants(viewer)).toEqual(Object.fromEntries(QUALIFIED.map((f) => [f, 'true/false'])));
  });

  test('integration reads and edits every Pulse field, and only reads the standard fields the pull asks for', () => {
    const all = grants(integration);
    const pulse = Object.fromEntries(Object.entries(all).filter(([f]) => QUALIFIED.includes(f)));
    expect(pulse).toEqual(Object.fromEntries(QUALIFIED.map((f) => [f, 'true/true'])));
    const standard = Object.entries(all).filter(([f]) => !QUALIFIED.includes(f));
    expect(standard.length).toBeGreaterThan(0);
    // "Exactly what pull needs": every standard field granted is one the pull selects, read-only.
    const pulled = new Set(STREAMS.flatMap((s) => s.fields.map((f) => `${s.object}.${f}`)));
    for (const [field, grant] of standard)
      expect({ field, pulled: pulled.has(field), grant }).toEqual({ field, pulled: true, grant: 'true/false' });
  });

  test('object access: viewer reads Account and Lead; integration also edits them; nobody creates or deletes', () => {
    const objects = (doc: Record<string, any> | undefined) =>
      Object.fromEntries(
        ((doc?.objectPermissions ?? []) as Record<string, string>[]).map((o) => [
          o.object,
          ['allowRead', 'allowEdit', 'allowCreate', 'allowDelete', 'modifyAllRecords']
            .filter((k) => o[k] === 'true')
            .join(','),
        ]),
      );
    expect(objects(viewer)).toEqual({ Account: 'allowRead', Lead: 'allowRead' });
    expect(objects(integration)).toEqual({
      Account: 'allowRead,allowEdit',
      Lead: 'allowRead,allowEdit',
      Contact: 'allowRead',
      Opportunity: 'allowRead',
      Campaign: 'allowRead',
    });
  });

  test('the integration user gets no tabs; only it gets API access', () => {
    expect(integration?.tabSettings).toBeUndefined();
    const perms = (doc: Record<string, any> | undefined) =>
      ((doc?.userPermissions ?? []) as { name: string; enabled: string }[])
        .filter((p) => p.enabled === 'true')
        .map((p) => p.name);
    expect(perms(viewer)).toEqual([]);
    // EditTask: the actions' Salesforce Task destination creates and updates Tasks for account owners.
    // ViewAllData: Task and Event queries by a user without it are refused past 100,000 rows
    // (OPERATION_TOO_LARGE), and the read preflight stops a first pull without it.
    expect(perms(integration)).toEqual(['ApiEnabled', 'EditTask', 'ViewAllData']);
  });
});

describe('Lightning pages and tabs', () => {
  type Instance = {
    componentInstance?: { componentName: string; componentInstanceProperties?: { name: string; value: string }[] };
  };
  type TargetConfig = { '@targets': string; property?: { '@name': string }[] };
  const pages = metaOfDir('flexipages');
  const componentsOf = (page: MetaFile | undefined) =>
    ((page?.doc.flexiPageRegions ?? []) as { itemInstances?: Instance[] }[])
      .flatMap((r) => r.itemInstances ?? [])
      .map((i) => i.componentInstance)
      .filter((c) => c !== undefined);
  const pageNamed = (name: string) => pages.find((m) => m.rel.endsWith(`${path.sep}${name}.flexipage-meta.xml`));
  // FlexiPage type → the LWC target a component needs to be placed on it.
  const TARGET_OF: Record<string, string> = {
    RecordPage: 'lightning__RecordPage',
    AppPage: 'lightning__AppPage',
    HomePage: 'lightning__HomePage',
  };

  test('the sample Account record page holds the engagement card', () => {
    const page = pageNamed('Account_Engagement_Record_Page');
    expect(page?.doc.type).toBe('RecordPage');
    expect(page?.doc.sobjectType).toBe('Account');
    expect(componentsOf(page).map((c) => c.componentName)).toContain('c:engagementScoreCard');
  });

  test('the leaderboard app page holds the leaderboard', () => {
    const page = pageNamed('Engagement_Leaderboard');
    expect(page?.doc.type).toBe('AppPage');
    expect(componentsOf(page).map((c) => c.componentName)).toEqual(['c:engagementLeaderboard']);
  });

  test('every custom component placed exists, targets the page type and declares the properties set', () => {
    const placed = pages.flatMap((page) =>
      componentsOf(page)
        .filter((c) => c.componentName.startsWith('c:'))
        .map((c) => ({ page, c })),
    );
    expect(placed.length).toBeGreaterThan(0);
    for (const { page, c } of placed) {
      const name = c.componentName.slice(2);
      const target = TARGET_OF[page.doc.type as string];
      const metaPath = path.join(DEFAULT, 'lwc', name, `${name}.js-meta.xml`);
      expect({ page: page.rel, component: name, exists: existsSync(metaPath) }).toEqual({
        page: page.rel,
        component: name,
        exists: true,
      });
      const meta = parsed.get(metaPath)?.doc;
      expect(meta?.isExposed).toBe('true');
      expect(meta?.targets?.[0]?.target).toContain(target);
      const declared = ((meta?.targetConfigs?.[0]?.targetConfig ?? []) as TargetConfig[])
        .filter((t) =>
          t['@targets']
            .split(',')
            .map((s) => s.trim())
            .includes(target as string),
        )
        .flatMap((t) => (t.property ?? []).map((p) => p['@name']));
      for (const p of c.componentInstanceProperties ?? []) expect(declared).toContain(p.name);
    }
  });

  test('every tab opens an app page of the package, and the viewer permission set shows it', () => {
    const tabs = metaOfDir('tabs');
    expect(tabs.length).toBeGreaterThan(0);
    const viewer = metaOfDir('permissionsets').find((m) => m.doc.label === 'Engagement Viewer');
    const visible = ((viewer?.doc.tabSettings ?? []) as { tab: string; visibility: string }[])
      .filter((t) => t.visibility === 'Visible')
      .map((t) => t.tab);
    for (const tab of tabs) {
      expect(pageNamed(tab.doc.flexiPage as string)?.doc.type).toBe('AppPage');
      expect(visible).toContain(path.basename(tab.rel, '.tab-meta.xml'));
    }
    expect(visible).toHaveLength(tabs.length);
  });
});

describe('sfdx project', () => {
  const project = JSON.parse(readFileSync(path.join(REPO_ROOT, 'sfdx-project.json'), 'utf8')) as {
    namespace: string;
    sourceApiVersion: string;
    packageDirectories: {
      path: string;
      default: boolean;
      package: string;
      versionName: string;
      versionNumber: string;
    }[];
  };

  test('is ready for a second-generation package with one default directory', () => {
    expect(project.sourceApiVersion).toBe('62.0');
    expect(project.namespace).toBe('');
    const [dir, ...rest] = project.packageDirectories;
    expect(rest).toEqual([]);
    expect(dir).toMatchObject({ path: 'force-app', default: true, package: 'Pulse' });
    expect(dir?.versionNumber).toMatch(/^\d+\.\d+\.\d+\.(NEXT|\d+)$/);
    expect(dir?.versionName).toBeTruthy();
  });

  test('.forceignore keeps tests and tool config out of deploys', () => {
    const lines = readFileSync(path.join(REPO_ROOT, '.forceignore'), 'utf8').split('\n');
    expect(lines).toEqual(expect.arrayContaining(['**/__tests__/**', '**/jsconfig.json', '**/.eslintrc.json']));
  });
});

describe('docs/salesforce-package.md', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'salesforce-package.md'), 'utf8');

  test('names every field, list view, permission set (and group), report, app, layout and component property the package ships', () => {
    const names = [
      ...CONTRACT.map((c) => c.spec.apiName),
      ...metaOfDir(path.join('objects', 'Account', 'listViews')).map((m) => m.doc.label as string),
      ...metaOfDir('permissionsets').map((m) => path.basename(m.rel, '.permissionset-meta.xml')),
      ...metaOfDir('permissionsetgroups').map((m) => path.basename(m.rel, '.permissionsetgroup-meta.xml')),
      ...metaOfDir('reports').flatMap((m) => (m.root === 'Report' ? [m.doc.name as string] : [])),
      ...metaOfDir('applications').map((m) => m.doc.label as string),
      ...metaOfDir('layouts').map((m) => path.basename(m.rel, '.layout-meta.xml').replace(/^Account-/, '')),
      'contributorCount',
      'showSparkline',
    ];
    expect(names.filter((n) => !doc.includes(n))).toEqual([]);
  });
});
