-- Salesforce pull state. One watermark per org and object: the newest SystemModstamp fully
-- stored, so a run killed between batches resumes there (re-reading a small overlap is harmless:
-- every load is an upsert keyed by Salesforce id).
CREATE TABLE sync_state (
  org_id      text NOT NULL REFERENCES orgs(id),
  object      text NOT NULL,
  watermark   timestamptz,
  records     bigint NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, object)
);

-- Small lookup objects (User, Campaign) kept as Salesforce returned them, for owner names and campaign types.
CREATE TABLE source_records (
  org_id      text NOT NULL REFERENCES orgs(id),
  object      text NOT NULL,
  id          text NOT NULL,
  fields      jsonb NOT NULL DEFAULT '{}',
  is_deleted  boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, object, id)
);

-- An org connected through the admin console; the secret (client secret, refresh token or
-- private key) is AES-256-GCM encrypted with PULSE_SECRET_KEY and never leaves the server.
CREATE TABLE connections (
  org_id      text PRIMARY KEY REFERENCES orgs(id),
  auth_kind   text NOT NULL,
  login_url   text NOT NULL,
  client_id   text NOT NULL,
  username    text,
  secret_enc  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
