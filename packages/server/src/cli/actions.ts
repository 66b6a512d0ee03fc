/**
 * `pulse actions …`: the org's rules (set from a JSON or YAML file, show), the outbox (list), the
 * actions stage on demand (run) and the dry run over stored history (replay). Thin commands over
 * actions/ and run/actions.ts.
 */
import { readFileSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { readConfig } from '../config';
import { PulseError } from '../errors';
import { rulesInForce } from '../actions/decide';
import { defaultRegistry, type DestinationRegistry } from '../actions/registry';
import { replayActions, type ReplayResult } from '../actions/replay';
import { parseRules, readRulesText, type RulesDocument } from '../actions/rules';
import { runActions, type ActionsRunDeps, type ActionsRunResult } from '../run/actions';
import { sendWeeklyDigest, type WeeklyDigestResult } from '../actions/weeklyDigest';
import { latestSnapshotDay, saveRulesDocument } from '../store/actions';
import { loadActiveModel } from '../store/models';
import type { Db } from '../store/db';
import { ensureOrg } from '../store/orgs';
import { listOutbox, type OutboxRow } from '../store/outbox';
import type { Output } from './model';
import { withStore, type StoreDeps } from './store';

/** Reads and validates a rules file (JSON or YAML); every problem by path, nothing stored when any is bad. */
export function readRulesFile(file: string, registry: DestinationRegistry): RulesDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PulseError('RULES_FILE_UNREADABLE', `cannot read rules file ${file}: ${(e as Error).message}`, { file });
  }
  return parseRules(readRulesText(text, file), registry, file);
}

/** `pulse actions rules set FILE`: validates, then stores the document as written (defaults are filled on read). */
export async function setRules(
  opts: { org: string; file: string },
  deps: StoreDeps & { out: Output; registry?: DestinationRegistry },
): Promise<RulesDocument> {
  const registry = deps.registry ?? defaultRegistry();
  const parsed = readRulesFile(opts.file, registry);
  const raw = readRulesText(readFileSync(opts.file, 'utf8'), opts.file);
  await withStore(deps, async (db) => {
    await ensureOrg(db, opts.org);
    await saveRulesDocument(db, opts.org, raw);
  });
  const on = parsed.rules.filter((r) => r.enabled).length;
  deps.out.write(
    `stored ${parsed.rules.length} rules for org ${opts.org} (${on} enabled, cap ${parsed.capPerRecipientPerWeek} per recipient per week)\n`,
  );
  return parsed;
}

/** `pulse actions rules show`: the rules in force (stored, or the defaults), defaults filled in. */
export async function showRules(
  opts: { org: string; json?: boolean },
  deps: StoreDeps & { out: Output; registry?: DestinationRegistry },
): Promise<void> {
  const { rules, source } = await withStore(deps, (db) =>
    rulesInForce(db, opts.org, deps.registry ?? defaultRegistry()),
  );
  if (opts.json) {
    deps.out.write(`${JSON.stringify({ source, ...rules }, null, 2)}\n`);
    return;
  }
  const lines = [
    `rules of org ${opts.org} (${source === 'default' ? 'the defaults: none stored' : 'stored'}), cap ${rules.capPerRecipientPerWeek} per recipient per week`,
  ];
  for (const r of rules.rules) {
    lines.push(
      `  ${r.enabled ? 'on ' : 'off'} ${r.id}: ${JSON.stringify(r.trigger)} scope ${JSON.stringify(r.scope)}, cooldown ${r.cooldownDays} d → ${r.destinations.map((d) => d.kind).join(', ')}`,
    );
  }
  if (rules.rules.length === 0) lines.push('  (no rules: actions are off)');
  lines.push(
    rules.digest
      ? `weekly digest: ${rules.digest.weekday}s through ${rules.digest.smtp.host}:${rules.digest.smtp.port}`
      : 'weekly digest: off (no digest setting)',
  );
  deps.out.write(`${lines.join('\n')}\n`);
}

