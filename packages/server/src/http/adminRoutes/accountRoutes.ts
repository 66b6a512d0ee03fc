/**
 * The Accounts and Runs pages: search by name or domain; an account's card values (the Account
 * fields the engagementScoreCard reads, as the write-back would set them), its history and the
 * `pulse explain` receipt; the run log, one run, "run now" and the next scheduled run.
 */
import express from 'express';
import { buildReceipt } from '../../engine/receipt';
import { ACCOUNT_FIELDS } from '../../contract/fields';
import { scoreDay } from '../../engine/day';
import { nextRunAt } from '../../run/nextRun';
import { runDaily } from '../../run/daily';
import { addDays } from '../../scoring/days';
import { searchAccounts } from '../../store/accountSearch';
import { getAccount } from '../../store/accounts';
import { loadActiveModel } from '../../store/models';
import { getRun } from '../../store/runLookup';
import { listRuns } from '../../store/runs';
import { readScoreHistory } from '../../store/snapshots';
import { accountOutputs, HISTORY_DAYS } from '../../writeback/outputs';
import { asyncRoute } from '../asyncRoute';
import { HttpError } from '../httpError';
import { theSession } from '../session';
import { parseRequest } from '../validate';
import type { AdminContext } from './context';
import type { JobRunner } from './jobs';
import { AccountParams, AccountsQuery, RunParams, RunsQuery } from './schemas';

/** The accounts and runs routes; "run now" runs as a job of `jobs`. */
export function accountRoutes(ctx: AdminContext, jobs: JobRunner): express.Router {
  const r = express.Router();

  r.get(
    '/api/accounts',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const q = parseRequest(AccountsQuery, req.query, 'query');
      const live = await loadActiveModel(ctx.db, orgId);
      res.json(await searchAccounts(ctx.db, orgId, live?.model.version ?? null, q.q, q.limit));
    }),
  );

  r.get(
    '/api/accounts/:id',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { id } = parseRequest(AccountParams, req.params, 'path');
      const account = await getAccount(ctx.db, orgId, id);
      if (!account) throw new HttpError(404, 'NO_ACCOUNT', `no account ${id} in org ${orgId}`);
      const live = await loadActiveModel(ctx.db, orgId);
      if (!live) throw new HttpError(409, 'NO_MODEL', 'no model is live yet: publish one on the Model page');
      const asOf = ctx.now().toISOString().slice(0, 10);
      const { model, references } = live;
      const scores = await scoreDay(ctx.db, { orgId, model, references, asOf });
      const score = scores.find((s) => s.accountId === id) ?? null;
      const from = addDays(asOf, -(HISTORY_DAYS - 1));
      const stored = (await readScoreHistory(ctx.db, orgId, model.version, from, asOf)).get(id) ?? new Map();
      const days = Array.from({ length: HISTORY_DAYS }, (_, i) => addDays(from, i));
      const history = days.map((day) => ({ day, score: stored.has(day) ? Math.round(stored.get(day)!.score) : null }));
      const outputs = accountOutputs(score, {
        kpiLabels: Object.fromEntries(model.kpis.map((k) => [k.key, k.label])),
        people: new Map(),
        history: history.map((h) => h.score),
        mqaSince: null,
        modelVersion: model.version,
        scoredAt: ctx.now(),
      });
      const card = Object.fromEntries(ACCOUNT_FIELDS.map((f) => [f.apiName, outputs[f.output]]));
      const receipt = await buildReceipt(ctx.db, { orgId, model, references, accountId: id, asOf, score });
      res.json({
        account: {
          accountId: id,
          name: account.name,
          domain: account.domain ?? null,
          ownerId: account.ownerId ?? null,
        },
        card,
        history,
        receipt,
      });
    }),
  );

  r.get(
    '/api/runs',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const q = parseRequest(RunsQuery, req.query, 'query');
      res.json(await listRuns(ctx.db, orgId, q.kind, q.limit));
    }),
  );
  r.get(
    '/api/runs/:id',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { id } = parseRequest(RunParams, req.params, 'path');
      const run = await getRun(ctx.db, orgId, id);
      if (!run) throw new HttpError(404, 'NO_RUN', `no run ${id} in org ${orgId}`);
      res.json(run);
    }),
  );
  r.post(
    '/api/runs',
    asyncRoute(async (_req, res) => {
      const { orgId } = theSession(res);
      if (jobs.busy(orgId)) {
        throw new HttpError(
          409,
          'JOB_RUNNING',
          'a publish, rollback or run is under way: wait for it (GET /api/jobs/:id)',
        );
      }
      const jobId = await jobs.start(orgId, 'run', [
        async () => {
          const result = await runDaily({ db: ctx.db, orgId, config: ctx.config, now: ctx.now, ...ctx.runDeps });
          return { runId: result.runId, status: result.status, accountsWritten: result.accountsWritten };
        },
      ]);
      res.status(202).json({ jobId });
    }),
  );
  r.get('/api/schedule', (_req, res) => {
    const s = ctx.config.schedule;
    res.json({
      cron: s.expression,
      timezone: s.timezone,
      description: s.description,
      nextRunAt: nextRunAt(s, ctx.now())?.toISOString() ?? null,
    });
  });
  return r;
}
