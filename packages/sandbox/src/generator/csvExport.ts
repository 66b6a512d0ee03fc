/**
 * Writes a generated org as the CSV files `pulse score --data DIR` reads (issue 3, item 6):
 * `accounts.csv`, `people.csv`, `events.csv` — plus `opportunities.csv`, which `pulse backtest
 * --data DIR` and `pulse model suggest --data DIR` read (issue 15). Salesforce activity and MAP activity are mapped
 * to Pulse's activity types; bot activity is written as it happened (spotting it is normalize's job).
 * Streams account by account, so an org of any size exports in constant memory.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { EVENT_CAMPAIGN_TYPES } from './account';
import type { AccountBundle, GeneratedOrg, SfRecord } from './types';

const ACCOUNT_COLUMNS = ['id', 'name', 'domain', 'industry', 'employees', 'parentId', 'ownerId'];
const PEOPLE_COLUMNS = ['id', 'accountId', 'email', 'name', 'title', 'department'];
const EVENT_COLUMNS = ['id', 'type', 'occurredAt', 'personId', 'accountId', 'domain', 'url', 'quantity', 'strength'];
const OPPORTUNITY_COLUMNS = ['id', 'accountId', 'createdAt', 'closedAt', 'stage', 'amount', 'isWon', 'type'];

/** Member statuses that mean the person was there (exported as `event_attended` rather than `campaign_response`). */
const ATTENDED = new Set(['Attended', 'Attended On-Demand', 'Visited Booth']);

/** Row counts written per file. */
export interface CsvExportResult {
  accounts: number;
  people: number;
  events: number;
  opportunities: number;
}

type Row = (string | number | null)[];

/** Salesforce datetime (`…+0000`) → ISO-8601 with `Z`. */
function iso(sfDateTime: unknown): string {
  return new Date(String(sfDateTime).replace(/\+0000$/, 'Z')).toISOString();
}

function domainOf(website: unknown): string {
  return String(website ?? '')
    .replace(/^https?:\/\/(www\.)?/, '')
    .replace(/\/.*$/, '');
}

