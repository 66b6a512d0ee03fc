/**
 * `npm run test:browser`: builds the LWC preview, opens it in Debian's chromium through
 * playwright-core, checks the text each state renders and saves screenshots to `screenshots/`.
 * Not part of `npm test`: it needs /usr/bin/chromium (`apt-get install -y chromium`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildPreview, servePreview } from '@pulse/tools/preview/preview';
import { BOARD_DATA, CARD_DATA } from '@pulse/tools/preview/fixturePaths';

// The page's own function, for code evaluated in the browser (the Node project has no DOM types).
declare function getComputedStyle(el: unknown): { backgroundColor: string };

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCREENSHOTS = path.join(ROOT, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The preview shows the fixtures Pulse wrote for the generated org (`npm run fixtures`); so do the expectations.
type Value = string | number | boolean | null;
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const card = (scenario: string) =>
  readJson(path.join(CARD_DATA, `getRecord.${scenario}.json`)) as {
    id: string;
    fields: Record<string, { value: Value }>;
  };
const directory = readJson(path.join(CARD_DATA, 'getRecords.people.json')) as {
  id: string;
  fields: { Name: { value: string }; Title: { value: string | null } };
}[];
const board = readJson(path.join(BOARD_DATA, 'accounts.leaderboard.json')) as Record<string, Value>[];
const field = (record: ReturnType<typeof card>, name: string) => record.fields[name]!.value;
const contributors = (record: ReturnType<typeof card>) =>
  JSON.parse(String(field(record, 'Engagement_Top_Contributors__c'))) as {
    people: { id: string; share: number }[];
    kpis: { label: string }[];
  };
const person = (id: string) => directory.find((p) => p.id === id)!.fields;
const missing = (record: ReturnType<typeof card>) =>
  String(field(record, 'Engagement_Missing_Personas__c')).split('; ').join(', ');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The trend chip's text for a 30-day change: arrow, then the signed change with a true minus sign. */
const chip = (change: Value) => {
  const n = Number(change);
  return n > 0 ? `↑ +${n}` : n < 0 ? `↓ −${-n}` : '→ 0';
};
/** The leaderboard's order: by `key` descending (no value last), then the other measure, then the name. */
const ranked = (rows: Record<string, Value>[], key: string) => {
  const other = key === 'Engagement_Score__c' ? 'Engagement_Score_Change_30d__c' : 'Engagement_Score__c';
  const desc = (f: string) => (a: Record<string, Value>, b: Record<string, Value>) =>
    a[f] === null || b[f] === null ? Number(a[f] === null) - Number(b[f] === null) : Number(b[f]) - Number(a[f]);
  return [...rows].sort((a, b) => desc(key)(a, b) || desc(other)(a, b) || String(a.Name).localeCompare(String(b.Name)));
};
const surging = card('surging');
const loneWolf = card('loneWolf');
const stale = card('stale');
const malformed = card('malformed');

let server: Server;
let browser: BrowserContext;
let page: Page;
let profileDir: string;
const pageErrors: string[] = [];

/** The visible text of one scenario section, whitespace collapsed. */
async function sectionText(scenario: string): Promise<string> {
  const text = await page.locator(`section[data-scenario="${scenario}"]`).innerText();
  return text.replace(/\s+/g, ' ');
}

/** Saves a screenshot of one scenario section and returns its path. */
async function shoot(scenario: string): Promise<string> {
  const file = path.join(SCREENSHOTS, `card-${scenario}.png`);
  await page.locator(`section[data-scenario="${scenario}"]`).screenshot({ path: file });
  return file;
}

before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  const dir = await buildPreview();
  ({ server } = await servePreview(dir, 0).then((s) => {
    process.env.PREVIEW_URL = s.url;
    return s;
  }));
  profileDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-chromium-'));
  // A fresh profile per run; playwright passes it to chromium as --user-data-dir.
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(process.env.PREVIEW_URL ?? '');
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('section[data-scenario="surging"] [data-id="score"]').waitFor();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

