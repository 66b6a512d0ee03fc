/**
 * `npm run test:browser` (with the card test): the admin console in Debian's chromium, on the demo. The demo
 * (`pulse-demo`, its own process group) generates an org in the Salesforce emulator, runs the first daily
 * cycle and serves the console; the browser signs in with the bootstrap token it printed and with Salesforce
 * (the emulator's authorize page), walks the pages, runs axe on each and drives them by keyboard.
 * Screenshots go to the git-ignored `screenshots/`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCREENSHOTS = path.join(ROOT, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** The first cycle of a small generated org takes well under this on 2 cores; past it the demo is stuck. */
const DEMO_START_MS = 240_000;

let demo: ChildProcess;
let dataDir: string;
let profileDir: string;
let browser: BrowserContext;
let page: Page;
let base: string;
let bootstrapToken: string;
let emulatorUrl: string;
const demoOutput: string[] = [];
const pageErrors: string[] = [];

/** Starts `pulse-demo` in its own process group and resolves with its console URL and bootstrap token. */
function startDemo(): Promise<{ url: string; token: string }> {
  // The demo's own embedded store in a fresh folder, whatever database the shell points at.
  const env: NodeJS.ProcessEnv = { ...process.env, PULSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  demo = spawn(
    process.execPath,
    [
      path.join(ROOT, 'packages', 'demo', 'bin', 'pulse-demo.cjs'),
      '--accounts',
      '150',
      '--port',
      '0',
      '--web-port',
      '0',
    ],
    {
      cwd: ROOT,
      detached: true,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the demo did not serve within ${DEMO_START_MS} ms:\n${demoOutput.join('')}`)),
      DEMO_START_MS,
    );
    const onData = (chunk: Buffer) => {
      demoOutput.push(chunk.toString());
      const text = demoOutput.join('');
      const m = /Console: (http:\/\/\S+?)\/? ·[^\n]*\n\s+(\S+)\n/.exec(text);
      const emulator = /Salesforce emulator at (http:\/\/\S+)/.exec(text);
      if (m && emulator) {
        emulatorUrl = emulator[1]!;
        clearTimeout(timer);
        resolve({ url: m[1]!, token: m[2]! });
      }
    };
    demo.stdout!.on('data', onData);
    demo.stderr!.on('data', onData);
    demo.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${demoOutput.join('')}`));
    });
  });
}

