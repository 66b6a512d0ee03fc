/**
 * The reports and the dashboard the package ships (the mission's "reports filtering by trend"): one
 * report folder, four reports on the standard Accounts report type, and a dashboard over them.
 *
 * Shapes as the Metadata API documents them:
 * - Report: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_report.htm
 *   (`reportType`, `format` Summary/Matrix, `groupingsDown`/`groupingsAcross`, `filter.criteriaItems`, `columns`);
 *   custom fields are named `Account.Field__c` on the `AccountList` report type.
 * - ReportFolder / DashboardFolder (`folderShares`): https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_folder.htm
 * - Dashboard (`dashboardGridLayout`, `dashboardType` LoggedInUser = dynamic):
 *   https://developer.salesforce.com/docs/atlas.en-us.200.0.api_meta.meta/api_meta/meta_dashboard.htm
 */
import path from 'node:path';
import { ACCOUNT_FIELDS, TREND_VALUES } from '@pulse/server/src/contract/fields';
import { metaUnder, type MetaFile } from './forceApp';

type Column = { field: string; aggregateTypes?: string[] };
type Criteria = { column: string; operator: string; value?: string };

const FOLDER = 'Pulse_Engagement';
const reportFiles = metaUnder('reports');
const reports = new Map(
  reportFiles.filter((m) => m.root === 'Report').map((m) => [path.basename(m.rel, '.report-meta.xml'), m.doc]),
);
const dashboards = metaUnder('dashboards').filter((m) => m.root === 'Dashboard');

const report = (name: string): Record<string, any> => {
  const r = reports.get(name);
  if (!r) throw new Error(`no report ${FOLDER}/${name}`);
  return r;
};
const columnsOf = (name: string) => ((report(name).columns ?? []) as Column[]).map((c) => c.field);
const filtersOf = (name: string) =>
  ((report(name).filter?.criteriaItems ?? []) as Criteria[]).map((c) => ({
    column: c.column,
    operator: c.operator,
    value: c.value ?? '',
  }));
const groupingsOf = (name: string, dir: 'groupingsDown' | 'groupingsAcross') =>
  ((report(name)[dir] ?? []) as { field: string }[]).map((g) => g.field);

// Standard AccountList columns the reports use (account name, account owner).
const STANDARD = new Set(['ACCOUNT.NAME', 'USERS.NAME']);
const CUSTOM = new Map(ACCOUNT_FIELDS.map((f) => [`Account.${f.apiName}`, f]));
const TREND = 'Account.Engagement_Trend__c';

describe('report folder', () => {
  const folders = reportFiles.filter((m) => m.root === 'ReportFolder');

  test('one folder, Pulse Engagement, readable by all internal users', () => {
    expect(folders.map((f) => [f.rel, f.doc.name])).toEqual([
      [path.join('main', 'default', 'reports', `${FOLDER}.reportFolder-meta.xml`), 'Pulse Engagement'],
    ]);
    expect(folders[0]?.doc.folderShares).toEqual([
      { accessLevel: 'View', sharedTo: 'AllInternalUsers', sharedToType: 'Organization' },
    ]);
  });

  test('holds exactly the four reports', () => {
    expect([...reports.keys()].sort()).toEqual([
      'Accounts_by_Band_and_Trend',
      'Cooling_Accounts_with_Last_Activity',
      'MQA_Accounts_with_Coverage',
      'Surging_Accounts_by_Owner',
    ]);
    for (const m of reportFiles.filter((f) => f.root === 'Report')) {
      expect(m.rel.split(path.sep).slice(-2, -1)).toEqual([FOLDER]);
    }
  });
});

