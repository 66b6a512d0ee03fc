import { copyField, type Db } from './db';
import { UPSERT_BATCH } from './accounts';

/** One activity as stored: unique per (org, source, sourceId); accountId is the resolved account. */
export interface EventRecord {
  source: string;
  sourceId: string;
  type: string;
  occurredAt: Date;
  personId: string | null;
  accountId: string | null;
  domain: string | null;
  url: string | null;
  quantity: number;
  strength: number | null;
  attributes?: Record<string, unknown>;
  excludedReason?: string | null;
  /** The person as the source named them (`<source>:<id>`), kept while personId is re-matched. */
  sourcePersonId?: string | null;
}

/** Inserts or updates events by (org, source, sourceId) in unnest batches; replays change nothing. */
export async function upsertEvents(db: Db, orgId: string, events: readonly EventRecord[]): Promise<void> {
  for (let i = 0; i < events.length; i += UPSERT_BATCH) {
    const b = events.slice(i, i + UPSERT_BATCH);
    await db.query(
      `INSERT INTO events (org_id, source, source_id, type, occurred_at, person_id, account_id, domain, url, quantity,
                           strength, attributes, excluded_reason, source_person_id)
       SELECT $1, source, source_id, type, occurred_at, person_id, account_id, domain, url, quantity, strength,
              attributes::jsonb, excluded_reason, source_person_id
       FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::float8[], $11::float8[], $12::text[], $13::text[], $14::text[])
         AS t(source, source_id, type, occurred_at, person_id, account_id, domain, url, quantity, strength,
              attributes, excluded_reason, source_person_id)
       ON CONFLICT (org_id, source, source_id) DO UPDATE SET
         type = EXCLUDED.type, occurred_at = EXCLUDED.occurred_at, person_id = EXCLUDED.person_id,
         account_id = EXCLUDED.account_id, domain = EXCLUDED.domain, url = EXCLUDED.url,
         quantity = EXCLUDED.quantity, strength = EXCLUDED.strength, attributes = EXCLUDED.attributes,
         excluded_reason = EXCLUDED.excluded_reason, source_person_id = EXCLUDED.source_person_id
       WHERE (events.type, events.occurred_at, events.person_id, events.account_id, events.domain, events.url,
              events.quantity, events.strength, events.attributes, events.excluded_reason, events.source_person_id)
         IS DISTINCT FROM (EXCLUDED.type, EXCLUDED.occurred_at, EXCLUDED.person_id, EXCLUDED.account_id,
              EXCLUDED.domain, EXCLUDED.url, EXCLUDED.quantity, EXCLUDED.strength, EXCLUDED.attributes,
              EXCLUDED.excluded_reason, EXCLUDED.source_person_id)`,
      [
        orgId,
        b.map((e) => e.source),
        b.map((e) => e.sourceId),
        b.map((e) => e.type),
        b.map((e) => e.occurredAt.toISOString()),
        b.map((e) => e.personId),
        b.map((e) => e.accountId),
        b.map((e) => e.domain),
        b.map((e) => e.url),
        b.map((e) => e.quantity),
        b.map((e) => e.strength),
        b.map((e) => JSON.stringify(e.attributes ?? {})),
        b.map((e) => e.excludedReason ?? null),
        b.map((e) => e.sourcePersonId ?? null),
      ],
    );
  }
}

const COPY_COLUMNS = [
  'org_id',
  'source',
  'source_id',
  'type',
  'occurred_at',
  'person_id',
  'account_id',
  'domain',
  'url',
  'quantity',
  'strength',
  'attributes',
  'excluded_reason',
  'source_person_id',
] as const;

/** Whether the org has any event of `source` stored (a first load of a source may append by COPY). */
export async function hasSourceEvents(db: Db, orgId: string, source: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM events WHERE org_id = $1 AND source = $2 LIMIT 1', [orgId, source]);
  return r.rows.length > 0;
}

/**
 * Appends events none of which is stored yet (no two with the same source id), by COPY: what
 * `upsertEvents` would store, at a fraction of the server's cost per row. A first load of a source
 * uses it; a stored id fails the whole COPY on the primary key.
 */
export async function copyNewEvents(db: Db, orgId: string, events: readonly EventRecord[]): Promise<number> {
  if (events.length === 0) return 0;
  let text = '';
  for (const e of events) {
    text += `${[
      orgId,
      e.source,
      e.sourceId,
      e.type,
      e.occurredAt.toISOString(),
      e.personId,
      e.accountId,
      e.domain,
      e.url,
      e.quantity,
      e.strength,
      JSON.stringify(e.attributes ?? {}),
      e.excludedReason ?? null,
      e.sourcePersonId ?? null,
    ]
      .map(copyField)
      .join('\t')}\n`;
  }
  return db.copyFrom('events', COPY_COLUMNS, text);
}

/** A stored event with its org-level id, as the receipt shows it. */
export interface StoredEvent extends EventRecord {
  attributes: Record<string, unknown>;
  excludedReason: string | null;
}

/** The events of one account that occurred before the end of `toDay` (UTC), oldest first. */
export async function listAccountEvents(
  db: Db,
  orgId: string,
  accountId: string,
  fromDay: string,
  toDay: string,
): Promise<StoredEvent[]> {
  const r = await db.query<StoredEvent>(
    `SELECT source, source_id AS "sourceId", type, occurred_at AS "occurredAt", person_id AS "personId",
            account_id AS "accountId", domain, url, quantity, strength, attributes, excluded_reason AS "excludedReason"
     FROM events
     WHERE org_id = $1 AND account_id = $2
       AND occurred_at >= ($3::date)::timestamp AT TIME ZONE 'UTC'
       AND occurred_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC'
     ORDER BY occurred_at, source, source_id`,
    [orgId, accountId, fromDay, toDay],
  );
  return r.rows;
}

/** How many events an org has (tests and load summaries). */
export async function countEvents(db: Db, orgId: string): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE org_id = $1', [orgId]);
  return r.rows[0]?.n ?? 0;
}
