/**
 * The Salesforce Task destination: a Task for the account owner, related to the account, saying what
 * fired, who the top three people are and what drove the change. At most one open Task per account
 * and rule: the Task carries a marker line with the rule and account in its Description, an open Task
 * with that marker is updated instead of a new one created. The same lookup makes a resend after a
 * crash (sent, not yet marked) land on the Task already created: exactly one per account and rule.
 * Written with sObject collections (allOrNone false), lock errors retried like the writer does.
 */
import type { Connection } from 'jsforce';
import { z } from 'zod';
import { addDays } from '../scoring/days';
import type { ActionDelivery, AlertDelivery, DeliveryContext, DeliveryOutcome, Destination } from './destination';

/** Settings of a Task rule destination. */
export const taskSettingsSchema = z
  .object({
    /** Task.Priority, one of Salesforce's standard values. */
    priority: z.enum(['High', 'Normal', 'Low']).default('Normal'),
    /** Task.ActivityDate: this many days after the day scored. */
    dueInDays: z.number().int().min(0).max(60).default(3),
    /** Task.Status of a new Task (an open status: a closed Task would not be found again). */
    status: z.enum(['Not Started', 'In Progress', 'Waiting on someone else', 'Deferred']).default('Not Started'),
    /** Subject prefix, so reps can filter their list views on it. */
    subjectPrefix: z.string().min(1).max(40).default('Pulse'),
    /** For system alerts: the admin the alert Task is assigned to (default: the integration user). */
    alertOwnerId: z
      .string()
      .regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'a Salesforce user id')
      .optional(),
  })
  .strict();
export type TaskSettings = z.infer<typeof taskSettingsSchema>;

/** Grouped retries of a locked row before the item is handed back to the sender's backoff. */
const LOCK_RETRIES = 3;
const LOCK_WAIT_MS = 200;
const LOCK = 'UNABLE_TO_LOCK_ROW';
/** Salesforce's daily API limit: try again in an hour rather than spend a day's tries on it. */
const LIMIT_WAIT_MS = 3_600_000;

/** The marker line that finds a rule's open Task on an account again. */
export function taskMarker(ruleId: string, accountId: string): string {
  return `[pulse-action rule=${ruleId} account=${accountId}]`;
}

/** The Task's Subject: "Pulse: Northwind Surge Analytics became Surging". */
export function taskSubject(d: ActionDelivery, s: TaskSettings): string {
  return `${s.subjectPrefix}: ${d.change.accountName} ${d.trigger}`.slice(0, 255);
}

