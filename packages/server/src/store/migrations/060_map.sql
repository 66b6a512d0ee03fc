-- Marketing-automation sources (Marketo, HubSpot, Pardot): one connection per org and source, its
-- secrets AES-256-GCM encrypted with PULSE_SECRET_KEY like the Salesforce connection's.
CREATE TABLE map_connections (
  org_id      text NOT NULL REFERENCES orgs(id),
  source      text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}',
  secret_enc  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, source)
);

-- A vendor's opaque resume point (Marketo paging token, HubSpot offset…) kept beside the watermark.
ALTER TABLE sync_state ADD COLUMN cursor text;

-- The person an event's source named (a MAP lead/contact/prospect id as `<source>:<id>`): person_id is
-- rewritten to the matched Salesforce person, this never is, so matching can be redone at any time.
ALTER TABLE events ADD COLUMN source_person_id text;
CREATE INDEX events_source_person ON events (org_id, source_person_id) WHERE source_person_id IS NOT NULL;

-- MAP people are matched to Salesforce people by email whatever its case.
CREATE INDEX people_email_lower ON people (org_id, lower(email));