/** The rows one account contributes to each file. */
export function bundleRows(
  bundle: AccountBundle,
  campaignType: Map<string, string>,
): { accounts: Row[]; people: Row[]; events: Row[]; opportunities: Row[] } {
  const a = bundle.account;
  const accounts: Row[] = [
    [
      a.Id,
      String(a.Name),
      domainOf(a.Website),
      String(a.Industry ?? ''),
      Number(a.NumberOfEmployees ?? 0),
      (a.ParentId as string | null) ?? '',
      String(a.OwnerId),
    ],
  ];
  const people: Row[] = [];
  // Converted leads are represented by the contact they became; their activity lives there.
  const personAccount = new Map<string, string>();
  for (const c of bundle.contacts) {
    people.push([c.Id, a.Id, String(c.Email ?? ''), String(c.Name), String(c.Title ?? ''), String(c.Department ?? '')]);
    personAccount.set(c.Id, a.Id);
  }
  for (const l of bundle.leads) {
    if (l.IsConverted) continue;
    // An empty accountId: pulse matches the lead to an account by its email domain.
    people.push([l.Id, '', String(l.Email ?? ''), String(l.Name), String(l.Title ?? ''), '']);
    personAccount.set(l.Id, '');
  }

  const events: Row[] = [];
  const push = (
    id: string,
    type: string,
    at: string,
    personId: string,
    accountId: string,
    domain = '',
    url = '',
    quantity: number | null = null,
    strength: number | null = null,
  ): void => {
    events.push([id, type, at, personId, accountId, domain, url, quantity, strength]);
  };
  for (const t of bundle.tasks) {
    const who = String(t.WhoId ?? '');
    const acct = (t.AccountId as string | null) ?? '';
    if (t.TaskSubtype === 'Call') {
      // An unanswered call (0 s) is a rep's attempt, not engagement by anyone at the account.
      if (Number(t.CallDurationInSeconds ?? 0) > 0) push(t.Id, 'call', iso(t.CreatedDate), who, acct);
    } else if (t.TaskSubtype === 'Email') {
      const reply = String(t.Subject ?? '').startsWith('Email: Re:');
      push(t.Id, reply ? 'email_reply' : 'email_sent', iso(t.CreatedDate), who, acct);
    }
  }
  for (const e of bundle.events)
    push(e.Id, 'meeting', iso(e.StartDateTime), String(e.WhoId ?? ''), (e.AccountId as string | null) ?? '');
  for (const m of bundle.campaignMembers) {
    if (!m.HasResponded) continue;
    const who = String(m.ContactId ?? m.LeadId ?? '');
    const attended =
      EVENT_CAMPAIGN_TYPES.has(campaignType.get(String(m.CampaignId)) ?? '') && ATTENDED.has(String(m.Status));
    // LastModifiedDate is when the response was recorded (FirstRespondedDate holds only the day).
    push(
      m.Id,
      attended ? 'event_attended' : 'campaign_response',
      iso(m.LastModifiedDate),
      who,
      personAccount.get(who) ?? '',
    );
  }
  for (const p of bundle.mapPeople) {
    if (p.type === 'email_send') continue;
    push(p.sourceId, p.type, p.occurredAt, p.salesforceId, personAccount.get(p.salesforceId) ?? '', '', p.url ?? '');
  }
  for (const c of bundle.mapCompanies) {
    push(c.sourceId, c.type, c.occurredAt, '', '', c.domain, '', c.quantity, c.strength);
  }
  // An open opportunity has no closedAt: its CloseDate is only the rep's forecast.
  const opportunities: Row[] = bundle.opportunities.map((o) => [
    o.Id,
    a.Id,
    iso(o.CreatedDate),
    o.IsClosed ? String(o.CloseDate) : '',
    String(o.StageName ?? ''),
    Number(o.Amount ?? 0),
    o.IsWon ? 'true' : 'false',
    String(o.Type ?? ''),
  ]);
  return { accounts, people, events, opportunities };
}

async function write(stream: WriteStream, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  if (!stream.write(stringify(rows))) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** Writes `accounts.csv`, `people.csv`, `events.csv` and `opportunities.csv` for `org` into `dir` (created if missing). */
export async function toCsvExport(org: GeneratedOrg, dir: string): Promise<CsvExportResult> {
  mkdirSync(dir, { recursive: true });
  const campaignType = new Map<string, string>();
  for (const c of org.records.Campaign as Iterable<SfRecord>) campaignType.set(c.Id, String(c.Type));
  const files = {
    accounts: createWriteStream(join(dir, 'accounts.csv')),
    people: createWriteStream(join(dir, 'people.csv')),
    events: createWriteStream(join(dir, 'events.csv')),
    opportunities: createWriteStream(join(dir, 'opportunities.csv')),
  };
  const result: CsvExportResult = { accounts: 0, people: 0, events: 0, opportunities: 0 };
  try {
    await write(files.accounts, [ACCOUNT_COLUMNS]);
    await write(files.people, [PEOPLE_COLUMNS]);
    await write(files.events, [EVENT_COLUMNS]);
    await write(files.opportunities, [OPPORTUNITY_COLUMNS]);
    for (const bundle of org.bundles()) {
      const rows = bundleRows(bundle, campaignType);
      await write(files.accounts, rows.accounts);
      await write(files.people, rows.people);
      await write(files.events, rows.events);
      await write(files.opportunities, rows.opportunities);
      result.accounts += rows.accounts.length;
      result.people += rows.people.length;
      result.events += rows.events.length;
      result.opportunities += rows.opportunities.length;
    }
  } finally {
    await Promise.all([close(files.accounts), close(files.people), close(files.events), close(files.opportunities)]);
  }
  return result;
}