/** `pulse actions run`: decides the newest scored day (only what is new), pushes its MAP lists, sends what is due. */
export async function runActionsNow(
  opts: { org: string; json?: boolean },
  deps: StoreDeps & { out: Output } & Partial<Omit<ActionsRunDeps, 'db' | 'orgId'>>,
): Promise<ActionsRunResult> {
  const config = deps.config ?? readConfig();
  const r = await withStore({ db: deps.db, config }, (db) => runActions({ ...deps, db, config, orgId: opts.org }));
  if (opts.json) {
    deps.out.write(`${JSON.stringify(r)}\n`);
    return r;
  }
  const d = r.decided;
  const lines = [
    d
      ? `decided ${d.day} against ${d.previous ?? 'nothing'}: ${d.fired} new actions, ${d.held.cooldown} held in cooldown, ${d.held.cap} held over the weekly cap`
      : 'nothing scored yet: nothing to decide',
    ...r.lists.map(
      (l) =>
        `  ${l.ruleId} ${l.source} list ${l.listId}: ${l.accounts} accounts, ${l.push ? `${l.push.added} added, ${l.push.removed} removed` : `not pushed: ${l.error ?? ''}`}`,
    ),
    `sent: ${r.sent.delivered} delivered, ${r.sent.retrying} to retry, ${r.sent.failed} failed`,
  ];
  for (const [kind, t] of Object.entries(r.sent.byKind)) {
    lines.push(`  ${kind}: ${t.delivered} delivered, ${t.retrying} to retry, ${t.failed} failed`);
  }
  for (const f of r.sent.failures.slice(0, 20)) lines.push(`  failed ${f.kind} ${f.key}: ${f.error}`);
  deps.out.write(`${lines.join('\n')}\n`);
  return r;
}

/** `pulse actions list`: the outbox, newest first — delivered, pending, failed and held back, with why. */
export async function listActions(
  opts: { org: string; day?: string; json?: boolean; limit?: number },
  deps: StoreDeps & { out: Output },
): Promise<OutboxRow[]> {
  const rows = await withStore(deps, (db: Db) => listOutbox(db, opts.org, { day: opts.day, limit: opts.limit }));
  if (opts.json) {
    deps.out.write(`${JSON.stringify(rows, null, 2)}\n`);
    return rows;
  }
  if (rows.length === 0) {
    deps.out.write('no actions decided yet\n');
    return rows;
  }
  const lines = rows.map((r) => {
    const c = r.change as { accountName?: string; ownerName?: string | null };
    const why = r.status === 'held' ? ` (${r.heldReason})` : r.lastError ? ` (${r.lastError})` : '';
    return `${r.day} ${r.status.padEnd(9)} ${r.kind.padEnd(16)} ${r.ruleId}: ${c.accountName ?? r.accountId} ${r.trigger} → ${c.ownerName ?? r.recipient}${why}`;
  });
  deps.out.write(`${lines.join('\n')}\n`);
  return rows;
}

/** `pulse actions replay`: the dry run over stored history. */
export async function replayNow(
  opts: { org: string; days: number; rules?: string; json?: boolean },
  deps: StoreDeps & { out: Output; registry?: DestinationRegistry },
): Promise<ReplayResult> {
  const registry = deps.registry ?? defaultRegistry();
  const fromFile = opts.rules ? readRulesFile(opts.rules, registry) : null;
  const r = await withStore(deps, async (db) =>
    replayActions(db, {
      orgId: opts.org,
      days: opts.days,
      rules: fromFile ?? (await rulesInForce(db, opts.org, registry)).rules,
    }),
  );
  deps.out.write(opts.json ? `${JSON.stringify(r)}\n` : formatReplay(r));
  return r;
}

