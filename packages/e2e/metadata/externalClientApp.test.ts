/**
 * The External Client App Pulse signs in through (new connected apps are restricted since Spring '26):
 * the header (`ExternalClientApplication`, `.eca`) and its OAuth plugin (`ExtlClntAppOauthSettings`, `.ecaOauth`)
 * with the scopes Pulse uses. The consumer key, secret, callback URL and certificate
 * (`ExtlClntAppGlobalOauthSettings`) are org secrets and cannot be packaged or kept in source, so they are not here.
 *
 * - https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_externalclientapplication.htm
 *   (`contactEmail`, `distributionState` Local/Packaged, `isProtected`, `label`)
 * - https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappoauthsettings.htm
 *   (`commaSeparatedOauthScopes`, `externalClientApplication` required)
 * - https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappglobaloauthsettings.htm
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { REPO_ROOT, metaUnder } from './forceApp';

const apps = metaUnder('externalClientApps');
const oauth = metaUnder('extlClntAppOauthSettings');

// The scopes Pulse asks for, by their metadata names, and what needs each.
const PULSE_SCOPES = {
  Api: 'REST, Bulk API 2.0 and composite calls of the pull and the write-back (api)',
  RefreshToken: 'the refresh-token sign-in and `sf pulse connect` (refresh_token, offline_access)',
  Pardot: 'the Account Engagement connector (pardot_api)',
};

test('one External Client App, Pulse, local to the org it is deployed to', () => {
  expect(apps.map((a) => path.basename(a.rel))).toEqual(['Pulse.eca-meta.xml']);
  const app = apps[0]?.doc;
  expect(app).toMatchObject({ label: 'Pulse', distributionState: 'Local', isProtected: 'false' });
  expect(app?.contactEmail).toMatch(/^[^@\s]+@[^@\s]+$/);
  // orgScopedExternalApp pins the app to one org id; the platform fills it in on deploy.
  expect(app?.orgScopedExternalApp).toBeUndefined();
});

test('its OAuth plugin grants exactly the scopes Pulse uses', () => {
  expect(oauth.map((o) => path.basename(o.rel))).toEqual(['Pulse_oauth.ecaOauth-meta.xml']);
  const settings = oauth[0]?.doc;
  expect(settings?.externalClientApplication).toBe('Pulse');
  const scopes = String(settings?.commaSeparatedOauthScopes)
    .split(',')
    .map((s) => s.trim());
  expect(scopes.sort()).toEqual(Object.keys(PULSE_SCOPES).sort());
  // Full or Web would let the token do anything the user can in the browser.
  expect(scopes).not.toContain('Full');
  // oauthLink carries an org id and the consumer id: auto-generated, never in source.
  expect(settings?.oauthLink).toBeUndefined();
});

test('no consumer key, secret or certificate is in the package source', () => {
  expect(metaUnder('extlClntAppGlobalOauthSets')).toEqual([]);
  for (const m of [...apps, ...oauth]) {
    const xml = readFileSync(path.join(REPO_ROOT, 'force-app', m.rel), 'utf8');
    expect(xml).not.toMatch(/consumerKey|consumerSecret|certificate/i);
  }
});

test('the docs walk through the integration user, the permission set and connecting', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'salesforce-package.md'), 'utf8');
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  for (const text of [doc, readme]) {
    expect(text).toContain('Salesforce Integration');
    expect(text).toContain('Engagement_Integration');
    expect(text).toContain('External Client App');
  }
  for (const scope of ['api', 'refresh_token', 'pardot_api']) expect(doc).toContain(`\`${scope}\``);
});
