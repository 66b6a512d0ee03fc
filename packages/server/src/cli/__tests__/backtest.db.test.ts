import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../store/db';
import { withTestDb } from '../../../testing/db';
import { collector, tempDirs } from '../../../testing/basicExport';
import { PLANTED_MODEL, writePlantedExport, type PlantedEvent } from '../../../testing/plantedExport';
import { ValidationError } from '../../errors';
import { parseModel } from '../../model/schema';
import { publishModel } from '../../engine/engine';
import { loadCsvDir } from '../../sources/csv/load';
import { upsertOpportunities } from '../../store/salesforceRecords';
import type { BacktestResult } from '../../backtest/summary';
import { runBacktestCommand, type BacktestCommandOptions } from '../backtest';
import { main } from '../main';

let db: Db;
const tmp = tempDirs('pulse-backtest-');
withTestDb(
  (d) => (db = d),
  () => tmp.removeAll(),
);

const AS_OF = '2026-06-30';
let orgs = 0;
/** Each run loads its export under an org of its own in the shared test database. */
const deps = () => ({ db, dataOrg: `bt-${++orgs}` });

function planted(extra: PlantedEvent[] = []): { dir: string; model: string } {
  const dir = tmp.make();
  writePlantedExport(dir, { accounts: 120, seed: 7 }, extra);
  const model = join(dir, 'model.json');
  writeFileSync(model, JSON.stringify(PLANTED_MODEL));
  return { dir, model };
}

async function backtest(opts: Omit<BacktestCommandOptions, 'asOf'> & { asOf?: string }) {
  const c = collector();
  const reports = await runBacktestCommand({ asOf: AS_OF, ...opts }, c, deps());
  return { reports, printed: c.text() };
}

