import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../store/db';
import { countRunsByKindAndStatus, lastRunTimes } from '../store/serverStatus';
import { countOutbox } from '../store/outbox';

/** The metrics one app exposes; ingestion increments `ingestEvents`, the request logger `httpDuration`. */
export interface PulseMetrics {
  registry: Registry;
  ingestEvents: Counter<'result'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * A registry per app (not prom-client's global one), so two apps in one process (tests) never
 * clash. Run metrics are read from the store at scrape time: runs are made by other processes.
 */
export function createMetrics(db: Db): PulseMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Counter({
    name: 'pulse_runs_total',
    help: 'Runs recorded in the store, by kind and status',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await countRunsByKindAndStatus(db)) this.inc({ kind: row.kind, status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'pulse_last_run_timestamp_seconds',
    help: 'When the newest finished run of each kind ended (Unix seconds)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await lastRunTimes(db)) this.set({ kind: row.kind }, row.seconds);
    },
  });
  new Counter({
    name: 'pulse_action_deliveries_total',
    help: 'Actions in the outbox by destination kind and status (delivered, failed, pending, held)',
    labelNames: ['destination', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await countOutbox(db)) this.inc({ destination: row.kind, status: row.status }, row.n);
    },
  });
  const ingestEvents = new Counter({
    name: 'pulse_ingest_events_total',
    help: 'Ingested events by result (accepted, rejected, unresolved) since this process started',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'pulse_http_request_duration_seconds',
    help: 'HTTP request durations by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, ingestEvents, httpDuration };
}
