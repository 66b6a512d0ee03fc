import { isRateKpi, type CountKpi, type Model } from '../model/schema';

/** The event fields that decide its KPI and base points. */
export interface ScoringEvent {
  type: string;
  url?: string | null;
  attributes?: Record<string, unknown> | null;
  quantity?: number | null;
  strength?: number | null;
}

const regexCache = new Map<string, RegExp>();

/** A case-insensitive, anchored RegExp for a URL glob: `*` any run, `?` one character, the rest literal. */
export function globToRegExp(glob: string): RegExp {
  let re = regexCache.get(glob);
  if (!re) {
    let src = '';
    for (const ch of glob) {
      if (ch === '*') src += '[\\s\\S]*';
      else if (ch === '?') src += '[\\s\\S]';
      else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    // 'u' so `?` is one code point, as `_` is one character in Postgres.
    re = new RegExp(`^${src}$`, 'iu');
    regexCache.set(glob, re);
  }
  return re;
}

/** The same glob as a Postgres ILIKE pattern (default escape `\`): `*`→`%`, `?`→`_`, `%`, `_`, `\` escaped. */
export function globToLike(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else if (ch === '%' || ch === '_' || ch === '\\') out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/** True when the event passes the KPI's url, excludeUrls and campaignTypes conditions. */
export function kpiConditionsMatch(kpi: CountKpi, event: ScoringEvent): boolean {
  const url = event.url ?? null;
  if (kpi.urls && (url === null || !kpi.urls.some((g) => globToRegExp(g).test(url)))) return false;
  if (kpi.excludeUrls && url !== null && kpi.excludeUrls.some((g) => globToRegExp(g).test(url))) return false;
  if (kpi.campaignTypes) {
    const ct = event.attributes?.['campaignType'];
    // Like Postgres `attributes->>'campaignType'`: scalars as text, absent/null never match.
    if (ct === undefined || ct === null || typeof ct === 'object') return false;
    const lower = String(ct).toLowerCase();
    if (!kpi.campaignTypes.some((c) => c.toLowerCase() === lower)) return false;
  }
  return true;
}

/**
 * The index (in model.kpis) of the KPI that claims the event: the first count KPI, enabled or
 * not, listing its type and matching its conditions; -1 when none does.
 */
export function kpiIndexForEvent(model: Model, event: ScoringEvent): number {
  return model.kpis.findIndex(
    (k) => !isRateKpi(k) && Object.hasOwn(k.activities, event.type) && kpiConditionsMatch(k, event),
  );
}

/** The KPI that claims the event (possibly a disabled one, which then counts nowhere), or null. */
export function kpiForEvent(model: Model, event: ScoringEvent): CountKpi | null {
  const i = kpiIndexForEvent(model, event);
  return i < 0 ? null : (model.kpis[i] as CountKpi);
}

/** points[type] × quantity (default 1), and for intent × strength/100 (null strength = 100). */
export function basePoints(kpi: CountKpi, event: ScoringEvent): number {
  const points = kpi.activities[event.type] ?? 0;
  const quantity = event.quantity ?? 1;
  const strength = event.type === 'intent' ? (event.strength ?? 100) / 100 : 1;
  return points * quantity * strength;
}