describe('engagement components in chromium', () => {
  it('loads without script errors', async () => {
    await page.screenshot({ path: path.join(SCREENSHOTS, 'preview-full.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });

  it('surging account: score, rising trend chip, top people and KPIs, MQA, missing persona', async () => {
    const text = await sectionText('surging');
    const score = field(surging, 'Engagement_Score__c');
    const band = String(field(surging, 'Engagement_Band__c'));
    const doc = contributors(surging);
    const [first, second] = doc.people.map((p) => p.id);
    assert.match(text, new RegExp(`\\b${score}\\b`));
    assert.ok(text.includes(chip(field(surging, 'Engagement_Score_Change_30d__c'))), text);
    assert.ok(text.includes(`${band} engagement`), text);
    const shown = [
      person(first!).Name.value,
      person(first!).Title.value ?? '',
      person(second!).Name.value,
      doc.kpis[0]!.label,
      `${Math.round(doc.people[0]!.share * 100)}%`,
      'MQA since',
    ];
    for (const name of shown) {
      assert.ok(text.includes(name), `missing "${name}" in: ${text}`);
    }
    assert.match(text, new RegExp(`Missing:\\s*${escape(missing(surging))}`));
    assert.match(text, /Scored 3 h ago/);
    assert.ok(text.includes(`model ${field(surging, 'Engagement_Model_Version__c')}`), text);
    // Keyboard: the first person's name is a focusable link; Enter on it navigates to the contact.
    await page.locator('section[data-scenario="surging"] [data-id="people"] a').first().focus();
    await page.keyboard.press('Enter');
    assert.ok((await page.locator('#navigation-log').innerText()).includes(first!));
    const gaugeLabel = await page
      .locator('section[data-scenario="surging"] [data-id="gauge"] svg')
      .getAttribute('aria-label');
    assert.equal(gaugeLabel, `Engagement score ${score} out of 100, ${band} band.`);
    const sparkLabel = await page
      .locator('section[data-scenario="surging"] [data-id="sparkline"] svg')
      .getAttribute('aria-label');
    assert.match(sparkLabel ?? '', /^Score over the last 90 days: from \d+ to \d+/);
    await shoot('surging');
  });

  it('lone-wolf account: one person, the missing executives named', async () => {
    const text = await sectionText('lone-wolf');
    assert.match(text, new RegExp(`\\b${field(loneWolf, 'Engagement_Score__c')}\\b`));
    assert.ok(text.includes(chip(field(loneWolf, 'Engagement_Score_Change_30d__c'))), text);
    for (const p of contributors(loneWolf).people) assert.ok(text.includes(person(p.id).Name.value), text);
    assert.match(text, new RegExp(`Missing:\\s*${escape(missing(loneWolf))}`));
    assert.ok(text.includes(`${field(loneWolf, 'Engagement_Committee_Coverage__c')}% covered`), text);
    await shoot('lone-wolf');
  });

  it('narrow region: same account, stacked layout', async () => {
    const text = await sectionText('narrow');
    assert.match(text, new RegExp(`\\b${field(surging, 'Engagement_Score__c')}\\b`));
    assert.ok(text.includes(person(contributors(surging).people[0]!.id).Name.value), text);
    const box = await page.locator('section[data-scenario="narrow"] c-engagement-score-card').boundingBox();
    assert.ok(box && box.width <= 320, `narrow card is ${box?.width}px wide`);
    await shoot('narrow');
  });

  it('narrow region down to 180 px: the MQA badge never covers the card title', async () => {
    const section = page.locator('section[data-scenario="narrow"]');
    const frame = section.locator('.frame');
    const title = section.locator('c-engagement-score-card .slds-card__header-title');
    const badge = section.locator('c-engagement-score-card [data-id="mqa"]');
    const setWidth = (w: string) =>
      frame.evaluate((el, width) => void ((el as unknown as { style: { width: string } }).style.width = width), w);
    try {
      for (const width of [320, 280, 240, 200, 180]) {
        await setWidth(`${width}px`);
        const t = await title.boundingBox();
        const b = await badge.boundingBox();
        assert.ok(t && b, `title and badge rendered at ${width}px`);
        const overlap = t.x < b.x + b.width && b.x < t.x + t.width && t.y < b.y + b.height && b.y < t.y + t.height;
        assert.ok(!overlap, `at ${width}px the badge ${JSON.stringify(b)} overlaps the title ${JSON.stringify(t)}`);
        // Not squeezed either: the whole title is shown, none of it cut off beside the badge.
        const clipped = await title.evaluate((el) => {
          const e = el as unknown as { scrollWidth: number; clientWidth: number };
          return e.scrollWidth > e.clientWidth;
        });
        assert.equal(clipped, false, `the title is cut off at ${width}px`);
        if (width === 240) await section.screenshot({ path: path.join(SCREENSHOTS, 'card-narrow-240.png') });
      }
    } finally {
      await setWidth('320px');
    }
  });

  it('never scored: a friendly explanation, no score', async () => {
    const text = await sectionText('never-scored');
    assert.match(text, /Not scored yet/);
    assert.equal(await page.locator('section[data-scenario="never-scored"] [data-id="score"]').count(), 0);
    await shoot('never-scored');
  });

  it('stale: a warning with the age, a falling trend chip', async () => {
    const text = await sectionText('stale');
    assert.match(text, /This score is 6 days old/);
    assert.ok(text.includes(chip(field(stale, 'Engagement_Score_Change_30d__c'))), text);
    assert.match(text, new RegExp(`Missing:\\s*${escape(missing(stale))}`));
    // Names come from the contributors' records as the user: the second person is hidden by sharing.
    const [first, hidden] = contributors(stale).people.map((p) => person(p.id).Name.value);
    assert.ok(text.includes(first!), text);
    assert.ok(!text.includes(hidden!), text);
    assert.match(text, /1 more person/);
    await shoot('stale');
  });

  it('malformed JSON: the rest of the card and a notice', async () => {
    const text = await sectionText('malformed');
    assert.match(text, /Some engagement details could not be read/);
    assert.match(text, new RegExp(`\\b${field(malformed, 'Engagement_Score__c')}\\b`));
    assert.ok(text.includes(chip(field(malformed, 'Engagement_Score_Change_30d__c'))), text);
    assert.match(text, new RegExp(`Missing:\\s*${escape(missing(malformed))}`));
    await shoot('malformed');
  });

  it('loading and error states', async () => {
    assert.equal(await page.locator('section[data-scenario="loading"] [data-id="loading"]').count(), 1);
    const error = await sectionText('error');
    assert.match(error, /Engagement data could not be loaded/);
    assert.match(error, /The requested resource does not exist/);
    await shoot('loading');
    await shoot('error');
  });

  it('leaderboard: ranked, re-sorted by change, filtered by trend, links navigate', async () => {
    const names = () => page.locator('section[data-scenario="leaderboard"] .account-name').allInnerTexts();
    const nameList = (rows: Record<string, Value>[]) => rows.map((a) => String(a.Name));
    assert.deepEqual(await names(), nameList(ranked(board, 'Engagement_Score__c')));
    await shoot('leaderboard');
    await page.locator('section[data-scenario="leaderboard"] select[data-id="sort"]').selectOption('change');
    assert.deepEqual(await names(), nameList(ranked(board, 'Engagement_Score_Change_30d__c')));
    await page.locator('section[data-scenario="leaderboard"] select[data-id="trend"]').selectOption('Cooling');
    const cooling = ranked(
      board.filter((a) => a.Engagement_Trend__c === 'Cooling'),
      'Engagement_Score_Change_30d__c',
    );
    assert.ok(cooling.length > 0);
    assert.deepEqual(await names(), nameList(cooling));
    // Both components colour trend chips from one CSS module (c/engagementChips): Cooling is pink here
    // and on the stale card.
    const chipColour = (scenario: string) =>
      page
        .locator(`section[data-scenario="${scenario}"] .trend-cooling`)
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(await chipColour('leaderboard'), 'rgb(253, 221, 227)');
    assert.equal(await chipColour('stale'), 'rgb(253, 221, 227)');
    await page.locator('section[data-scenario="leaderboard"] .account-name').first().focus();
    await page.keyboard.press('Enter');
    assert.ok((await page.locator('#navigation-log').innerText()).includes(String(cooling[0]!.Id)));
  });
});
