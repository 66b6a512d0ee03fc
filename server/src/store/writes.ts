/** What the writer knows Salesforce holds: confirmed values per account field, and permanent failures. */
import type { Db } from './db';

/** A permanent write failure of one account. */
export interface WriteFailure {
  accountId: string;
  statusCode: string;
  message: string;
  fields: string[];
}

const CHUNK = 5_000;

/** Confirmed values (JSON text) of the given accounts: account id → field → value. */
export async function loadWrittenValues(
  db: Db,
  orgId: string,
  accountIds: readonly string[],
): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  for (let i = 0; i < accountIds.length; i += CHUNK) {
    const r = await db.query<{ account_id: string; field: string; value: string }>(
      'SELECT account_id, field, value FROM written_values WHERE org_id = $1 AND account_id = ANY($2::text[])',
      [orgId, accountIds.slice(i, i + CHUNK)],
    );
    for (const row of r.rows) {
      let m = out.get(row.account_id);
      if (!m) out.set(row.account_id, (m = new Map()));
      m.set(row.field, row.value);
    }
  }
  return out;
}

/** Records values Salesforce confirmed, and clears those accounts' failures, in one transaction. */
export async function markWritten(
  db: Db,
  orgId: string,
  rows: readonly { accountId: string; field: string; value: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += CHUNK * 4) {
      const chunk = rows.slice(i, i + CHUNK * 4);
      await tx.query(
        `INSERT INTO written_values (org_id, account_id, field, value)
         SELECT $1, a, f, v FROM unnest($2::text[], $3::text[], $4::text[]) AS t(a, f, v)
         ON CONFLICT (org_id, account_id, field) DO UPDATE SET value = EXCLUDED.value, written_at = now()`,
        [orgId, chunk.map((r) => r.accountId), chunk.map((r) => r.field), chunk.map((r) => r.value)],
      );
    }
    const ids = [...new Set(rows.map((r) => r.accountId))];
    await tx.query('DELETE FROM write_failures WHERE org_id = $1 AND account_id = ANY($2::text[])', [orgId, ids]);
  });
}

/** Records permanent failures (latest per account). */
export async function recordFailures(db: Db, orgId: string, failures: readonly WriteFailure[]): Promise<void> {
  if (failures.length === 0) return;
  await db.query(
    `INSERT INTO write_failures (org_id, account_id, status_code, message, fields)
     SELECT $1, a, c, m, string_to_array(f, ',') FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(a, c, m, f)
     ON CONFLICT (org_id, account_id) DO UPDATE
       SET status_code = EXCLUDED.status_code, message = EXCLUDED.message, fields = EXCLUDED.fields, failed_at = now()`,
    [
      orgId,
      failures.map((f) => f.accountId),
      failures.map((f) => f.statusCode),
      failures.map((f) => f.message),
      failures.map((f) => f.fields.join(',')),
    ],
  );
}

/** The org's recorded permanent failures, by account id. */
export async function listFailures(db: Db, orgId: string): Promise<WriteFailure[]> {
  const r = await db.query<{ account_id: string; status_code: string; message: string; fields: string[] }>(
    'SELECT account_id, status_code, message, fields FROM write_failures WHERE org_id = $1 ORDER BY account_id',
    [orgId],
  );
  return r.rows.map((x) => ({
    accountId: x.account_id,
    statusCode: x.status_code,
    message: x.message,
    fields: x.fields,
  }));
}
