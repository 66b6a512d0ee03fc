-- Lead write-back: the last value Salesforce confirmed per lead field (the writer sends only what
-- differs) and the latest permanent failure per lead. Kept apart from the Account tables so each
-- table's key says what it holds.

CREATE TABLE lead_written_values (
  org_id      text NOT NULL REFERENCES orgs(id),
  lead_id     text NOT NULL,
  field       text NOT NULL,
  -- JSON text of the value as sent ('null' for a cleared field), compared verbatim.
  value       text NOT NULL,
  written_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, lead_id, field)
);

CREATE TABLE lead_write_failures (
  org_id       text NOT NULL REFERENCES orgs(id),
  lead_id      text NOT NULL,
  status_code  text NOT NULL,
  message      text NOT NULL,
  fields       text[] NOT NULL DEFAULT '{}',
  failed_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, lead_id)
);
