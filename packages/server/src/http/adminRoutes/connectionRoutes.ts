/**
 * The Connect page: the Salesforce connection (org, user, instance, API usage), each MAP's settings
 * and "test connection", and the ingestion API keys. No secret is ever answered after it is saved.
 */
import express from 'express';
import { MAP_CONNECTORS } from '../../sources/map/registry';
import { mapConnectionFor } from '../../sources/map/sync';
import { testMapConnection } from '../../sources/map/testConnection';
import { MAP_SOURCES, type MapSourceName } from '../../sources/map/types';
import { findSignIn } from '../../sources/salesforce/signIn';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../../store/apiKeys';
import { loadConnectionSummary } from '../../store/connections';
import { loadMapConnection, saveMapConnection } from '../../store/mapConnections';
import { ensureOrg } from '../../store/orgs';
import { asyncRoute } from '../asyncRoute';
import { HttpError } from '../httpError';
import { theSession } from '../session';
import { parseRequest } from '../validate';
import type { AdminContext } from './context';
import { KeyCreate, KeyParams, MapParams, MapSettingsBody } from './schemas';

function keyOut(k: ApiKeyRow) {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: k.prefix,
    label: k.label,
    createdAt: new Date(k.createdAt).toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}

/** The connection and key routes. */
export function connectionRoutes(ctx: AdminContext): express.Router {
  const r = express.Router();

  /** One MAP as the page shows it: configured or not, and its non-secret settings. */
  const mapEntry = async (orgId: string, source: MapSourceName) => {
    const stored = await loadMapConnection(ctx.db, orgId, source, ctx.config.secretKeys).catch(() => null);
    const fromEnv = MAP_CONNECTORS[source].fromEnv(ctx.config.maps);
    const settings = fromEnv?.settings ?? stored?.settings ?? {};
    return {
      source,
      configured: fromEnv !== null || stored !== null,
      from: fromEnv ? ('environment' as const) : stored ? ('console' as const) : null,
      settings,
      secrets: Object.keys(fromEnv?.secrets ?? stored?.secrets ?? {}),
      keys: {
        settings: Object.keys(MAP_CONNECTORS[source].keys.settings),
        secrets: Object.keys(MAP_CONNECTORS[source].keys.secrets),
      },
    };
  };

  r.get(
    '/api/connection',
    asyncRoute(async (_req, res) => {
      const { orgId } = theSession(res);
      const summary = await loadConnectionSummary(ctx.db, orgId);
      const signIn = await findSignIn(ctx.db, orgId, ctx.config).catch(() => null);
      let salesforce = null;
      if (signIn || summary) {
        salesforce = {
          orgId: summary?.identity?.sfOrgId ?? null,
          username: summary?.identity?.connectedBy ?? null,
          instanceUrl: summary?.identity?.instanceUrl ?? null,
          apiUsage: null as { used: number; max: number } | null,
          error: null as string | null,
        };
        try {
          const conn = await ctx.connect(orgId);
          salesforce.instanceUrl = conn.instanceUrl;
          const info = await conn.request<{ organization_id?: string; preferred_username?: string }>(
            `${conn.instanceUrl}/services/oauth2/userinfo`,
          );
          salesforce.orgId = info.organization_id ?? salesforce.orgId;
          salesforce.username = info.preferred_username ?? salesforce.username;
          const limits = (await conn.limits()) as { DailyApiRequests?: { Max: number; Remaining: number } };
          const daily = limits.DailyApiRequests;
          if (daily) salesforce.apiUsage = { used: daily.Max - daily.Remaining, max: daily.Max };
        } catch (e) {
          salesforce.error = (e as Error).message;
        }
      }
      const maps = await Promise.all(MAP_SOURCES.map((s) => mapEntry(orgId, s)));
      const keys = (await listApiKeys(ctx.db, orgId)).map(keyOut);
      res.json({ salesforce, maps, keys });
    }),
  );

  r.put(
    '/api/connection/maps/:source',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { source } = parseRequest(MapParams, req.params, 'path');
      const body = parseRequest(MapSettingsBody, req.body, 'MAP settings');
      if (!ctx.config.secretKeys) {
        throw new HttpError(
          409,
          'SECRET_KEY_MISSING',
          'set PULSE_SECRET_KEY (any long random text) on the server so MAP secrets can be stored encrypted',
        );
      }
      const factory = MAP_CONNECTORS[source];
      const known = { ...factory.keys.settings, ...factory.keys.secrets };
      const unknown = [...Object.keys(body.settings), ...Object.keys(body.secrets)].filter((k) => !(k in known));
      if (unknown.length > 0) {
        throw new HttpError(
          400,
          'BAD_REQUEST',
          `unknown ${source} keys: ${unknown.join(', ')}`,
          unknown.map((k) => ({
            path: `${k in body.settings ? 'settings' : 'secrets'}.${k}`,
            message: `unknown ${source} key: use one of ${Object.keys(known).join(', ')}`,
          })),
        );
      }
      // Secrets not sent keep their stored value: the page never has them to send back.
      const stored = await loadMapConnection(ctx.db, orgId, source, ctx.config.secretKeys);
      const checked = factory.validate({
        settings: { ...stored?.settings, ...body.settings },
        secrets: { ...stored?.secrets, ...body.secrets },
      });
      await ensureOrg(ctx.db, orgId);
      await saveMapConnection(ctx.db, orgId, { source, ...checked }, ctx.config.secretKeys.current);
      ctx.log.info({ org: orgId, source }, 'MAP connection saved from the console');
      res.json(await mapEntry(orgId, source));
    }),
  );

  r.post(
    '/api/connection/maps/:source/test',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { source } = parseRequest(MapParams, req.params, 'path');
      const config = await mapConnectionFor(ctx.db, orgId, source, ctx.config.maps, ctx.config.secretKeys);
      if (!config) {
        throw new HttpError(
          404,
          'NO_CONNECTION',
          `${source} is not connected for org ${orgId}: save its settings first`,
        );
      }
      const salesforce = await findSignIn(ctx.db, orgId, ctx.config).catch(() => null);
      const result = await testMapConnection(MAP_CONNECTORS[source], config, {
        salesforce,
        orgId,
        now: ctx.now(),
        fetch: ctx.fetch,
      });
      res.json(result);
    }),
  );

  r.post(
    '/api/keys',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const body = parseRequest(KeyCreate, req.body ?? {}, 'key');
      await ensureOrg(ctx.db, orgId);
      const { key, prefix } = await createApiKey(ctx.db, orgId, body.label ?? null);
      res.status(201).json({ id: prefix, key });
    }),
  );

  r.delete(
    '/api/keys/:id',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { id } = parseRequest(KeyParams, req.params, 'path');
      // Prefixes are unique per org only: look within the session's org before revoking.
      const mine = (await listApiKeys(ctx.db, orgId)).some((k) => k.prefix === id);
      if (!mine) throw new HttpError(404, 'NO_KEY', `no key ${id} in org ${orgId}`);
      await revokeApiKey(ctx.db, id);
      res.status(204).end();
    }),
  );

  return r;
}
