import type { Db } from './db';

/** A run as recorded: what it did, what it cost, how it ended. */
export interface RunRow {
  id: number;
  kind: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  counts: Record<string, number>;
  apiCalls: Record<string, unknown>;
  errors: Array<Record<string, unknown>>;
  state: Record<string, unknown>;
}

/** Records the start of a run; returns its id. */
export async function startRun(
  db: Db,
  orgId: string,
  kind: string,
  state: Record<string, unknown> = {},
): Promise<number> {
  const r = await db.query<{ id: number }>(
    'INSERT INTO runs (org_id, kind, state) VALUES ($1, $2, $3::jsonb) RETURNING id',
    [orgId, kind, JSON.stringify(state)],
  );
  return r.rows[0]!.id;
}

/** Saves a run's progress so far (counts, API calls) while it is still going. */
export async function updateRun(
  db: Db,
  orgId: string,
  id: number,
  patch: { counts?: Record<string, number>; apiCalls?: Record<string, unknown>; state?: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `UPDATE runs SET counts = COALESCE($3::jsonb, counts), api_calls = COALESCE($4::jsonb, api_calls),
       state = COALESCE($5::jsonb, state) WHERE org_id = $1 AND id = $2`,
    [
      orgId,
      id,
      patch.counts ? JSON.stringify(patch.counts) : null,
      patch.apiCalls ? JSON.stringify(patch.apiCalls) : null,
      patch.state ? JSON.stringify(patch.state) : null,
    ],
  );
}

/** Closes a run with its final status ('succeeded', 'partial', 'failed') and what it did. */
export async function finishRun(
  db: Db,
  orgId: string,
  id: number,
  status: string,
  result: {
    counts: Record<string, number>;
    apiCalls: Record<string, unknown>;
    errors?: Array<Record<string, unknown>>;
    state?: Record<string, unknown>;
  },
): Promise<void> {
  await db.query(
    `UPDATE runs SET status = $3, finished_at = now(), counts = $4::jsonb, api_calls = $5::jsonb,
       errors = $6::jsonb, state = COALESCE($7::jsonb, state) WHERE org_id = $1 AND id = $2`,
    [
      orgId,
      id,
      status,
      JSON.stringify(result.counts),
      JSON.stringify(result.apiCalls),
      JSON.stringify(result.errors ?? []),
      result.state ? JSON.stringify(result.state) : null,
    ],
  );
}

/** The newest runs of an org, newest first. */
export async function listRuns(db: Db, orgId: string, kind?: string, limit = 20): Promise<RunRow[]> {
  const r = await db.query<RunRow>(
    `SELECT id, kind, status, started_at AS "startedAt", finished_at AS "finishedAt", counts,
            api_calls AS "apiCalls", errors, state
     FROM runs WHERE org_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY id DESC LIMIT $3`,
    [orgId, kind ?? null, limit],
  );
  return r.rows;
}
