-- One vocabulary (issue 13). A stream's resume point is its checkpoint: the table and its key say so
-- (`sync_state.object` → `sync_checkpoints.stream`). The output → Account field overrides are the
-- field mapping (`writeback_mappings` → `field_mappings`). Every pull ends succeeded, partial or
-- failed; a partial pull keeps its reason (`budget`, `quota`) in the run's state. Data is kept as it
-- is, and every statement is a no-op when it already ran (safe to run twice).

ALTER TABLE IF EXISTS sync_state RENAME TO sync_checkpoints;
ALTER TABLE IF EXISTS writeback_mappings RENAME TO field_mappings;

DO $$
DECLARE
  c record;
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'sync_checkpoints' AND column_name = 'object') THEN
    ALTER TABLE sync_checkpoints RENAME COLUMN object TO stream;
  END IF;
  -- Constraints (and the primary keys' indexes with them) carry the old names; so do NOT NULL
  -- constraints on servers that name them.
  FOR c IN SELECT conrelid::regclass::text AS tbl, conname FROM pg_constraint
           WHERE conrelid IN ('sync_checkpoints'::regclass, 'field_mappings'::regclass)
             AND (conname LIKE 'sync\_state\_%' OR conname LIKE 'writeback\_mappings\_%') LOOP
    EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', c.tbl, c.conname,
      replace(replace(replace(c.conname, 'sync_state_', 'sync_checkpoints_'), 'writeback_mappings_', 'field_mappings_'),
              'sync_checkpoints_object_', 'sync_checkpoints_stream_'));
  END LOOP;
END $$;

-- The Salesforce pull said `budget_exhausted` where the MAP pulls said `partial`.
UPDATE runs SET status = 'partial', state = state || '{"reason": "budget"}'::jsonb
 WHERE kind = 'sync' AND status = 'budget_exhausted';
UPDATE runs SET state = state || '{"reason": "quota"}'::jsonb
 WHERE kind LIKE 'sync:%' AND status = 'partial' AND state->>'reason' IS NULL;
-- The daily run kept its pull's status in its state.
UPDATE runs SET state = jsonb_set(state, '{pullStatus}', '"partial"')
 WHERE kind = 'daily' AND state->>'pullStatus' = 'budget_exhausted';
