-- Ingestion rate limits shared by every web process (issue 16): one token bucket per key, per client
-- address, and per address for failed sign-ins. A bucket holds `tokens` as of `at`; `allowed` says
-- whether the last take found a token (one statement updates and answers, so two processes taking at
-- once are serialized by the row).
CREATE TABLE IF NOT EXISTS rate_buckets (
  bucket text PRIMARY KEY,
  tokens double precision NOT NULL,
  at timestamptz NOT NULL,
  allowed boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_buckets_at ON rate_buckets (at);
