/**
 * The package source converts cleanly with the Salesforce CLI (installed from npm), and the
 * resulting manifest lists every field, list view, permission set, page, report, dashboard, app, layout,
 * permission set group and the External Client App.
 * Offline: `project convert source` reads only local files; telemetry and update checks are off.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { ACCOUNT_FIELDS, LEAD_FIELDS } from '@pulse/server/src/contract/fields';
import { REPO_ROOT, FORCE_APP, listFiles } from './forceApp';

const run = promisify(execFile);
const SF = path.join(REPO_ROOT, 'node_modules', '.bin', 'sf');

let tmp: string;
let outDir: string;
let members: Record<string, string[]>;
let cliResult: { status: number; warnings?: unknown[] };

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pulse-sf-convert-'));
  const out = path.join(tmp, 'out');
  outDir = out;
  // A private HOME keeps the CLI from reading or writing the user's ~/.sf config.
  const env = {
    ...process.env,
    HOME: path.join(tmp, 'home'),
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_USE_PROGRESS_BAR: 'false',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    NODE_OPTIONS: '',
  };
  const { stdout } = await run(
    SF,
    ['project', 'convert', 'source', '--root-dir', 'force-app', '--output-dir', out, '--json'],
    {
      cwd: REPO_ROOT,
      env,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  cliResult = JSON.parse(stdout) as typeof cliResult;
  const manifest = path.join(out, 'package.xml');
  const parser = new XMLParser({ isArray: (name) => name === 'types' || name === 'members', parseTagValue: false });
  const pkg = parser.parse(readFileSync(manifest, 'utf8')) as {
    Package: { types: { name: string; members: string[] }[] };
  };
  members = Object.fromEntries(pkg.Package.types.map((t) => [t.name, t.members]));
}, 180_000);

afterAll(() => {
  if (tmp && existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
});

test('sf project convert source succeeds without warnings', () => {
  expect(cliResult.status).toBe(0);
  expect(cliResult.warnings ?? []).toEqual([]);
});

test('every metadata folder of the source reaches the converted package', () => {
  const dirs = (dir: string) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  expect(dirs(outDir)).toEqual(dirs(path.join(FORCE_APP, 'main', 'default')));
});

test('package.xml lists every contract field', () => {
  const expected = [
    ...ACCOUNT_FIELDS.map((f) => `Account.${f.apiName}`),
    ...LEAD_FIELDS.map((f) => `Lead.${f.apiName}`),
  ].sort();
  expect([...(members.CustomField ?? [])].sort()).toEqual(expected);
});

test('package.xml lists every list view, both permission sets, the pages and the tab', () => {
  const listViewFiles = listFiles(path.join(FORCE_APP, 'main', 'default', 'objects', 'Account', 'listViews')).map(
    (f) => `Account.${path.basename(f, '.listView-meta.xml')}`,
  );
  expect([...(members.ListView ?? [])].sort()).toEqual(listViewFiles.sort());
  expect(listViewFiles).toHaveLength(6);
  expect(members.PermissionSet).toEqual(['Engagement_Integration', 'Engagement_Viewer']);
  expect(members.FlexiPage).toEqual(['Account_Engagement_Record_Page', 'Engagement_Leaderboard']);
  expect(members.CustomTab).toEqual(['Engagement_Leaderboard']);
});

test('package.xml lists the report folder, its four reports, the dashboard folder and the dashboard', () => {
  const reports = listFiles(path.join(FORCE_APP, 'main', 'default', 'reports', 'Pulse_Engagement')).map(
    (f) => `Pulse_Engagement/${path.basename(f, '.report-meta.xml')}`,
  );
  expect(reports).toHaveLength(4);
  // A folder is listed as a member of its content's type, with a trailing slash.
  expect(members.Report).toEqual(['Pulse_Engagement/', ...reports.sort()]);
  expect(members.Dashboard).toEqual(['Pulse_Engagement/', 'Pulse_Engagement/Pulse_Engagement_Overview']);
});

test('package.xml lists the Pulse app, the Account layout and the reps permission set group', () => {
  expect(members.CustomApplication).toEqual(['Pulse']);
  expect(members.Layout).toEqual(['Account-Pulse Engagement Layout']);
  expect(members.PermissionSetGroup).toEqual(['Engagement_Rep']);
});

test('package.xml lists the External Client App and its OAuth settings', () => {
  expect(members.ExternalClientApplication).toEqual(['Pulse']);
  expect(members.ExtlClntAppOauthSettings).toEqual(['Pulse_oauth']);
});

test('nothing Apex reaches the package', () => {
  expect(members.ApexClass).toBeUndefined();
  expect(members.ApexTrigger).toBeUndefined();
});
