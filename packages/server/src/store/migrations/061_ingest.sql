-- Ingestion API keys: only a SHA-256 of the key is kept (keys are 256 random bits, so a slow
-- password hash adds nothing but latency to every request); `prefix` is the part shown in lists.
CREATE TABLE api_keys (
  org_id        text NOT NULL REFERENCES orgs(id),
  prefix        text NOT NULL,
  key_hash      text NOT NULL,
  label         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  PRIMARY KEY (org_id, prefix)
);
-- Requests arrive with a key and no org: the hash finds both.
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix);

-- What Segment identify/group calls taught us about a visitor (anonymousId, userId or group),
-- so their later anonymous page and track events resolve to a person or an account.
CREATE TABLE ingest_visitors (
  org_id      text NOT NULL REFERENCES orgs(id),
  visitor_id  text NOT NULL,
  email       text,
  domain      text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, visitor_id)
);
