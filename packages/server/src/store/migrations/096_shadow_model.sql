-- Shadow versions (issue 15): a candidate model version scored every day next to the live one, its
-- snapshots under its own model_version, never written to Salesforce. At most one per org.
ALTER TABLE models ADD COLUMN IF NOT EXISTS is_shadow boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX IF NOT EXISTS models_one_shadow ON models (org_id) WHERE is_shadow;
