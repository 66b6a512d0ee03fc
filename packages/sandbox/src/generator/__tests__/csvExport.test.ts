import { KNOWN_COLUMNS } from '@pulse/server/src/sources/csv/rows';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { toCsvExport, type CsvExportResult } from '../csvExport';
import { generateOrg } from '../generateOrg';
import type { GeneratedOrg, SObjectName, SfRecord } from '../types';
import { NOW, materialize } from './support';
import { ACTIVITY_TYPES } from '@pulse/server/src/model/schema';

/** Pulse's activity vocabulary (DESIGN.md, "Activity types"). */
const PULSE_TYPES = new Set<string>(ACTIVITY_TYPES);

describe('toCsvExport', () => {
  let dir: string;
  let org: GeneratedOrg;
  let r: Record<SObjectName, SfRecord[]>;
  let result: CsvExportResult;
  let files: Record<'accounts' | 'people' | 'events', { header: string[]; rows: Record<string, string>[] }>;

  const read = (name: string): { header: string[]; rows: Record<string, string>[] } => {
    const text = readFileSync(join(dir, name), 'utf8');
    const header = (parse(text, { to_line: 1 }) as string[][])[0] ?? [];
    return { header, rows: parse(text, { columns: true }) as Record<string, string>[] };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-generated-org-'));
    org = generateOrg({ accounts: 300, seed: 5, now: NOW });
    r = materialize(org);
    result = await toCsvExport(org, join(dir, 'data'));
    dir = join(dir, 'data');
    files = { accounts: read('accounts.csv'), people: read('people.csv'), events: read('events.csv') };
  });
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('writes the three files with the columns `pulse score --data` requires, first', () => {
    expect(files.accounts.header.slice(0, 3)).toEqual(['id', 'name', 'domain']);
    expect(files.people.header).toEqual(['id', 'accountId', 'email', 'name', 'title', 'department']);
    // The events columns `pulse score` knows, in its order, up to the two the generator never fills.
    expect(files.events.header).toEqual(
      KNOWN_COLUMNS.events.filter((c) => c !== 'campaignType' && c !== 'excludedReason'),
    );
    expect(files.accounts.rows).toHaveLength(result.accounts);
    expect(files.people.rows).toHaveLength(result.people);
    expect(files.events.rows).toHaveLength(result.events);
    expect(result.accounts).toBe(300);
  });

  it('exports contacts with their account and unconverted leads without one (matched later by domain)', () => {
    const unconverted = r.Lead.filter((l) => !l.IsConverted);
    expect(result.people).toBe(r.Contact.length + unconverted.length);
    const byId = new Map(files.people.rows.map((p) => [p.id, p]));
    for (const c of r.Contact) expect(byId.get(c.Id)?.accountId).toBe(c.AccountId);
    for (const l of unconverted) expect(byId.get(l.Id)?.accountId).toBe('');
    for (const l of r.Lead.filter((x) => x.IsConverted)) expect(byId.has(l.Id)).toBe(false);
    const orphan = org.stories.orphanLeads;
    for (const id of orphan.leadIds) expect(byId.get(id)?.email?.endsWith(`@${orphan.domain}`)).toBe(true);
    const domains = new Map(files.accounts.rows.map((a) => [a.id, a.domain]));
    expect(domains.get(orphan.accountId)).toBe(orphan.domain);
  });

  it('writes only Pulse activity types, each event anchored and in the past, ids unique', () => {
    const people = new Set(files.people.rows.map((p) => p.id));
    const accounts = new Set(files.accounts.rows.map((a) => a.id));
    const bad: string[] = [];
    const ids = new Set<string>();
    for (const e of files.events.rows) {
      if (!PULSE_TYPES.has(e.type ?? '')) bad.push(`${e.id} type ${e.type}`);
      if (!e.personId && !e.accountId && !e.domain) bad.push(`${e.id} unanchored`);
      if (e.personId && !people.has(e.personId)) bad.push(`${e.id} unknown person ${e.personId}`);
      if (e.accountId && !accounts.has(e.accountId)) bad.push(`${e.id} unknown account ${e.accountId}`);
      const t = Date.parse(e.occurredAt ?? '');
      if (!/Z$/.test(e.occurredAt ?? '') || Number.isNaN(t) || t > NOW.getTime())
        bad.push(`${e.id} occurredAt ${e.occurredAt}`);
      if (ids.has(e.id ?? '')) bad.push(`${e.id} duplicate`);
      ids.add(e.id ?? '');
    }
    expect(bad.slice(0, 20)).toEqual([]);
    expect(new Set(files.events.rows.map((e) => e.type))).toEqual(PULSE_TYPES);
  });

  it('maps Salesforce activity to the right types and counts', () => {
    const count = (type: string): number => files.events.rows.filter((e) => e.type === type).length;
    expect(count('meeting')).toBe(r.Event.length);
    expect(count('call')).toBe(
      r.Task.filter((t) => t.TaskSubtype === 'Call' && Number(t.CallDurationInSeconds) > 0).length,
    );
    expect(count('email_reply')).toBe(r.Task.filter((t) => String(t.Subject).startsWith('Email: Re:')).length);
    expect(count('email_sent')).toBe(
      r.Task.filter((t) => t.TaskSubtype === 'Email' && !String(t.Subject).startsWith('Email: Re:')).length,
    );
    const responded = r.CampaignMember.filter((m) => m.HasResponded).length;
    expect(count('campaign_response') + count('event_attended')).toBe(responded);
    expect(count('event_attended')).toBeGreaterThan(0);
  });

  it('maps MAP activity: web visits keep their URL, intent its strength, ads their quantity by domain', () => {
    const events = files.events.rows;
    const visits = events.filter((e) => e.type === 'web_visit');
    expect(visits.every((v) => v.url?.startsWith('https://'))).toBe(true);
    expect(visits.some((v) => /\/pricing/.test(v.url ?? ''))).toBe(true);
    const intent = events.filter((e) => e.type === 'intent');
    expect(intent.length).toBeGreaterThan(0);
    expect(intent.every((i) => Number(i.strength) >= 50 && Number(i.strength) <= 100 && i.domain && !i.personId)).toBe(
      true,
    );
    const impressions = events.filter((e) => e.type === 'ad_impression');
    expect(impressions.every((i) => Number(i.quantity) >= 1 && i.domain)).toBe(true);
    const sends = Array.from(org.mapActivity.people).filter((p) => p.type === 'email_send').length;
    const mapRows = Array.from(org.mapActivity.people).length - sends;
    const mapTypes = ['email_open', 'email_click', 'form_fill', 'web_visit', 'content_download'];
    expect(events.filter((e) => mapTypes.includes(e.type ?? '')).length).toBe(mapRows);
  });

  it('writes opportunities.csv with the columns `pulse backtest --data` reads, one row per Opportunity', () => {
    const opps = read('opportunities.csv');
    expect(opps.header).toEqual(KNOWN_COLUMNS.opportunities);
    expect(opps.rows).toHaveLength(r.Opportunity.length);
    expect(result.opportunities).toBe(r.Opportunity.length);
    const byId = new Map(opps.rows.map((o) => [o.id, o]));
    for (const o of r.Opportunity) {
      const row = byId.get(o.Id);
      expect(row).toMatchObject({ accountId: o.AccountId, stage: o.StageName, isWon: String(o.IsWon) });
      // Open deals have no closedAt (their CloseDate is a forecast); closed ones close on their CloseDate.
      expect(row?.closedAt).toBe(o.IsClosed ? o.CloseDate : '');
      expect(Date.parse(row?.createdAt ?? '')).toBeLessThanOrEqual(NOW.getTime());
    }
  });

  it('leaves bot activity unmarked, as ordinary opens and clicks of the scanned person', () => {
    const bot = org.stories.bot;
    const botEvents = files.events.rows.filter((e) => e.personId === bot.personId);
    expect(botEvents.filter((e) => e.type === 'email_click').length).toBeGreaterThan(30);
    expect(botEvents.every((e) => e.accountId === bot.accountId)).toBe(true);
  });
});