/** The Task's Description: the change, the top three people, the change drivers, then the marker. */
export function taskDescription(d: ActionDelivery): string {
  const c = d.change;
  const delta = c.previousScore === null ? '' : ` (was ${c.previousScore} on ${c.previousDay})`;
  const lines = [
    `${c.accountName} ${d.trigger} on ${c.day}: score ${c.score}${delta}, ${c.band}, ${c.trend}${c.mqa ? ', MQA' : ''}.`,
  ];
  const people = c.topPeople.slice(0, 3);
  if (people.length > 0) {
    lines.push('', 'Top people:');
    for (const p of people) {
      const who = `${p.name ?? p.personId}${p.title ? ` (${p.title})` : ''}`;
      lines.push(`- ${who}: ${round1(p.points)} points, ${Math.round(p.share * 100)}% of the score`);
    }
  }
  const drivers = c.changeDrivers.filter((x) => x.change !== 0).slice(0, 5);
  if (drivers.length > 0) {
    lines.push('', 'What changed:');
    for (const x of drivers) lines.push(`- ${x.key}: ${x.change > 0 ? '+' : ''}${round1(x.change)}`);
  }
  lines.push('', `Pulse rule ${d.ruleId}, delivery ${d.deliveryId}.`, taskMarker(d.ruleId, c.accountId));
  return lines.join('\n');
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** One record's answer in an sObject collections result. */
interface CollectionResult {
  id?: string;
  success: boolean;
  errors?: { statusCode: string; message: string }[];
}

/** Salesforce ids are [a-zA-Z0-9]{15,18}: anything else never reaches a SOQL string. */
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The open Task of this rule on this account, if one exists (the marker is in its Description). */
async function findOpenTask(conn: Connection, ruleId: string, accountId: string): Promise<string | null> {
  // Description is a long text area, which SOQL cannot filter on: the account's open Tasks are read
  // and the marker matched here.
  const soql = `SELECT Id, Description FROM Task WHERE WhatId = '${accountId}' AND IsClosed = false ORDER BY CreatedDate`;
  const marker = taskMarker(ruleId, accountId);
  let page = await conn.query<{ Id: string; Description: string | null }>(soql);
  for (;;) {
    const hit = page.records.find((t) => t.Description?.includes(marker));
    if (hit) return hit.Id;
    if (page.done || !page.nextRecordsUrl) return null;
    page = await conn.queryMore<{ Id: string; Description: string | null }>(page.nextRecordsUrl);
  }
}

/** One sObject collections call with one record: POST creates, PATCH updates. */
async function sendOne(
  conn: Connection,
  method: 'POST' | 'PATCH',
  record: Record<string, unknown>,
): Promise<CollectionResult> {
  const res = await conn.request<CollectionResult[]>({
    method,
    url: `/services/data/v${conn.version}/composite/sobjects`,
    body: JSON.stringify({ allOrNone: false, records: [{ attributes: { type: 'Task' }, ...record }] }),
    headers: { 'Content-Type': 'application/json' },
  });
  return res[0] ?? { success: false, errors: [{ statusCode: 'UNKNOWN', message: 'no result' }] };
}

/** Creates or updates the rule's Task on the account; see the module comment. */
async function deliverTask(d: ActionDelivery, s: TaskSettings, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const accountId = d.change.accountId;
  if (!SF_ID.test(accountId)) return { status: 'failed', error: `not a Salesforce account id: ${accountId}` };
  const conn = await ctx.salesforce();
  const fields = {
    Subject: taskSubject(d, s),
    Description: taskDescription(d),
    ActivityDate: addDays(d.change.day, s.dueInDays),
    Priority: s.priority,
  };
  const owner = d.change.ownerId && SF_ID.test(d.change.ownerId) ? { OwnerId: d.change.ownerId } : {};
  return upsertTask(
    conn,
    () => findOpenTask(conn, d.ruleId, accountId),
    fields,
    { WhatId: accountId, Status: s.status, ...owner },
    ctx,
  );
}

/**
 * A system alert as a Task for the admin (`alertOwnerId`): one open Task per alert code, found again
 * by its Subject (filterable, unlike the Description), updated while it stays open.
 */
async function deliverAlertTask(d: AlertDelivery, s: TaskSettings, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  if (!/^[A-Z_]+$/.test(d.alert.code)) return { status: 'failed', error: `not an alert code: ${d.alert.code}` };
  const conn = await ctx.salesforce();
  const subject = `${s.subjectPrefix}: system alert ${d.alert.code}`;
  const fields = {
    Subject: subject,
    Description: `${d.alert.message}\n\nOrg ${d.alert.orgId}, ${d.alert.day}${d.alert.runId !== null ? `, run ${d.alert.runId}` : ''}. Delivery ${d.deliveryId}.`,
    ActivityDate: d.alert.day,
    Priority: 'High',
  };
  const find = async () => {
    const r = await conn.query<{ Id: string }>(
      `SELECT Id FROM Task WHERE Subject = '${subject.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' AND IsClosed = false LIMIT 1`,
    );
    return r.records[0]?.Id ?? null;
  };
  return upsertTask(
    conn,
    find,
    fields,
    { Status: s.status, ...(s.alertOwnerId ? { OwnerId: s.alertOwnerId } : {}) },
    ctx,
  );
}

/** Updates the open Task `find` finds, else creates one (with `onCreate` too); lock errors retried. */
async function upsertTask(
  conn: Connection,
  find: () => Promise<string | null>,
  fields: Record<string, unknown>,
  onCreate: Record<string, unknown>,
  ctx: DeliveryContext,
): Promise<DeliveryOutcome> {
  for (let attempt = 0; ; attempt++) {
    let result: CollectionResult;
    try {
      const existing = await find();
      result = existing
        ? await sendOne(conn, 'PATCH', { Id: existing, ...fields })
        : await sendOne(conn, 'POST', { ...fields, ...onCreate });
    } catch (e) {
      const code = (e as { errorCode?: string }).errorCode;
      if (code === 'REQUEST_LIMIT_EXCEEDED') return { status: 'retry', error: code, afterMs: LIMIT_WAIT_MS };
      return { status: 'retry', error: `${code ?? (e as Error).name}: ${(e as Error).message}` };
    }
    if (result.success) return { status: 'delivered', externalId: result.id };
    const err = result.errors?.[0] ?? { statusCode: 'UNKNOWN', message: 'no error given' };
    if (err.statusCode !== LOCK) return { status: 'failed', error: `${err.statusCode}: ${err.message}` };
    // A locked row (the account is being written by someone else): a few short waits, like the
    // writer's rounds, then the sender's backoff takes over.
    if (attempt >= LOCK_RETRIES) return { status: 'retry', error: `${err.statusCode}: ${err.message}` };
    await ctx.sleep(LOCK_WAIT_MS * 2 ** attempt);
  }
}

/** The Salesforce Task destination (kind `salesforce-task`). */
export const salesforceTaskDestination: Destination<TaskSettings> = {
  kind: 'salesforce-task',
  settings: taskSettingsSchema,
  deliver: deliverTask,
  deliverAlert: deliverAlertTask,
};
