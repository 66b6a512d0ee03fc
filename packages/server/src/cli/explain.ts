import type { Command } from 'commander';
import { PulseError } from '../errors';
import type { Db } from '../store/db';
import { latestWrittenDay, readAccountScore } from '../store/snapshots';
import { loadActiveModel } from '../store/models';
import { withStore, type StoreDeps } from './store';
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

export { buildReceipt, type Receipt, type ReceiptEvent, type ReceiptKpi } from '../engine/receipt';
import { buildReceipt, type Receipt } from '../engine/receipt';

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

/**
 * The receipt of one account of a connected org, from the store: its live model, on `asOf` (default:
 * the last day a run scored), with the score that day's run stored. `sf pulse explain` prints it.
 */
export async function explainStoredAccount(
  opts: { org: string; account: string; asOf?: string },
  deps: StoreDeps = {},
): Promise<Receipt> {
  return withStore(deps, async (db) => {
    const active = await loadActiveModel(db, opts.org);
    if (!active) {
      throw new PulseError('NO_ACTIVE_MODEL', `org ${opts.org} has no published model yet: run the daily cycle first`, {
        org: opts.org,
      });
    }
    const asOf = opts.asOf ?? (await latestWrittenDay(db, opts.org, active.model.version));
    if (!asOf) {
      throw new PulseError('NOT_SCORED', `org ${opts.org} has no scored day yet: run the daily cycle first`, {
        org: opts.org,
      });
    }
    return buildReceipt(db, {
      orgId: opts.org,
      model: active.model,
      references: active.references,
      accountId: opts.account,
      asOf,
      score: await readAccountScore(db, opts.org, active.model.version, opts.account, asOf),
    });
  });
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
