-- The weekly owner digest (issue 19): which owner was sent the digest of which week, so the daily
-- run on the digest weekday, a re-run that day and `pulse actions digest` send each owner one email
-- per week. Only final outcomes are kept (delivered, failed for good); a transient refusal is not
-- stored, so the next send tries that owner again.
CREATE TABLE IF NOT EXISTS digest_sends (
  org_id      text NOT NULL REFERENCES orgs(id),
  week_end    date NOT NULL,
  owner_id    text NOT NULL,
  email       text NOT NULL,
  status      text NOT NULL CHECK (status IN ('delivered', 'failed')),
  message_id  text,
  error       text,
  sent_at     timestamptz NOT NULL,
  PRIMARY KEY (org_id, week_end, owner_id)
);