describe('reports', () => {
  test.each([...reports.keys()])('%s is an all-accounts report on the standard Accounts report type', (name) => {
    const r = report(name);
    expect(r.reportType).toBe('AccountList');
    expect(r.scope).toBe('organization');
    expect(r.name).toBeTruthy();
    expect(String(r.description ?? '').length).toBeGreaterThan(0);
    expect(String(r.description).length).toBeLessThanOrEqual(255);
    expect(columnsOf(name)[0]).toBe('ACCOUNT.NAME');
  });

  test.each([...reports.keys()])('%s names only real columns and legal filter values', (name) => {
    const used = [
      ...columnsOf(name),
      ...groupingsOf(name, 'groupingsDown'),
      ...groupingsOf(name, 'groupingsAcross'),
      ...filtersOf(name).map((f) => f.column),
    ];
    expect(used.filter((c) => !STANDARD.has(c) && !CUSTOM.has(c))).toEqual([]);
    for (const f of filtersOf(name)) {
      const spec = CUSTOM.get(f.column);
      if (spec?.type === 'Picklist' && f.value !== '') expect(spec.values).toContain(f.value);
      if (spec?.type === 'Checkbox') expect(f.value).toBe('1');
    }
    // Averages only on numbers: a picklist or text column cannot be summarised.
    for (const c of (report(name).columns ?? []) as Column[]) {
      if (c.aggregateTypes) expect(['Number', 'Percent']).toContain(CUSTOM.get(c.field)?.type);
    }
    const sort = report(name).sortColumn as string | undefined;
    if (sort) expect(columnsOf(name)).toContain(sort);
  });

  test('surging accounts by owner: Trend = Surging, grouped by owner, biggest change first', () => {
    const name = 'Surging_Accounts_by_Owner';
    expect(report(name).format).toBe('Summary');
    expect(filtersOf(name)).toEqual([{ column: TREND, operator: 'equals', value: 'Surging' }]);
    expect(groupingsOf(name, 'groupingsDown')).toEqual(['USERS.NAME']);
    expect(columnsOf(name)).toEqual(
      expect.arrayContaining([
        'Account.Engagement_Score_Change_30d__c',
        'Account.Engagement_Score__c',
        'Account.Engagement_Last_Activity__c',
      ]),
    );
    expect([report(name).sortColumn, report(name).sortOrder]).toEqual([
      'Account.Engagement_Score_Change_30d__c',
      'Desc',
    ]);
  });

  test('accounts by band and trend: a matrix of band (rows) by trend (columns) over scored accounts', () => {
    const name = 'Accounts_by_Band_and_Trend';
    expect(report(name).format).toBe('Matrix');
    expect(groupingsOf(name, 'groupingsDown')).toEqual(['Account.Engagement_Band__c']);
    expect(groupingsOf(name, 'groupingsAcross')).toEqual([TREND]);
    // "Trend not blank" keeps never-scored accounts out of the counts.
    expect(filtersOf(name)).toEqual([{ column: TREND, operator: 'notEqual', value: '' }]);
    expect(columnsOf(name)).toEqual(
      expect.arrayContaining(['Account.Engagement_Score__c', 'Account.Engagement_Score_Change_30d__c']),
    );
  });

  test('MQA accounts with coverage: MQA = true, with coverage and missing personas, lowest coverage first', () => {
    const name = 'MQA_Accounts_with_Coverage';
    expect(filtersOf(name)).toEqual([
      { column: 'Account.Engagement_MQA__c', operator: 'equals', value: '1' },
      { column: TREND, operator: 'notEqual', value: '' },
    ]);
    expect(columnsOf(name)).toEqual(
      expect.arrayContaining([
        'Account.Engagement_MQA_Date__c',
        'Account.Engagement_Committee_Coverage__c',
        'Account.Engagement_Missing_Personas__c',
        TREND,
      ]),
    );
    expect([report(name).sortColumn, report(name).sortOrder]).toEqual([
      'Account.Engagement_Committee_Coverage__c',
      'Asc',
    ]);
  });

  test('cooling accounts with last activity: Trend = Cooling, longest silence first', () => {
    const name = 'Cooling_Accounts_with_Last_Activity';
    expect(filtersOf(name)).toEqual([{ column: TREND, operator: 'equals', value: 'Cooling' }]);
    expect(groupingsOf(name, 'groupingsDown')).toEqual(['USERS.NAME']);
    expect(columnsOf(name)).toEqual(
      expect.arrayContaining(['Account.Engagement_Last_Activity__c', 'Account.Engagement_Score_Change_30d__c']),
    );
    expect([report(name).sortColumn, report(name).sortOrder]).toEqual(['Account.Engagement_Last_Activity__c', 'Asc']);
  });

  test('every trend filter uses a value of the Trend picklist', () => {
    const values = [...reports.keys()].flatMap((n) => filtersOf(n).filter((f) => f.column === TREND));
    expect(values.length).toBeGreaterThanOrEqual(4);
    for (const f of values) expect(['', ...TREND_VALUES]).toContain(f.value);
  });
});

describe('dashboard', () => {
  type Component = { componentType: string; report: string; header: string; groupingColumn?: string[] };
  const board: MetaFile | undefined = dashboards[0];
  const components = ((board?.doc.dashboardGridLayout?.dashboardGridComponents ?? []) as Record<string, any>[]).map(
    (g) => g.dashboardComponent as Component,
  );

  test('one dynamic dashboard in the Pulse Engagement folder', () => {
    expect(dashboards).toHaveLength(1);
    expect(board?.rel.split(path.sep).slice(-2)).toEqual([FOLDER, 'Pulse_Engagement_Overview.dashboard-meta.xml']);
    expect(board?.doc.title).toBe('Pulse Engagement');
    // LoggedInUser: each viewer sees the accounts sharing lets them see, not the deployer's.
    expect(board?.doc.dashboardType).toBe('LoggedInUser');
    expect(board?.doc.isGridLayout).toBe('true');
    const folder = metaUnder('dashboards').find((m) => m.root === 'DashboardFolder');
    expect(folder?.rel.endsWith(`${FOLDER}.dashboardFolder-meta.xml`)).toBe(true);
  });

  test('shows each report once, grouped by what the report groups', () => {
    expect(components.map((c) => c.report).sort()).toEqual([...reports.keys()].map((n) => `${FOLDER}/${n}`).sort());
    for (const c of components) {
      const name = c.report.split('/')[1] as string;
      const groupings = [...groupingsOf(name, 'groupingsDown'), ...groupingsOf(name, 'groupingsAcross')];
      expect({ report: name, groupings: c.groupingColumn }).toEqual({ report: name, groupings });
      expect(c.header).toBeTruthy();
    }
    const types = Object.fromEntries(components.map((c) => [c.report.split('/')[1], c.componentType]));
    expect(types).toEqual({
      Surging_Accounts_by_Owner: 'Bar',
      Accounts_by_Band_and_Trend: 'BarStacked',
      MQA_Accounts_with_Coverage: 'Table',
      Cooling_Accounts_with_Last_Activity: 'Table',
    });
  });

  test('components sit on the 12-column grid without overlapping', () => {
    const grid = (board?.doc.dashboardGridLayout?.dashboardGridComponents ?? []) as Record<string, string>[];
    const taken = new Set<string>();
    for (const g of grid) {
      const [col, row, w, h] = [g.columnIndex, g.rowIndex, g.colSpan, g.rowSpan].map(Number) as number[];
      expect(col! + w!).toBeLessThanOrEqual(12);
      for (let x = col!; x < col! + w!; x++)
        for (let y = row!; y < row! + h!; y++) {
          expect(taken.has(`${x},${y}`)).toBe(false);
          taken.add(`${x},${y}`);
        }
    }
  });
});