/** The replay as text: per rule, per destination, and the busiest recipient of each week. */
export function formatReplay(r: ReplayResult): string {
  const lines = [
    `replay of org ${r.orgId}, ${r.from} … ${r.to} (model ${r.modelVersion}), cap ${r.capPerRecipientPerWeek} per recipient per week`,
    'per rule:',
  ];
  for (const x of r.rules) {
    lines.push(`  ${x.id}: ${x.fired} would fire, ${x.heldCooldown} held in cooldown, ${x.heldCap} held over the cap`);
  }
  if (r.rules.length === 0) lines.push('  (no enabled rules)');
  for (const l of r.lists) {
    lines.push(
      `  ${l.ruleId}: ${l.source} list ${l.listId} would add ${l.peopleAdded} people (${l.accountsAdded} accounts entering) and remove ${l.peopleRemoved} (${l.accountsRemoved} leaving), ${l.accountsAtEnd} accounts at the end; a set, not capped`,
    );
  }
  lines.push('per destination:');
  for (const [kind, n] of Object.entries(r.destinations)) lines.push(`  ${kind}: ${n}`);
  lines.push('per recipient per week (most any one recipient got):');
  for (const w of r.weeks) lines.push(`  week of ${w.week}: ${w.recipients} recipients, at most ${w.max} (${w.top})`);
  lines.push(`most per recipient in any week: ${r.maxPerRecipientWeek}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `pulse actions digest`: sends the weekly owner digest of the week ending `weekOf` (default: the
 * newest scored day) to every owner not sent that week's yet, with the rules' digest setting.
 */
export async function digestNow(
  opts: { org: string; weekOf?: string; json?: boolean },
  deps: StoreDeps & { out: Output; registry?: DestinationRegistry; now?: () => Date; env?: NodeJS.ProcessEnv },
): Promise<WeeklyDigestResult> {
  if (opts.weekOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.weekOf)) {
    throw new PulseError('BAD_OPTION', `--week-of must be a day YYYY-MM-DD, got "${opts.weekOf}"`, {
      weekOf: opts.weekOf,
    });
  }
  const r = await withStore(deps, async (db) => {
    const { rules } = await rulesInForce(db, opts.org, deps.registry ?? defaultRegistry());
    if (!rules.digest) {
      throw new PulseError(
        'DIGEST_NOT_SET',
        `org ${opts.org} has no digest setting: add "digest: { weekday, smtp }" to its rules (docs/actions.md)`,
        { org: opts.org },
      );
    }
    const active = await loadActiveModel(db, opts.org);
    const weekEnd = opts.weekOf ?? (active ? await latestSnapshotDay(db, opts.org, active.model.version) : null);
    if (!weekEnd) throw new PulseError('NOTHING_SCORED', `org ${opts.org} has no scored day yet`, { org: opts.org });
    return sendWeeklyDigest(db, {
      orgId: opts.org,
      weekEnd,
      setting: rules.digest,
      now: (deps.now ?? (() => new Date()))(),
      modelVersion: active?.model.version,
      env: deps.env,
    });
  });
  if (opts.json) {
    deps.out.write(`${JSON.stringify(r)}\n`);
    return r;
  }
  const lines = [
    `weekly digest of the week ending ${r.weekEnd}: ${r.delivered} sent, ${r.failed} failed, ${r.retrying} to retry, ${r.alreadySent} sent before, ${r.withoutEmail} owners without an email`,
    ...r.failures.map((f) => `  not sent to ${f.ownerId}: ${f.error}`),
  ];
  deps.out.write(`${lines.join('\n')}\n`);
  return r;
}

/** Registers `pulse actions rules set|show`, `pulse actions list`, `pulse actions run` and `pulse actions replay`. */
export function registerActions(program: Command): void {
  const out: Output = process.stdout;
  const actions = program.command('actions').description('act on change: rules, the outbox, run now, replay history');
  const rules = actions.command('rules').description("the org's action rules");
  rules
    .command('set <file>')
    .description('validate a rules file (JSON or YAML) and store it for the org; nothing is stored if any rule is bad')
    .option('--org <id>', 'the Pulse org', 'default')
    .action(async (file: string, o: { org: string }) => void (await setRules({ org: o.org, file }, { out })));
  rules
    .command('show')
    .description('print the rules in force (the stored ones, or the defaults)')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--json', 'print JSON')
    .action(async (o: { org: string; json?: boolean }) => showRules(o, { out }));
  actions
    .command('list')
    .description('the outbox, newest first: delivered, pending, failed and held-back actions')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--day <YYYY-MM-DD>', 'only one day')
    .option('--json', 'print JSON')
    .action(async (o: { org: string; day?: string; json?: boolean }) => void (await listActions(o, { out })));
  actions
    .command('run')
    .description('decide the newest scored day (only what was not decided), push its MAP lists, send every due action')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--json', 'print a JSON summary')
    .action(async (o: { org: string; json?: boolean }) => {
      const r = await runActionsNow(o, { out, config: readConfig() });
      if (r.sent.failed > 0) throw new CommanderError(1, 'pulse.actionsFailed', `${r.sent.failed} actions failed`);
    });
  actions
    .command('digest')
    .description("send the weekly owner digest (the rules' digest setting) to every owner not sent this week's yet")
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--week-of <YYYY-MM-DD>', "the week's last day (default: the newest scored day)")
    .option('--json', 'print a JSON summary')
    .action(async (o: { org: string; weekOf?: string; json?: boolean }) => {
      const r = await digestNow(o, { out });
      if (r.failed + r.retrying > 0)
        throw new CommanderError(1, 'pulse.digestFailed', `${r.failed + r.retrying} digests not sent`);
    });
  actions
    .command('replay')
    .description('dry run over stored history: what each rule would have fired, per destination and recipient per week')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--days <n>', 'days of history', '90')
    .option('--rules <file>', 'rules to replay instead of the ones in force')
    .option('--json', 'print JSON')
    .action(async (o: { org: string; days: string; rules?: string; json?: boolean }) => {
      const days = Number(o.days);
      if (!Number.isInteger(days) || days < 1 || days > 400) {
        throw new CommanderError(2, 'pulse.badOption', `--days must be a whole number from 1 to 400, got "${o.days}"`);
      }
      await replayNow({ ...o, days }, { out });
    });
}
