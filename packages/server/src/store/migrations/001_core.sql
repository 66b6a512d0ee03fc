-- Core tables. Every table carries org_id and leads its primary key with it, so the
-- same schema distributes by (org_id, account_id) on a sharded Postgres; nothing joins across orgs.

CREATE TABLE orgs (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  org_id      text NOT NULL REFERENCES orgs(id),
  id          text NOT NULL,
  name        text NOT NULL DEFAULT '',
  domain      text,
  owner_id    text,
  owner_name  text,
  parent_id   text,
  industry    text,
  employees   integer,
  attributes  jsonb NOT NULL DEFAULT '{}',
  is_deleted  boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id)
);
CREATE INDEX accounts_domain ON accounts (org_id, domain);

-- A person is a contact, a lead or a marketing-automation record. seniority and
-- department are the normalized values (identity/); department_explicit is what
-- the source said, which wins over the title's.
CREATE TABLE people (
  org_id              text NOT NULL REFERENCES orgs(id),
  id                  text NOT NULL,
  kind                text NOT NULL DEFAULT 'contact',
  account_id          text,
  email               text,
  name                text NOT NULL DEFAULT '',
  title               text,
  department_explicit text,
  seniority           text NOT NULL DEFAULT 'unknown',
  department          text NOT NULL DEFAULT 'unknown',
  match_method        text,
  match_confidence    real,
  merged_into         text,
  attributes          jsonb NOT NULL DEFAULT '{}',
  is_deleted          boolean NOT NULL DEFAULT false,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id)
);
CREATE INDEX people_account ON people (org_id, account_id);
CREATE INDEX people_email ON people (org_id, email);

-- One row per activity, unique per (org, source, source id) so every load is an idempotent upsert.
-- account_id is the resolved account (explicit, else the person's, else by domain).
-- excluded_reason keeps noise (bots, unanswered calls) visible in the receipt instead of deleting it.
CREATE TABLE events (
  org_id          text NOT NULL REFERENCES orgs(id),
  source          text NOT NULL,
  source_id       text NOT NULL,
  type            text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  person_id       text,
  account_id      text,
  domain          text,
  url             text,
  quantity        double precision NOT NULL DEFAULT 1,
  strength        double precision,
  attributes      jsonb NOT NULL DEFAULT '{}',
  excluded_reason text,
  ingested_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, source, source_id)
);
CREATE INDEX events_account_time ON events (org_id, account_id, occurred_at);
CREATE INDEX events_person ON events (org_id, person_id);

CREATE TABLE opportunities (
  org_id      text NOT NULL REFERENCES orgs(id),
  id          text NOT NULL,
  account_id  text,
  name        text NOT NULL DEFAULT '',
  stage       text,
  amount      double precision,
  is_closed   boolean NOT NULL DEFAULT false,
  is_won      boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL,
  close_date  date,
  is_deleted  boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX opportunities_account ON opportunities (org_id, account_id);

-- A model version is immutable once published; auto references are frozen into `references`.
CREATE TABLE models (
  org_id        text NOT NULL REFERENCES orgs(id),
  version       text NOT NULL,
  document      jsonb NOT NULL,
  "references"  jsonb NOT NULL DEFAULT '{}',
  published_at  timestamptz NOT NULL DEFAULT now(),
  is_active     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, version)
);
CREATE UNIQUE INDEX models_one_active ON models (org_id) WHERE is_active;

-- One row per scored account per day per model version.
CREATE TABLE snapshots (
  org_id          text NOT NULL REFERENCES orgs(id),
  model_version   text NOT NULL,
  account_id      text NOT NULL,
  day             date NOT NULL,
  score           double precision NOT NULL,
  band            text NOT NULL,
  kpis            jsonb NOT NULL DEFAULT '{}',
  people_engaged  integer NOT NULL DEFAULT 0,
  coverage_pct    double precision NOT NULL DEFAULT 0,
  missing_personas text[] NOT NULL DEFAULT '{}',
  mqa             boolean NOT NULL DEFAULT false,
  last_activity   date,
  detail          jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (org_id, model_version, account_id, day)
);
CREATE INDEX snapshots_day ON snapshots (org_id, model_version, day);

-- Every run (sync, score, write, daily) is a row: what it did, what it cost, where to resume.
CREATE TABLE runs (
  org_id       text NOT NULL REFERENCES orgs(id),
  id           bigserial,
  kind         text NOT NULL,
  status       text NOT NULL DEFAULT 'running',
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  counts       jsonb NOT NULL DEFAULT '{}',
  api_calls    jsonb NOT NULL DEFAULT '{}',
  errors       jsonb NOT NULL DEFAULT '[]',
  state        jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (org_id, id)
);
