-- Write-back to Salesforce: per-org output→field overrides, the last value Salesforce confirmed per
-- account field (the writer sends only what differs), and the latest permanent failure per account.

CREATE TABLE writeback_mappings (
  org_id      text NOT NULL REFERENCES orgs(id),
  output      text NOT NULL,
  -- NULL switches the output off.
  field       text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, output)
);

CREATE TABLE written_values (
  org_id      text NOT NULL REFERENCES orgs(id),
  account_id  text NOT NULL,
  field       text NOT NULL,
  -- JSON text of the value as sent ('null' for a cleared field), compared verbatim.
  value       text NOT NULL,
  written_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, account_id, field)
);

CREATE TABLE write_failures (
  org_id       text NOT NULL REFERENCES orgs(id),
  account_id   text NOT NULL,
  status_code  text NOT NULL,
  message      text NOT NULL,
  fields       text[] NOT NULL DEFAULT '{}',
  failed_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, account_id)
);
