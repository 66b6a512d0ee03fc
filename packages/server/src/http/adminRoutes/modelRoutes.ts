/**
 * The Model editor and Publish pages: the live model, the draft and the defaults; saving a draft
 * (validated with the schema of `pulse model validate`); publishing an immutable version (content
 * hash, author, time, note) and rolling back to any earlier one, each re-computing the 90-day
 * history in a job. A publish or rollback that did not start from the live version is 409.
 */
import { createHash } from 'node:crypto';
import express from 'express';
import { previewModel } from '../../backtest/preview';
import { publishModel } from '../../engine/engine';
import { rollbackModel } from '../../engine/rollback';
import { DEFAULT_MODEL_DOCUMENT } from '../../model/defaults';
import { parseModel, type Model } from '../../model/schema';
import { listAccountNames } from '../../store/accounts';
import { loadActiveModel, loadModelVersion } from '../../store/models';
import {
  annotateModelVersion,
  clearModelDraft,
  listVersionRows,
  loadModelDraft,
  saveModelDraft,
  versionFigures,
} from '../../store/modelVersions';
import { asyncRoute } from '../asyncRoute';
import { HttpError } from '../httpError';
import { theSession } from '../session';
import { parseRequest } from '../validate';
import type { AdminContext } from './context';
import type { JobRunner } from './jobs';
import { DraftBody, PublishBody, RollbackBody, VersionParams } from './schemas';

/** The SHA-256 of a model's content: its document without the version name, so equal models hash alike. */
export function contentHash(model: Model): string {
  const { version: _version, ...content } = model;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** The UTC day the console publishes as of. */
const today = (now: Date) => now.toISOString().slice(0, 10);

/** The model routes; publishing and rollback run as jobs of `jobs`. */
export function modelRoutes(ctx: AdminContext, jobs: JobRunner): express.Router {
  const r = express.Router();
  const author = (res: express.Response) => {
    const s = theSession(res);
    return s.user.username ?? s.user.name;
  };

  /** 409 unless `base` is the live version (null: none is live) and nothing else is under way. */
  const checkBase = async (orgId: string, base: string | null) => {
    if (jobs.busy(orgId)) {
      throw new HttpError(
        409,
        'JOB_RUNNING',
        'a publish, rollback or run is under way: wait for it (GET /api/jobs/:id)',
      );
    }
    const live = await loadActiveModel(ctx.db, orgId);
    const liveVersion = live?.model.version ?? null;
    if (liveVersion !== base) {
      throw new HttpError(
        409,
        'STALE_VERSION',
        `the live version is ${liveVersion ?? 'none'}, not ${base ?? 'none'}: someone published since — reload the model and apply your change again`,
      );
    }
  };

  r.get(
    '/api/model',
    asyncRoute(async (_req, res) => {
      const { orgId } = theSession(res);
      const live = await loadActiveModel(ctx.db, orgId);
      res.json({
        live: live ? { version: live.model.version, hash: contentHash(live.model), model: live.model } : null,
        draft: await loadModelDraft(ctx.db, orgId),
        defaults: DEFAULT_MODEL_DOCUMENT,
      });
    }),
  );

  r.put(
    '/api/model/draft',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { model } = parseRequest(DraftBody, req.body, 'draft');
      const parsed = parseModel(model);
      await saveModelDraft(ctx.db, orgId, parsed, author(res), ctx.now());
      res.json({ model: parsed });
    }),
  );

  r.post(
    '/api/model/preview',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { model } = parseRequest(DraftBody, req.body, 'preview');
      const draft = parseModel(model);
      const live = await loadActiveModel(ctx.db, orgId);
      res.json(
        await previewModel(ctx.db, {
          orgId,
          live,
          draft,
          asOf: today(ctx.now()),
          names: await listAccountNames(ctx.db, orgId),
        }),
      );
    }),
  );

  r.get(
    '/api/model/versions',
    asyncRoute(async (_req, res) => {
      const { orgId } = theSession(res);
      const [rows, figures] = await Promise.all([listVersionRows(ctx.db, orgId), versionFigures(ctx.db, orgId)]);
      res.json(
        rows.map((v) => ({
          version: v.version,
          hash: v.contentHash ?? contentHash(parseModel(v.document)),
          author: v.author,
          createdAt: v.publishedAt.toISOString(),
          note: v.note,
          live: v.isActive,
          shadow: v.isShadow,
          figures: figures.get(v.version) ?? null,
        })),
      );
    }),
  );

  r.post(
    '/api/model/versions',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const body = parseRequest(PublishBody, req.body, 'publish');
      const parsed = parseModel(body.model);
      await checkBase(orgId, body.baseVersion);
      const hash = contentHash(parsed);
      // A version name is used once: an edit of a published model gets its name plus its hash.
      let version = parsed.version;
      const taken = await loadModelVersion(ctx.db, orgId, version);
      if (taken) {
        if (contentHash(taken.model) === hash) {
          throw new HttpError(
            409,
            'ALREADY_PUBLISHED',
            `this model is version ${version} already: roll back to it instead`,
          );
        }
        version = `${parsed.version.replace(/-[0-9a-f]{8}$/, '')}-${hash.slice(0, 8)}`.slice(0, 100);
      }
      const model = { ...parsed, version };
      const who = author(res);
      const asOf = today(ctx.now());
      const jobId = await jobs.start(orgId, 'publish', [
        async (progress) => {
          const published = await publishModel(ctx.db, orgId, model, asOf, { onProgress: progress });
          await annotateModelVersion(ctx.db, orgId, version, { author: who, note: body.note, contentHash: hash });
          await clearModelDraft(ctx.db, orgId);
          // The write stage of the next run sends every Account whose values changed.
          return { version, snapshots: published.snapshots, asOf };
        },
      ]);
      ctx.log.info({ org: orgId, model: version, job: jobId }, 'publish started from the console');
      res.status(202).json({ version, jobId });
    }),
  );

  r.post(
    '/api/model/versions/:version/rollback',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { version } = parseRequest(VersionParams, req.params, 'path');
      const body = parseRequest(RollbackBody, req.body, 'rollback');
      const target = await loadModelVersion(ctx.db, orgId, version);
      if (!target) throw new HttpError(404, 'NO_VERSION', `model version ${version} is not published for org ${orgId}`);
      await checkBase(orgId, body.baseVersion);
      if (target.isActive) throw new HttpError(409, 'ALREADY_LIVE', `model version ${version} is live already`);
      const asOf = today(ctx.now());
      const jobId = await jobs.start(orgId, 'rollback', [
        async (progress) => ({
          ...(await rollbackModel(ctx.db, orgId, version, asOf, { onProgress: progress })),
          asOf,
        }),
      ]);
      ctx.log.info({ org: orgId, model: version, job: jobId }, 'rollback started from the console');
      res.status(202).json({ version, jobId });
    }),
  );
  return r;
}
