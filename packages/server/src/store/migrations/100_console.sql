-- The admin console (issue 17): sign-in sessions, the bootstrap token, back-fill jobs, the model
-- draft and who published each model version with what note.

-- One row per signed-in browser. The cookie holds the org and a random id; only the id's SHA-256
-- is stored, so a leaked table opens no session. Revoked on sign-out, refused after expires_at.
CREATE TABLE IF NOT EXISTS console_sessions (
  org_id      text NOT NULL REFERENCES orgs(id),
  id_hash     text NOT NULL,
  role        text NOT NULL CHECK (role IN ('admin', 'viewer')),
  user_name   text NOT NULL,
  username    text,
  sf_org_id   text,
  sf_user_id  text,
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  PRIMARY KEY (org_id, id_hash)
);
CREATE INDEX IF NOT EXISTS console_sessions_expires ON console_sessions (expires_at);

-- The bootstrap token of an org (`pulse admin token`): one at a time, stored hashed, until it expires.
CREATE TABLE IF NOT EXISTS console_bootstrap_tokens (
  org_id      text NOT NULL REFERENCES orgs(id),
  token_hash  text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (org_id)
);

-- Work the console started and shows progress of (publish and rollback back-fills, run now).
CREATE TABLE IF NOT EXISTS console_jobs (
  org_id      text NOT NULL REFERENCES orgs(id),
  id          text NOT NULL,
  kind        text NOT NULL,
  state       text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  done        integer NOT NULL DEFAULT 0,
  total       integer NOT NULL DEFAULT 0,
  error       text,
  result      jsonb,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (org_id, id)
);

-- The model being edited in the console, one per org, not yet published.
CREATE TABLE IF NOT EXISTS console_model_drafts (
  org_id      text NOT NULL REFERENCES orgs(id),
  document    jsonb NOT NULL,
  author      text NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (org_id)
);

-- Who published a version, with what note, and the hash of its document.
ALTER TABLE models ADD COLUMN IF NOT EXISTS author text;
ALTER TABLE models ADD COLUMN IF NOT EXISTS note text;
ALTER TABLE models ADD COLUMN IF NOT EXISTS content_hash text;

-- What "Sign in with Salesforce" learnt of the connected org, shown on the Connect page.
ALTER TABLE connections ADD COLUMN IF NOT EXISTS sf_org_id text;
ALTER TABLE connections ADD COLUMN IF NOT EXISTS instance_url text;
ALTER TABLE connections ADD COLUMN IF NOT EXISTS connected_by text;

-- The last permissions check the console ran (read and write checklists), shown until re-run.
CREATE TABLE IF NOT EXISTS console_preflights (
  org_id      text NOT NULL REFERENCES orgs(id),
  result      jsonb NOT NULL,
  checked_at  timestamptz NOT NULL,
  PRIMARY KEY (org_id)
);