/** Every Account's score and band as the Salesforce emulator holds them (read with the integration user). */
async function accountFields(): Promise<Map<string, string>> {
  const token = await fetch(`${emulatorUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=pulse-local&client_secret=pulse-local-secret',
  }).then((r) => r.json() as Promise<{ access_token: string; instance_url: string }>);
  const q = encodeURIComponent('SELECT Id, Engagement_Score__c, Engagement_Band__c FROM Account ORDER BY Id');
  const out = new Map<string, string>();
  let next: string | undefined = `/services/data/v62.0/query?q=${q}`;
  while (next) {
    const page: { records: Record<string, unknown>[]; nextRecordsUrl?: string } = await fetch(
      `${token.instance_url}${next}`,
      { headers: { authorization: `Bearer ${token.access_token}` } },
    ).then((r) => r.json() as Promise<{ records: Record<string, unknown>[]; nextRecordsUrl?: string }>);
    for (const r of page.records) out.set(String(r.Id), `${r.Engagement_Score__c}/${r.Engagement_Band__c}`);
    next = page.nextRecordsUrl;
  }
  return out;
}

/** Clicks "Run now" on the Runs page and waits until the run has finished. */
async function runNow(): Promise<string> {
  await page.goto(`${base}/console/runs`);
  await page.getByRole('button', { name: 'Run now' }).waitFor();
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.locator('[data-id="run-message"]', { hasText: /^Run (done|failed)/ }).waitFor({ timeout: 180_000 });
  return page.locator('[data-id="run-message"]').innerText();
}

/** How many accounts differ between two snapshots of the Account fields. */
function changed(a: Map<string, string>, b: Map<string, string>): number {
  return [...a].filter(([id, v]) => b.get(id) !== v).length;
}

/** Saves a full-page screenshot of the current page as `console-<name>.png`. */
async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
}

/** Runs axe (WCAG 2.1 A and AA) on the current page and fails on any violation, naming each. */
async function assertAccessible(name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  assert.deepEqual(found, [], `axe on ${name}`);
}

/** The visible text of the page, whitespace collapsed. */
async function pageText(): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

/** Presses Tab until the focused element's text matches, at most `limit` times; returns the text. */
async function tabTo(pattern: RegExp, limit = 40): Promise<string> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => {
      // Follow focus through the synthetic shadow roots to the element that has it.
      let el = (globalThis as unknown as { document: { activeElement: any } }).document.activeElement;
      while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
      return el ? String(el.innerText || el.getAttribute('aria-label') || el.value || '') : '';
    });
    if (pattern.test(text)) return text;
  }
  throw new Error(`Tab never reached ${pattern}`);
}

before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-console-demo-'));
  ({ url: base, token: bootstrapToken } = await startDemo());
  profileDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: CHROMIUM_ARGS,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // A refused request is the point of some steps (401, 403); the page's own errors are not.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) pageErrors.push(message.text());
  });
});

after(async () => {
  await browser?.close();
  if (demo?.pid && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    process.kill(-demo.pid, 'SIGTERM');
    await exited;
  }
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the admin console on the demo, in chromium', () => {
  it('a visitor without a session is sent to sign in; the sign-in page is accessible', async () => {
    await page.goto(`${base}/console/model`);
    assert.equal(new URL(page.url()).pathname, '/signin');
    await page.getByRole('heading', { name: 'Sign in to Pulse' }).waitFor();
    const text = await pageText();
    assert.match(text, /Sign in with Salesforce/);
    assert.match(text, /Sign in with a Salesforce sandbox/);
    assert.match(text, /Bootstrap token/);
    await assertAccessible('sign-in');
    await shoot('signin');
  });

  it('sign-in by keyboard: Tab reaches Sign in with Salesforce, the token field and its button', async () => {
    await page.goto(`${base}/signin`);
    await page.getByRole('heading', { name: 'Sign in to Pulse' }).waitFor();
    assert.match(await tabTo(/^Sign in with Salesforce$/), /Sign in with Salesforce/);
    await tabTo(/^Sign in with a Salesforce sandbox$/);
    await tabTo(/^Sign in with the token$/);
  });

  it('a wrong bootstrap token is refused with a message next to the field', async () => {
    await page.goto(`${base}/signin`);
    await page.getByLabel('Bootstrap token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in with the token' }).click();
    await page.locator('[data-id="token-error"]').waitFor();
    assert.match(await page.locator('[data-id="token-error"]').innerText(), /not valid/);
    assert.equal(new URL(page.url()).pathname, '/signin');
    await shoot('signin-bad-token');
  });

  it('the bootstrap token the demo printed signs in as admin (typed, submitted with Enter); sign-out ends it', async () => {
    await page.goto(`${base}/signin`);
    await page.getByLabel('Bootstrap token').fill(bootstrapToken);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/connect`);
    await page.locator('[data-id="user"]').waitFor();
    assert.match(await page.locator('[data-id="user"]').innerText(), /bootstrap · admin/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/signin`);
    // The session is gone on the server too: the console sends the visitor back to sign in.
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/signin');
  });

  it('Sign in with Salesforce goes through the emulator and back, into the console', async () => {
    await page.goto(`${base}/signin`);
    await page.getByRole('link', { name: 'Sign in with Salesforce', exact: true }).click();
    await page.waitForURL(`${base}/console/connect`);
    await page.locator('[data-id="user"]').waitFor();
    const user = await page.locator('[data-id="user"]').innerText();
    assert.match(user, /@/, `the signed-in Salesforce username: ${user}`);
    assert.match(user, /· admin/);
  });

  it('Connect: the org, its API usage and Marketo (the demo configures it); a key is shown once, listed, revoked', async () => {
    await page.goto(`${base}/console/connect`);
    await page.locator('[data-id="org-id"]').waitFor();
    const text = await pageText();
    assert.match(text, /Org id 00D\w{15}/);
    assert.match(text, /API usage [\d,]+ of [\d,]+ API calls today/);
    assert.match(text, /Marketo From the environment/);
    const marketo = page.locator('form[data-source="marketo"]');
    await marketo.getByRole('button', { name: 'Test connection' }).click();
    await marketo
      .locator('[data-id="map-result"]')
      .filter({ hasNotText: /Testing/ })
      .waitFor();
    assert.match(await marketo.locator('[data-id="map-result"]').innerText(), /marketo answered: \d+ people/);
    await page.getByLabel('Label for a new key').fill('browser test');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.locator('[data-id="new-key"]').innerText();
    assert.ok(key.length >= 20, `a key is shown: ${key}`);
    await assertAccessible('connect');
    await shoot('connect');
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.locator('[data-id="new-key"]').count(), 0, 'the key is not shown again');
    const row = page.locator('[data-id="keys"] tr', { hasText: 'browser test' });
    assert.match(await row.innerText(), /active/);
    await page.getByRole('button', { name: 'Revoke key browser test' }).click();
    await row.filter({ hasText: 'revoked' }).waitFor();
    assert.doesNotMatch(await page.locator('[data-id="keys"]').innerText(), new RegExp(key));
  });

  it('Permissions: every read and write check is green on the demo org, and a re-run says so again', async () => {
    await page.goto(`${base}/console/permissions`);
    await page.locator('[data-id="summary"]', { hasText: /checks pass|checks fail/ }).waitFor();
    assert.match(await page.locator('[data-id="summary"]').innerText(), /^All \d+ checks pass/);
    assert.equal(await page.locator('[data-id="read"] li').filter({ hasText: 'Missing' }).count(), 0);
    assert.ok((await page.locator('[data-id="write"] li').count()) > 0, 'the write checklist lists the fields');
    await page.getByRole('button', { name: 'Re-run the checks' }).click();
    await page.getByRole('button', { name: 'Re-run the checks' }).and(page.locator(':enabled')).waitFor();
    assert.match(await page.locator('[data-id="summary"]').innerText(), /^All \d+ checks pass/);
    await assertAccessible('permissions');
    await shoot('permissions');
  });

  it('Field mapping: the live type check refuses a text field for a number; one output is remapped and back', async () => {
    await page.goto(`${base}/console/mapping`);
    const row = page.locator('tr[data-output="peopleEngaged"]');
    const select = row.locator('select');
    await select.waitFor();
    assert.equal(await select.inputValue(), 'Engagement_People_Engaged__c');
    await select.selectOption('BillingCountry');
    assert.match(
      await row.locator('[data-id="check"]').innerText(),
      /BillingCountry is string; peopleEngaged needs a Number field/,
    );
    assert.equal(await row.getByRole('button', { name: 'Save' }).isDisabled(), true, 'a misfit cannot be saved');
    await select.selectOption('NumberOfEmployees');
    assert.match(await row.locator('[data-id="check"]').innerText(), /fits/);
    await row.getByRole('button', { name: 'Save' }).click();
    await row.locator('[data-id="check"]', { hasText: 'Saved: peopleEngaged → NumberOfEmployees' }).waitFor();
    await shoot('mapping');
    await assertAccessible('mapping');
    await select.selectOption('Engagement_People_Engaged__c');
    await row.getByRole('button', { name: 'Save' }).click();
    await row
      .locator('[data-id="check"]', { hasText: 'Saved: peopleEngaged → Engagement_People_Engaged__c' })
      .waitFor();
    const api = await page.evaluate(async () => (await (await fetch('/api/mapping')).json()) as any);
    assert.equal(
      api.outputs.find((o: { output: string }) => o.output === 'peopleEngaged').field,
      'Engagement_People_Engaged__c',
    );
  });

  it('Model: two weights changed — at 90% the total check blocks saving — then 100% saves the draft', async () => {
    await page.goto(`${base}/console/model`);
    const weight = (label: string) => page.getByLabel(`${label} weight (percent)`, { exact: true });
    await weight('Meetings').waitFor();
    assert.equal(
      await page
        .locator('[data-id="total"]')
        .innerText()
        .then((t) => /100%/.test(t)),
      true,
    );
    const meetings = Number(await weight('Meetings').inputValue());
    const highIntent = Number(await weight('High-intent web visits').inputValue());
    await weight('Meetings').fill(String(meetings - 10));
    assert.match(await page.locator('[data-id="total"]').innerText(), /90%/);
    assert.match(await page.locator('[data-id="total-problem"]').innerText(), /10% short of 100%/);
    assert.equal(await page.locator('[data-id="save"]').isDisabled(), true, 'saving is refused at 90%');
    await shoot('model-90');
    await weight('High-intent web visits').fill(String(highIntent + 10));
    assert.match(await page.locator('[data-id="total"]').innerText(), /100%/);
    await page.locator('[data-id="save"]').click();
    await page.locator('[data-id="notice"]', { hasText: /saved/ }).waitFor();
    await assertAccessible('model');
    await shoot('model');
    const saved = await page.evaluate(async () => (await (await fetch('/api/model')).json()) as any);
    const kpi = (key: string) => saved.draft.kpis.find((k: { label: string }) => k.label === key).weight;
    assert.deepEqual([kpi('Meetings'), kpi('High-intent web visits')], [meetings - 10, highIntent + 10]);
    // Preview: the draft against the live model today, the accounts that change band, the top movers.
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForURL(`${base}/console/preview`);
    await page.locator('[data-id="band-change-count"]').waitFor({ timeout: 120_000 });
    const changes = Number(
      /^(\d+) accounts change band/.exec(await page.locator('[data-id="band-change-count"]').innerText())![1],
    );
    if (changes > 0) assert.match(await page.locator('[data-id="band-changes"] li').first().innerText(), /: \S.* → \S/);
    assert.ok((await page.locator('[data-id="movers"] tbody tr').count()) > 0, 'the reweighting moves some accounts');
    assert.match(await page.locator('[data-id="bands"]').innerText(), /Low/);
    const backtest = await page.locator('[data-id="backtest"]').innerText();
    assert.match(backtest, /AUC|not enough outcomes/);
    // Every figure the server sends has its cell: a backtest shows the lift as a number, not "—".
    if (/AUC/.test(backtest)) assert.match(backtest, /Top-decile lift\s+\d/);
    await assertAccessible('preview');
    await shoot('preview');
  });

  it('Model: a value the schema refuses is shown next to its field', async () => {
    await page.goto(`${base}/console/model`);
    // A negative weight that still totals 100%: the API's issue lands next to that KPI's weight.
    const weight = (label: string) => page.getByLabel(`${label} weight (percent)`, { exact: true });
    await weight('Calls').waitFor();
    const calls = Number(await weight('Calls').inputValue());
    const meetings = Number(await weight('Meetings').inputValue());
    await weight('Meetings').fill('-5');
    await weight('Calls').fill(String(calls + meetings + 5));
    await page.locator('[data-id="save"]').click();
    await page.locator('[data-id="notice"]', { hasText: /Not saved/ }).waitFor();
    assert.match(await page.locator('[data-kpi="meetings"] [role="alert"]').innerText(), /0|negative|greater/);
    await weight('Meetings').fill(String(meetings));
    await weight('Calls').fill(String(calls));
    await page.getByLabel('Medium from').waitFor();
    await page.getByLabel('Medium from').fill('80');
    await page.locator('[data-id="save"]').click();
    await page.locator('[data-id="notice"]', { hasText: /Not saved/ }).waitFor();
    assert.match(
      await page.locator('section[aria-labelledby] >> text=thresholds must rise').innerText(),
      /medium < high < veryHigh/,
    );
    await page.getByRole('button', { name: 'Reset to defaults' }).click();
    assert.match(await page.locator('[data-id="notice"]').innerText(), /Reset to the default model/);
  });

  it('Publish: the draft is published with a note, the back-fill shows progress, the version list has it live; roll back', async () => {
    await page.goto(`${base}/console/publish`);
    await page.locator('[data-id="draft-version"]').waitFor();
    const draft = await page.locator('[data-id="draft-version"]').innerText();
    const before = await page.locator('[data-id="versions"] tbody tr').count();
    const live = (await page
      .locator('[data-id="versions"] tbody tr', { hasText: 'Live' })
      .getAttribute('data-version'))!;
    const original = await accountFields();
    await page.getByLabel('Note (what changed and why)').fill('meetings down 10, high-intent web up 10');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.locator('[data-id="progress"]').waitFor();
    await page.locator('[data-id="publish-message"]', { hasText: 'is live' }).waitFor({ timeout: 120_000 });
    await shoot('publish');
    await assertAccessible('publish');
    const liveRow = page.locator('[data-id="versions"] tbody tr', { hasText: 'Live' });
    assert.equal(await liveRow.getAttribute('data-version'), draft);
    assert.match(await liveRow.innerText(), /meetings down 10/);
    assert.match(await liveRow.innerText(), /\d+ accounts, mean/);
    assert.equal(await page.locator('[data-id="versions"] tbody tr').count(), before + 1);
    // The next run writes the new version's scores to Salesforce.
    assert.match(await runNow(), /Run done/);
    await assertAccessible('runs');
    await shoot('runs');
    const republished = await accountFields();
    assert.ok(changed(original, republished) > 0, 'some Account fields in the emulator changed after the run');
    await page.goto(`${base}/console/publish`);
    await page.getByRole('button', { name: `Roll back to ${live}` }).click();
    await page
      .locator('[data-id="publish-message"]', { hasText: `Version ${live} is live` })
      .waitFor({ timeout: 120_000 });
    assert.equal(
      await page.locator('[data-id="versions"] tbody tr', { hasText: 'Live' }).getAttribute('data-version'),
      live,
    );
    // …and the next run writes the old values back.
    assert.match(await runNow(), /Run done/);
    assert.equal(changed(original, await accountFields()), 0, 'the Account fields are back to the old values');
  });

  it('Runs: the log lists the runs with their stages; a run opens its details by keyboard', async () => {
    await page.goto(`${base}/console/runs`);
    await page.locator('[data-id="runs"] tbody tr').first().waitFor();
    await page
      .locator('[data-id="next-run"]', { hasText: /Next scheduled run: \d{4}-\d\d-\d\d \d\d:\d\d UTC/ })
      .waitFor();
    assert.ok((await page.locator('[data-id="runs"] tbody').count()) >= 3, "the demo's first run and the two run now");
    await page.getByRole('button', { name: 'Details' }).first().focus();
    await page.keyboard.press('Enter');
    assert.match(await page.locator('[data-id="runs"]').innerText(), /Stages/);
  });

  it('Accounts: search, then an account page with the real card, its history and the receipt filtered by KPI', async () => {
    await page.goto(`${base}/console/accounts`);
    const first = page.locator('[data-id="accounts"] tbody tr').first();
    await first.waitFor();
    const name = await first.locator('a').innerText();
    await page.getByLabel('Search by name or domain').fill(name.slice(0, 6));
    await page.locator('[data-id="accounts"] tbody tr', { hasText: name }).waitFor();
    await assertAccessible('accounts');
    await shoot('accounts');
    await page.locator('[data-id="accounts"] a', { hasText: name }).first().click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    const card = page.locator('c-engagement-score-card');
    await card.locator('[data-id="score"]').or(card.getByText('Not scored yet')).first().waitFor();
    assert.match(await card.innerText(), /Engagement/);
    await page.locator('[data-id="receipt-events"]').waitFor();
    const all = await page.locator('[data-id="event-count"]').innerText();
    const kpi = page.getByLabel('Filter by KPI');
    const options = await kpi.locator('option').allInnerTexts();
    await kpi.selectOption({ index: 1 });
    const filtered = await page.locator('[data-id="event-count"]').innerText();
    assert.match(filtered, /^\d+ of \d+ events$/);
    assert.ok(options.length > 2, `KPIs to filter by: ${options.join(', ')}`);
    assert.equal(filtered.split(' of ')[1], all.split(' of ')[1]);
    await assertAccessible('account');
    await shoot('account');
  });

  it('the shell is keyboard navigable: the skip link, then every page in the global navigation', async () => {
    await page.goto(`${base}/console/connect`);
    await page.locator('[data-id="user"]').waitFor();
    await tabTo(/^Skip to the page$/);
    for (const name of ['Permissions', 'Field mapping', 'Model', 'Preview', 'Publish', 'Accounts', 'Runs']) {
      await tabTo(new RegExp(`^${name}$`));
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/runs`);
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    assert.equal(
      await page.locator('nav[aria-label="Console pages"] a[aria-current="page"]').innerText(),
      'Runs',
      'the current page is marked for assistive technology',
    );
  });

  it('a write without the CSRF token is refused (403 CSRF), and the API refuses a request with no session (401)', async () => {
    await page.goto(`${base}/console/connect`);
    await page.locator('[data-id="user"]').waitFor();
    const refused = await page.evaluate(async () => {
      const r = await fetch('/auth/signout', { method: 'POST' });
      return { status: r.status, body: (await r.json()) as { code: string } };
    });
    assert.deepEqual([refused.status, refused.body.code], [403, 'CSRF']);
    const anonymous = await fetch(`${base}/api/session`);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { code: string }).code, 'NO_SESSION');
  });

  it('a read-only Salesforce user signs in as viewer: write controls are disabled and the API refuses a publish (403)', async () => {
    await page.goto(`${base}/console/connect`);
    await page.locator('[data-id="user"]').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/signin`);
    // The emulator's authorize page signs in whom login_hint names, as Salesforce's login page
    // lets a person choose; viewer@pulse.local has neither Customize Application nor Modify All Data.
    await page.goto(`${base}/auth/salesforce?login_hint=viewer%40pulse.local`);
    await page.waitForURL(`${base}/console/connect`);
    await page.locator('[data-id="user"]').waitFor();
    assert.match(await page.locator('[data-id="user"]').innerText(), /viewer@pulse\.local · viewer/);
    await page.goto(`${base}/console/publish`);
    await page.locator('[data-id="draft-version"]').or(page.locator('[data-id="versions"]')).first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Publish', exact: true }).isDisabled(), true);
    await page.goto(`${base}/console/model`);
    await page.locator('[data-id="save"]').waitFor();
    assert.equal(await page.locator('[data-id="save"]').isDisabled(), true);
    await page.goto(`${base}/console/runs`);
    await page.getByRole('button', { name: 'Run now' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Run now' }).isDisabled(), true);
    await shoot('viewer-runs');
    // The page's own session, CSRF token and all: the server refuses the write for the role.
    const refused = await page.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { role: string; csrfToken: string };
      const model = (await (await fetch('/api/model')).json()) as {
        live: { version: string; model: unknown } | null;
        defaults: unknown;
      };
      const r = await fetch('/api/model/versions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({
          model: model.live?.model ?? model.defaults,
          note: 'a viewer tries',
          baseVersion: model.live?.version ?? null,
        }),
      });
      return { role: session.role, status: r.status, code: ((await r.json()) as { code: string }).code };
    });
    assert.deepEqual(refused, { role: 'viewer', status: 403, code: 'FORBIDDEN_ROLE' });
  });

  it('loads without script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
