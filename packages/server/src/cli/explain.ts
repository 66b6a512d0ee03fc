import type { Command } from 'commander';
import { PulseError } from '../errors';
import { isRateKpi, type Model } from '../model/schema';
import type { AccountScore } from '../scoring/finish';
import { explainEvent, type ReceiptLine } from '../scoring/explain';
import { addDays } from '../scoring/days';
import type { Db } from '../store/db';
import { getAccount } from '../store/accounts';
import { listAccountEvents } from '../store/events';
import { getPerson, listAccountPeople } from '../store/people';
import { readPastScores } from '../store/snapshots';
import { type Output } from './model';
import { offlineCommand, openOfflineSession, parseFormat, quietLogs } from './score';

/** Options of `pulse explain`. */
export interface ExplainCommandOptions {
  data: string;
  account: string;
  asOf: string;
  model?: string;
  format?: string;
  org?: string;
  history?: boolean;
}

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

/** Up to 4 decimals, trailing zeros dropped: 0.6666… → "0.6667", 20 → "20". */
export function num(n: number): string {
  return String(Number(n.toFixed(4)));
}

function table(headers: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The receipt as a readable text report. */
export function receiptText(r: Receipt): string {
  const out: string[] = [];
  out.push(`Score receipt: ${r.account.name} (${r.account.id}) as of ${r.asOf}, model ${r.modelVersion}`);
  const s = r.score;
  if (s) {
    const change = s.change30d === null ? 'no score' : `${s.change30d >= 0 ? '+' : ''}${s.change30d}`;
    out.push(
      `Score ${s.score} (exact ${num(s.scoreExact)}) · ${s.band} · ${s.trend} (${change} vs ${r.past.day}) · MQA ${s.mqa ? 'yes' : 'no'}`,
    );
    out.push(
      `People engaged ${s.peopleEngaged} · committee coverage ${num(s.coveragePct)}% · missing: ${s.missingPersonas.length > 0 ? s.missingPersonas.join('; ') : 'none'}`,
    );
  } else {
    out.push('No score: no counted event inside the window.');
  }
  out.push('', 'Events');
  out.push(
    table(
      ['event', 'date', 'type', 'person', 'KPI', 'base', 'multipliers', 'age', 'decay', 'contribution', 'excluded'],
      r.events.map((e) => [
        e.eventId,
        e.occurredAt.slice(0, 10),
        e.type,
        e.personId ?? '(account)',
        e.kpi ?? '-',
        num(e.basePoints),
        e.multipliers.length > 0
          ? e.multipliers.map((m) => `×${num(m.factor)} #${m.rule} ${m.label}`).join(', ')
          : '×1',
        String(e.ageDays),
        num(e.decay),
        num(e.contribution),
        e.excluded ?? '',
      ]),
      new Set([5, 7, 8, 9]),
    ),
  );
  out.push(
    '',
    `KPIs (change vs ${r.past.day}${r.past.score === null ? ', no score then' : `, score then ${r.past.score}`})`,
  );
  out.push(
    table(
      ['KPI', 'weight', 'points', 'subscore', 'weighted', 'subscore then', 'change'],
      r.kpis.map((k) => [
        k.enabled ? k.key : `${k.key} (disabled)`,
        num(k.weight),
        num(k.points),
        num(k.subscore),
        num(k.weighted),
        k.pastSubscore === null ? '-' : num(k.pastSubscore),
        k.change === null ? '-' : `${k.change >= 0 ? '+' : ''}${num(k.change)}`,
      ]),
      new Set([1, 2, 3, 4, 5, 6]),
    ),
  );
  return `${out.join('\n')}\n`;
}

/** `pulse explain`: loads DIR, scores it and writes one account's receipt as text or JSON. */
export async function runExplain(opts: ExplainCommandOptions, out: Output, deps: { db?: Db } = {}): Promise<Receipt> {
  const format = parseFormat(opts.format, ['text', 'json'] as const, 'text');
  const session = await openOfflineSession(opts, deps);
  try {
    const receipt = await buildReceipt(session.db, {
      orgId: session.orgId,
      model: session.model,
      references: session.references,
      accountId: opts.account,
      asOf: opts.asOf,
      score: session.scores.find((s) => s.accountId === opts.account) ?? null,
    });
    out.write(format === 'json' ? `${JSON.stringify(receipt, null, 2)}\n` : receiptText(receipt));
    return receipt;
  } finally {
    await session.close();
  }
}

/** Registers `pulse explain`. */
export function registerExplain(program: Command): void {
  offlineCommand(program, 'explain', {
    description: "print one account's score receipt: every event, its points, multipliers, decay and KPI",
    asOf: 'the day to explain',
    formats: ['text', 'json'],
  })
    .requiredOption('--account <id>', 'the account id')
    .action(async (o: ExplainCommandOptions) => {
      quietLogs();
      await runExplain(o, process.stdout);
    });
}
