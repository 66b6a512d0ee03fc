import type { Db } from '../../store/db';
import { upsertAccounts } from '../../store/accounts';
import { createApiKey } from '../../store/apiKeys';
import { ensureOrg } from '../../store/orgs';
import { upsertPeople, type PersonRecord } from '../../store/people';

/** Two orgs: org-a with Acme (acme.com), Globex (globex.com), Jane at Acme and an orphan lead. */
export async function seedIngestOrgs(db: Db): Promise<{ keyA: string; keyB: string; prefixA: string }> {
  await ensureOrg(db, 'org-a', 'Org A');
  await ensureOrg(db, 'org-b', 'Org B');
  await upsertAccounts(db, 'org-a', [
    { id: 'A1', name: 'Acme', domain: 'acme.com' },
    { id: 'A2', name: 'Globex', domain: 'globex.com' },
  ]);
  await upsertAccounts(db, 'org-b', [{ id: 'B1', name: 'Acme (B)', domain: 'acme.com' }]);
  const person = (p: Partial<PersonRecord> & { id: string }): PersonRecord => ({
    kind: 'contact',
    accountId: null,
    email: null,
    name: p.id,
    title: null,
    departmentExplicit: null,
    seniority: 'unknown',
    department: 'unknown',
    matchMethod: null,
    matchConfidence: null,
    ...p,
  });
  await upsertPeople(db, 'org-a', [
    person({ id: 'P1', accountId: 'A1', email: 'jane@acme.com' }),
    // A lead of Globex whose email is on a personal mailbox: only the person link can place her.
    person({ id: 'P2', kind: 'lead', accountId: 'A2', email: 'kim@gmail.com' }),
  ]);
  const a = await createApiKey(db, 'org-a', 'test');
  const b = await createApiKey(db, 'org-b', 'test');
  return { keyA: a.key, keyB: b.key, prefixA: a.prefix };
}

/** A web visit as the ingestion API takes it, on 2026-11-23; `extra` adds or overrides fields. */
export const visit = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'web_visit',
  occurredAt: '2026-11-23T10:00:00Z',
  url: 'https://vendor.example/pricing',
  ...extra,
});

/** A Segment page call with the URL in its properties, on 2026-11-23; `extra` adds or overrides fields. */
export const segmentPage = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'page',
  messageId,
  anonymousId: 'a',
  timestamp: '2026-11-23T09:30:00.000Z',
  properties: { url: 'https://vendor.example/pricing' },
  ...extra,
});

/** A Segment track call of a mapped event ("Form Submitted"); `extra` adds or overrides fields. */
export const segmentTrack = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  messageId,
  anonymousId: 'a',
  event: 'Form Submitted',
  ...extra,
});
