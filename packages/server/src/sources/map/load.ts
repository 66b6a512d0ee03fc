/**
 * Stores one MAP page: its people as `people` rows (`<source>:<vendor id>`, kind = source) and its
 * activities as events keyed by (source, activity id). A person seen before keeps the match the
 * last resolve gave it, so re-pulled events land on the matched person and account at once.
 */
import { findEventOwners } from '../../store/resolution';
import { personAttributes } from '../../identity/title';
import { toSalesforceId18 } from '../../identity/salesforceId';
import type { Db } from '../../store/db';
import { upsertEvents, type EventRecord } from '../../store/events';
import { upsertPeople, type PersonRecord } from '../../store/people';
import type { MapActivity, MapPage, MapPerson, MapSourceName } from './types';

/** The `people.id` a MAP person is stored under. */
export function mapPersonId(source: MapSourceName, vendorId: string): string {
  return `${source}:${vendorId}`;
}

function personRecord(source: MapSourceName, p: MapPerson): PersonRecord {
  const ids = personAttributes(p.title, p.department);
  return {
    id: mapPersonId(source, p.id),
    kind: source,
    accountId: null,
    email: p.email?.trim().toLowerCase() || null,
    name: p.name,
    title: p.title,
    departmentExplicit: p.department ?? null,
    seniority: ids.seniority,
    department: ids.department,
    matchMethod: null,
    matchConfidence: null,
    attributes: {
      crmId: toSalesforceId18(p.crmId),
      crmAccountId: toSalesforceId18(p.crmAccountId),
      company: p.company,
    },
  };
}

function eventRecord(
  source: MapSourceName,
  a: MapActivity,
  resolved: Map<string, { personId: string; accountId: string | null }>,
): EventRecord {
  const sourcePersonId = mapPersonId(source, a.personId);
  const r = resolved.get(sourcePersonId);
  const attributes: Record<string, unknown> = { vendorType: a.vendorType };
  if (a.campaignName) attributes.campaignName = a.campaignName;
  if (a.emailName) attributes.emailName = a.emailName;
  if (a.assetName) attributes.assetName = a.assetName;
  return {
    source,
    sourceId: a.id,
    type: a.type,
    occurredAt: a.occurredAt,
    personId: r?.personId ?? sourcePersonId,
    accountId: r?.accountId ?? null,
    domain: null,
    url: a.url,
    quantity: 1,
    strength: null,
    attributes,
    excludedReason: null,
    sourcePersonId,
  };
}

/** Stores one page (call inside the transaction that also saves its checkpoint). */
export async function storeMapPage(db: Db, orgId: string, source: MapSourceName, page: MapPage): Promise<void> {
  if (page.people.length > 0) {
    await upsertPeople(
      db,
      orgId,
      page.people.map((p) => personRecord(source, p)),
      { keepMatch: true },
    );
  }
  if (page.activities.length === 0) return;
  const ids = [...new Set(page.activities.map((a) => mapPersonId(source, a.personId)))];
  const resolved = await findEventOwners(db, orgId, ids);
  await upsertEvents(
    db,
    orgId,
    page.activities.map((a) => eventRecord(source, a, resolved)),
  );
}
