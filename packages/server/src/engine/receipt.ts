/**
 * The score receipt of one account (`pulse explain`, the console's account page): every event with
 * its points, multipliers, decay and contribution or exclusion reason, and per-KPI totals.
 */
import { isRateKpi, type Model } from '../model/schema';
import type { AccountScore } from '../scoring/finish';
import { explainEvent, type ReceiptLine } from '../scoring/explain';
import { addDays } from '../scoring/days';
import type { Db } from '../store/db';
import { getAccount } from '../store/accounts';
import { listAccountEvents } from '../store/events';
import { getPerson, listAccountPeople } from '../store/people';
import { readPastScores } from '../store/snapshots';
import { PulseError } from '../errors';

/** One receipt line with who did it. */
export interface ReceiptEvent extends ReceiptLine {
  personId: string | null;
  personName: string | null;
}

/** One KPI of the receipt: this day's totals and the change against `trend.days` earlier. */
export interface ReceiptKpi {
  key: string;
  label: string;
  weight: number;
  enabled: boolean;
  /** Σ contributions of the receipt's events (a rate KPI: the observed rate). */
  points: number;
  subscore: number;
  /** weight × subscore / 100: what the KPI adds to the score. */
  weighted: number;
  pastSubscore: number | null;
  /** weight × (subscore − pastSubscore) / 100; null when there was no past score. */
  change: number | null;
}

/** The score receipt of one account on one day. */
export interface Receipt {
  asOf: string;
  modelVersion: string;
  account: { id: string; name: string };
  /** Null when the account has no score that day. */
  score: AccountScore | null;
  past: { day: string; score: number | null };
  events: ReceiptEvent[];
  kpis: ReceiptKpi[];
}

/**
 * Builds the receipt of one account: every event from `windowDays + trend.days` before `asOf` up to it
 * (older ones show "outside window") with base points, multiplier rules, decay and contribution or
 * the reason it was excluded, and per-KPI totals, sub-scores and the change against the past day.
 */
export async function buildReceipt(
  db: Db,
  opts: {
    orgId: string;
    model: Model;
    references: Record<string, number>;
    accountId: string;
    asOf: string;
    score: AccountScore | null;
  },
): Promise<Receipt> {
  const { orgId, model, references, accountId, asOf } = opts;
  const account = await getAccount(db, orgId, accountId);
  if (!account) {
    throw new PulseError('UNKNOWN_ACCOUNT', `account "${accountId}" is not in the data (org ${orgId})`, {
      org: orgId,
      record: accountId,
    });
  }
  const from = addDays(asOf, -(model.windowDays + model.trend.days));
  const events = await listAccountEvents(db, orgId, accountId, from, asOf);
  const people = new Map((await listAccountPeople(db, orgId, accountId)).map((p) => [p.id, p]));
  // An event's person may sit on another account (explicit accountId on the event): look it up too.
  for (const e of events) {
    if (e.personId && !people.has(e.personId)) {
      const p = await getPerson(db, orgId, e.personId);
      if (p) people.set(p.id, p);
    }
  }
  const scoringAccount = { industry: account.industry ?? null, employees: account.employees ?? null };
  const lines: ReceiptEvent[] = events.map((e) => {
    const person = e.personId ? people.get(e.personId) : undefined;
    const line = explainEvent(
      model,
      references,
      {
        id: e.sourceId,
        type: e.type,
        occurredAt: e.occurredAt,
        url: e.url,
        attributes: e.attributes,
        quantity: e.quantity,
        strength: e.strength,
        excludedReason: e.excludedReason,
      },
      person ? { seniority: person.seniority, department: person.department, title: person.title } : null,
      scoringAccount,
      asOf,
    );
    return { ...line, personId: e.personId, personName: person?.name ?? null };
  });

  const pastDay = addDays(asOf, -model.trend.days);
  const past = (await readPastScores(db, orgId, model.version, pastDay, [accountId])).get(accountId) ?? null;
  const kpis: ReceiptKpi[] = model.kpis.map((k) => {
    const points = isRateKpi(k)
      ? (opts.score?.kpis[k.key]?.points ?? 0)
      : lines.filter((l) => l.kpi === k.key).reduce((s, l) => s + l.contribution, 0);
    const subscore = opts.score?.kpis[k.key]?.subscore ?? 0;
    const pastSubscore = past ? (past.subscores[k.key] ?? 0) : null;
    const weight = k.enabled ? k.weight : 0;
    return {
      key: k.key,
      label: k.label,
      weight: k.weight,
      enabled: k.enabled,
      points,
      subscore,
      weighted: (weight * subscore) / 100,
      pastSubscore,
      change: pastSubscore === null ? null : (weight * (subscore - pastSubscore)) / 100,
    };
  });
  return {
    asOf,
    modelVersion: model.version,
    account: { id: account.id, name: account.name },
    score: opts.score,
    past: { day: pastDay, score: past ? past.score : null },
    events: lines,
    kpis,
  };
}
