/**
 * A HubSpot connection's configuration: settings (base URL, web analytics on/off, the gated
 * content form pattern) and secrets (a private-app token, or an OAuth app with a refresh token),
 * checked with zod so every bad or missing key is named.
 */
import { z } from 'zod';
import { ValidationError, type Issue } from '../../errors';
import type { MapVariables } from '../../config';
import type { MapConnectionConfig } from '../map/types';
import type { HubspotAuth } from './client';
import { DEFAULT_DOWNLOAD_FORM_PATTERN } from './activities';

/** Every key with a one-line description (shown by `pulse connect --help` and in errors). */
export const HUBSPOT_KEYS = {
  settings: {
    baseUrl: 'API base URL (default https://api.hubapi.com)',
    webAnalytics: "'on' (default) pulls page views from the Events API (Enterprise only); 'off' skips them",
    downloadFormPattern: 'regular expression on form names: matching submissions count as content downloads',
    overlapMinutes: 'minutes each incremental pull re-reads before the watermark, for late events (default 60)',
  },
  secrets: {
    accessToken: 'private app access token (or use the three OAuth keys below)',
    clientId: 'OAuth app client id',
    clientSecret: 'OAuth app client secret',
    refreshToken: 'OAuth refresh token of the connected portal',
  },
} as const;

/** The defaults of a setting left unset. */
export const HUBSPOT_DEFAULTS = {
  baseUrl: 'https://api.hubapi.com',
  webAnalytics: 'on',
  downloadFormPattern: DEFAULT_DOWNLOAD_FORM_PATTERN,
  overlapMinutes: '60',
} as const;

const settingsSchema = z
  .object({
    baseUrl: z.string().refine((u) => {
      try {
        return ['http:', 'https:'].includes(new URL(u).protocol);
      } catch {
        return false;
      }
    }, 'must be an http(s) URL such as https://api.hubapi.com'),
    webAnalytics: z.enum(['on', 'off'], { message: "must be 'on' or 'off'" }),
    downloadFormPattern: z.string().refine((p) => {
      try {
        new RegExp(p, 'i');
        return true;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression'),
    overlapMinutes: z.string().regex(/^\d+$/, 'must be a whole number of minutes'),
  })
  .partial()
  .strict();

const secretsSchema = z
  .object({
    accessToken: z.string().min(1, 'must not be empty'),
    clientId: z.string().min(1, 'must not be empty'),
    clientSecret: z.string().min(1, 'must not be empty'),
    refreshToken: z.string().min(1, 'must not be empty'),
  })
  .partial()
  .strict();

/** A configuration as the connector uses it. */
export interface HubspotConfig {
  baseUrl: string;
  webAnalytics: boolean;
  downloadForms: RegExp;
  overlapMs: number;
  auth: HubspotAuth;
}

const OAUTH_KEYS = ['clientId', 'clientSecret', 'refreshToken'] as const;

/** Checks a configuration; throws ValidationError naming each bad, unknown or missing key. */
export function validateHubspot(config: MapConnectionConfig): MapConnectionConfig {
  const issues: Issue[] = [];
  const s = settingsSchema.safeParse(config.settings ?? {});
  const k = secretsSchema.safeParse(config.secrets ?? {});
  const add = (prefix: string, r: z.SafeParseReturnType<unknown, unknown>) => {
    if (r.success) return;
    for (const i of r.error.issues) {
      if (i.code === 'unrecognized_keys')
        for (const key of i.keys)
          issues.push({
            path: `${prefix}.${key}`,
            message: `unknown key; known ${prefix}: ${Object.keys(HUBSPOT_KEYS[prefix as 'settings' | 'secrets']).join(', ')}`,
          });
      else issues.push({ path: `${prefix}.${i.path.join('.')}`, message: i.message });
    }
  };
  add('settings', s);
  add('secrets', k);
  const secrets = config.secrets ?? {};
  const oauthSet = OAUTH_KEYS.filter((key) => secrets[key]);
  if (secrets.accessToken && oauthSet.length > 0)
    issues.push({
      path: 'secrets',
      message: `set either accessToken (private app) or ${OAUTH_KEYS.join(' + ')} (OAuth), not both`,
    });
  else if (!secrets.accessToken && oauthSet.length === 0)
    issues.push({
      path: 'secrets.accessToken',
      message: `missing: set accessToken (HUBSPOT_ACCESS_TOKEN) for a private app, or ${OAUTH_KEYS.join(' + ')} for OAuth`,
    });
  else if (!secrets.accessToken)
    for (const key of OAUTH_KEYS.filter((x) => !secrets[x]))
      issues.push({ path: `secrets.${key}`, message: 'missing: OAuth needs clientId, clientSecret and refreshToken' });
  if (issues.length > 0) throw new ValidationError('HubSpot connection', issues, { source: 'hubspot' });
  return { settings: { ...config.settings }, secrets: { ...config.secrets } };
}

/** The configuration from HUBSPOT_* environment variables, or null when none is set. */
export function hubspotFromEnv(env: MapVariables): MapConnectionConfig | null {
  const pick = (pairs: Array<[string, string]>): Record<string, string> =>
    Object.fromEntries(pairs.filter(([, v]) => env[v] !== undefined && env[v] !== '').map(([k, v]) => [k, env[v]!]));
  const settings = pick([['baseUrl', 'HUBSPOT_BASE_URL']]);
  const secrets = pick([
    ['accessToken', 'HUBSPOT_ACCESS_TOKEN'],
    ['clientId', 'HUBSPOT_CLIENT_ID'],
    ['clientSecret', 'HUBSPOT_CLIENT_SECRET'],
    ['refreshToken', 'HUBSPOT_REFRESH_TOKEN'],
  ]);
  if (Object.keys(secrets).length === 0 && Object.keys(settings).length === 0) return null;
  return { settings, secrets };
}

/** The validated configuration, with defaults filled in. */
export function resolveHubspot(config: MapConnectionConfig): HubspotConfig {
  const c = validateHubspot(config);
  const s = { ...HUBSPOT_DEFAULTS, ...c.settings };
  const k = c.secrets;
  return {
    baseUrl: s.baseUrl.replace(/\/+$/, ''),
    webAnalytics: s.webAnalytics === 'on',
    downloadForms: new RegExp(s.downloadFormPattern, 'i'),
    overlapMs: Number(s.overlapMinutes) * 60_000,
    auth: k.accessToken
      ? { kind: 'privateApp', accessToken: k.accessToken }
      : { kind: 'oauth', clientId: k.clientId!, clientSecret: k.clientSecret!, refreshToken: k.refreshToken! },
  };
}