describe('pulse backtest --data', () => {
  let base: { dir: string; model: string };
  let result: BacktestResult;
  beforeAll(async () => {
    base = planted();
    const { printed } = await backtest({ data: base.dir, model: base.model });
    result = JSON.parse(printed) as BacktestResult;
  });

  it('prints the public JSON contract', () => {
    expect(Object.keys(result)).toEqual([
      'asOf',
      'horizonDays',
      'modelVersion',
      'accounts',
      'positives',
      'baseRate',
      'auc',
      'topDecileLift',
      'recallTop20',
      'deciles',
      'bands',
      'trends',
    ]);
    expect(result).toMatchObject({ asOf: AS_OF, horizonDays: 90, modelVersion: 'planted-1' });
    expect(result.deciles.map((d) => d.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.deciles.reduce((s, d) => s + d.accounts, 0)).toBe(result.accounts);
    expect(result.deciles.reduce((s, d) => s + d.positives, 0)).toBe(result.positives);
    expect(result.bands.reduce((s, b) => s + b.accounts, 0)).toBe(result.accounts);
    expect(result.baseRate).toBeCloseTo(result.positives / result.accounts, 12);
    expect(result.topDecileLift).toBeCloseTo(result.deciles[0]!.rate! / result.baseRate!, 12);
  });

  it('counts the accounts without an opportunity open on the day; the planted journeys make the score predict', () => {
    // 120 accounts; about half have a journey, a few of whose opportunities are open on June 30.
    expect(result.accounts).toBeGreaterThan(100);
    expect(result.accounts).toBeLessThan(120);
    expect(result.positives).toBeGreaterThan(5);
    expect(result.auc!).toBeGreaterThan(0.5);
  });

  it('does not see events after the as-of day: adding them changes nothing (leakage test)', async () => {
    // Meetings and pricing visits for every account from the first second after June 30 on: any leak
    // would raise those accounts' scores (and the "auto" references).
    const later: PlantedEvent[] = [];
    for (let i = 1; i <= 120; i++) {
      const a = `acc${String(i).padStart(4, '0')}`;
      later.push({ id: `late-m${i}`, type: 'meeting', occurredAt: '2026-07-01T00:00:00Z', personId: `${a}-it` });
      later.push({
        id: `late-w${i}`,
        type: 'web_visit',
        occurredAt: '2026-08-15',
        personId: `${a}-vp`,
        url: 'https://vendor.example/pricing',
      });
    }
    const leaked = planted(later);
    const { printed } = await backtest({ data: leaked.dir, model: leaked.model });
    expect(JSON.parse(printed)).toEqual(result);
  });

  it('does see an event on the as-of day itself (the control of the leakage test)', async () => {
    const onTheDay = planted([
      { id: 'late-0', type: 'meeting', occurredAt: '2026-06-30T23:59:59Z', personId: 'acc0001-it' },
    ]);
    const { printed } = await backtest({ data: onTheDay.dir, model: onTheDay.model });
    expect(JSON.parse(printed)).not.toEqual(result);
  });

  it('gives a stability table for several days: a JSON array in day order, a table in text and HTML', async () => {
    const json = await backtest({ data: base.dir, model: base.model, asOf: '2026-07-31,2026-06-30' });
    const days = JSON.parse(json.printed) as BacktestResult[];
    expect(days.map((d) => d.asOf)).toEqual(['2026-06-30', '2026-07-31']);
    expect(days[0]).toEqual(result);
    const text = await backtest({ data: base.dir, model: base.model, asOf: '2026-06-30,2026-07-31', format: 'text' });
    expect(text.printed).toContain('Stability across as-of days');
    expect(text.printed).toMatch(/2026-07-31\s+\d+\s+\d+/);
    expect(text.printed).toContain('Conversion by trend');
  });

  it('writes one self-contained, escaped HTML page with the four charts to --out', async () => {
    const model = join(base.dir, 'evil.json');
    writeFileSync(model, JSON.stringify({ ...PLANTED_MODEL, version: '<script>alert(1)</script>&' }));
    const out = join(tmp.make(), 'backtest.html');
    await backtest({ data: base.dir, model, format: 'html', out, asOf: '2026-06-30,2026-07-31' });
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;');
    // No external asset: no src, href, @import or url(); the only URL is the SVG namespace.
    expect(html).not.toMatch(/\ssrc=|\shref=|@import|url\(/);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toContain('http');
    for (const title of [
      'Conversion by decile',
      'ROC curve',
      'Conversion by band',
      'Conversion by trend',
      'Stability across as-of days',
    ]) {
      expect(html).toContain(title);
    }
    expect(html.match(/<svg /g)).toHaveLength(8);
    expect(html).toContain('<polyline');
  });

  it('refuses a bad opportunities.csv naming file, line and column, and stores nothing', async () => {
    const dir = planted().dir;
    writeFileSync(
      join(dir, 'opportunities.csv'),
      'id,accountId,createdAt,closedAt,isWon\no1,acc0001,2026-13-01,,\no2,nobody,2026-02-01,,\no3,acc0002,2026-02-01,2026-01-01,maybe\no1,acc0003,2026-02-01,,\n',
    );
    const d = deps();
    const e: unknown = await runBacktestCommand({ data: dir, asOf: AS_OF }, collector(), d).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).message).toMatch(/line 4, column closedAt: is before createdAt/);
    expect((e as ValidationError).message).toMatch(/line 3, column accountId: unknown account "nobody"/);
    expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
      'opportunities.csv line 2, column createdAt',
      'opportunities.csv line 3, column accountId',
      'opportunities.csv line 4, column isWon',
      'opportunities.csv line 4, column closedAt',
      'opportunities.csv line 5, column id',
    ]);
    for (const table of ['accounts', 'people', 'events', 'opportunities']) {
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE org_id = $1`, [d.dataOrg]);
      expect(r.rows[0]!.n).toBe(0);
    }
  });

  it('requires opportunities.csv and its columns', async () => {
    const dir = planted().dir;
    writeFileSync(join(dir, 'opportunities.csv'), 'id,account,createdAt\n');
    await expect(runBacktestCommand({ data: dir, asOf: AS_OF }, collector(), deps())).rejects.toThrow(
      /opportunities\.csv line 1: missing required column "accountId"/,
    );
  });

  it('refuses bad arguments', async () => {
    await expect(runBacktestCommand({ asOf: AS_OF }, collector(), deps())).rejects.toThrow(/--data DIR .* or --org ID/);
    await expect(runBacktestCommand({ data: base.dir, asOf: '2026-06-31' }, collector(), deps())).rejects.toThrow(
      /not a date/,
    );
    await expect(
      runBacktestCommand({ data: base.dir, asOf: AS_OF, horizonDays: '0' }, collector(), deps()),
    ).rejects.toThrow(/--horizon-days/);
  });
});

describe('pulse backtest on the command line', () => {
  it('exits 2 with the message on stderr for a bad argument', async () => {
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['node', 'pulse', 'backtest', '--data', 'x', '--as-of', '2026-06-30', '--format', 'pdf']);
      expect(code).toBe(2);
      expect(err).toHaveBeenCalledWith('pulse: --format "pdf" is not one of json, text, html\n');
      const both = await main([
        'node',
        'pulse',
        'model',
        'suggest',
        '--data',
        'x',
        '--org',
        'y',
        '--as-of',
        '2026-06-30',
      ]);
      expect(both).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});

describe('pulse backtest --org', () => {
  it('backtests the synced data with the active model, as the export gives', async () => {
    const { dir, model } = planted();
    const parsed = parseModel(JSON.parse(readFileSync(model, 'utf8')));
    const fromExport = JSON.parse((await backtest({ data: dir, model })).printed) as BacktestResult;
    // The org as a sync leaves it: accounts, people and events stored, opportunities from Salesforce, a model published.
    const orgId = 'bt-synced';
    await loadCsvDir(db, dir, { orgId, asOf: '2026-12-31', model: parsed, laterEvents: true });
    const opps = readFileSync(join(dir, 'opportunities.csv'), 'utf8').trim().split('\n').slice(1);
    await upsertOpportunities(
      db,
      orgId,
      opps.map((line) => {
        const [id, accountId, createdAt, closedAt, stage, amount, isWon] = line.split(',');
        return {
          id: id!,
          accountId: accountId!,
          name: id!,
          stage: stage!,
          amount: Number(amount),
          isClosed: true,
          isWon: isWon === 'true',
          createdAt: new Date(createdAt!),
          closeDate: closedAt!.slice(0, 10),
        };
      }),
    );
    await publishModel(db, orgId, parsed, '2026-12-31');
    const c = collector();
    await runBacktestCommand({ org: orgId, asOf: AS_OF }, c, { db });
    expect(JSON.parse(c.text())).toEqual(fromExport);
  });

  it('needs a published model or --model', async () => {
    await expect(runBacktestCommand({ org: 'nobody', asOf: AS_OF }, collector(), { db })).rejects.toThrow(
      /no published model/,
    );
  });
});
