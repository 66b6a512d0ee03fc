-- Acting on change (issue 19): each org's rules document, and the transactional outbox of the
-- actions its daily runs decided. An outbox row is one decision for one destination of a rule; its
-- key (rule, account, trigger, day) is unique per destination, so re-deciding a day adds nothing.
CREATE TABLE IF NOT EXISTS action_rules (
  org_id      text PRIMARY KEY REFERENCES orgs(id),
  document    jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- status: pending (owed, next try at next_attempt_at), delivered, failed (permanent, or given up
-- after a day), held (cap reached or in cooldown: counted and shown, never sent).
CREATE TABLE IF NOT EXISTS action_outbox (
  org_id           text NOT NULL REFERENCES orgs(id),
  id               bigserial,
  key              text NOT NULL,
  destination      integer NOT NULL,
  kind             text NOT NULL,
  delivery_id      text NOT NULL,
  rule_id          text NOT NULL,
  account_id       text NOT NULL,
  recipient        text NOT NULL,
  day              date NOT NULL,
  trigger          text NOT NULL,
  settings         jsonb NOT NULL,
  change           jsonb NOT NULL,
  status           text NOT NULL,
  held_reason      text,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  external_id      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, key, destination)
);
CREATE INDEX IF NOT EXISTS action_outbox_pending ON action_outbox (org_id, status, next_attempt_at);
CREATE INDEX IF NOT EXISTS action_outbox_rule_account ON action_outbox (org_id, rule_id, account_id, day);
CREATE INDEX IF NOT EXISTS action_outbox_recipient ON action_outbox (org_id, recipient, day);

-- The days whose actions were decided (the next day compares with the last of them), with what was decided.
CREATE TABLE IF NOT EXISTS action_days (
  org_id      text NOT NULL REFERENCES orgs(id),
  day         date NOT NULL,
  fired       integer NOT NULL DEFAULT 0,
  held        integer NOT NULL DEFAULT 0,
  decided_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, day)
);
