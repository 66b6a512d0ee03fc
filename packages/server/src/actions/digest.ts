/**
 * The weekly owner digest: for each account owner, their surging, newly MQA and cooling accounts of
 * the week with scores and top people, as one email (HTML and plain text) sent over SMTP with
 * nodemailer. Every text from Salesforce is HTML-escaped in the HTML part. One owner's refused
 * message does not stop the others; each owner's outcome is returned for the run log.
 */
import escapeHtml from 'escape-html';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { z } from 'zod';
import { log } from '../log';
import type { Db } from '../store/db';
import { readDigestAccounts, readOwnerEmails, readPeopleNames, type DigestAccountRow } from '../store/digest';
import { loadActiveModel } from '../store/models';
import type { DeliveryOutcome } from './destination';
import { resolveSecret, SecretRef } from './secrets';
import { accountUrl } from './slackMessage';

/** One account as the digest shows it. */
export interface DigestAccount {
  accountId: string;
  accountName: string;
  score: number;
  previousScore: number | null;
  band: string;
  topPeople: { name: string | null; title: string | null; points: number }[];
}

/** Everything one owner's digest needs: who, the week, and the three lists. */
export interface OwnerDigest {
  ownerId: string;
  ownerEmail: string;
  ownerName: string | null;
  /** The week's first and last day (YYYY-MM-DD, inclusive). */
  weekStart: string;
  weekEnd: string;
  surging: DigestAccount[];
  newlyMqa: DigestAccount[];
  cooling: DigestAccount[];
}

/** How Pulse reaches the mail server. */
export const SmtpSettings = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
    secure: z.boolean().optional(),
    user: z.string().min(1).optional(),
    password: SecretRef.optional(),
    /** The sender, e.g. "Pulse <pulse@acme.example>". */
    from: z.string().min(3),
    /** For "Open in Salesforce" links. */
    salesforceUrl: z.string().url().optional(),
  })
  .strict();
export type SmtpSettings = z.infer<typeof SmtpSettings>;

/** The day `n` days from `day` (YYYY-MM-DD). */
function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Owners with no known email, which the digest could not be sent to. */
export interface DigestGathering {
  digests: OwnerDigest[];
  withoutEmail: { ownerId: string; ownerName: string | null }[];
}

/**
 * Gathers each owner's digest for the week ending `weekEnd` from the stored snapshots of the active
 * model (or `modelVersion`). `ownerEmails` maps Salesforce User ids to addresses (default: the pulled
 * Users' emails, `ownerEmailsOf`); owners it does not name are returned in `withoutEmail`.
 */
export async function gatherOwnerDigests(
  db: Db,
  orgId: string,
  weekEnd: string,
  ownerEmails?: ReadonlyMap<string, string>,
  modelVersion?: string,
): Promise<DigestGathering> {
  ownerEmails ??= await ownerEmailsOf(db, orgId);
  const version = modelVersion ?? (await loadActiveModel(db, orgId))?.model.version;
  if (!version) return { digests: [], withoutEmail: [] };
  const rows = await readDigestAccounts(db, orgId, version, weekEnd);
  const names = await readPeopleNames(db, orgId, [...new Set(rows.flatMap((r) => r.topPeople.map((p) => p.personId)))]);
  const byOwner = new Map<string, DigestAccountRow[]>();
  for (const r of rows) byOwner.set(r.ownerId, [...(byOwner.get(r.ownerId) ?? []), r]);
  const out: DigestGathering = { digests: [], withoutEmail: [] };
  for (const [ownerId, owned] of byOwner) {
    const ownerName = owned[0]!.ownerName;
    const email = ownerEmails.get(ownerId);
    if (!email) {
      out.withoutEmail.push({ ownerId, ownerName });
      continue;
    }
    const view = (r: DigestAccountRow): DigestAccount => ({
      accountId: r.accountId,
      accountName: r.accountName,
      score: r.score,
      previousScore: r.previousScore,
      band: r.band,
      topPeople: r.topPeople.slice(0, 3).map((p) => ({
        name: names.get(p.personId)?.name ?? null,
        title: names.get(p.personId)?.title ?? null,
        points: p.points,
      })),
    });
    out.digests.push({
      ownerId,
      ownerEmail: email,
      ownerName,
      weekStart: addDays(weekEnd, -6),
      weekEnd,
      surging: owned.filter((r) => r.trend === 'Surging').map(view),
      newlyMqa: owned.filter((r) => r.newlyMqa).map(view),
      cooling: owned.filter((r) => r.trend === 'Cooling').map(view),
    });
  }
  return out;
}

/** Each account owner's email by Salesforce User id, from the Users the Salesforce pull stores. */
export function ownerEmailsOf(db: Db, orgId: string): Promise<Map<string, string>> {
  return readOwnerEmails(db, orgId);
}

const SECTIONS = [
  ['surging', 'Surging'],
  ['newlyMqa', 'Newly MQA'],
  ['cooling', 'Cooling'],
] as const;

function change(a: DigestAccount): string {
  if (a.previousScore === null) return '';
  const d = Math.round(a.score - a.previousScore);
  return d === 0 ? ' (no change)' : ` (${d > 0 ? '+' : ''}${d} this week)`;
}

function person(p: DigestAccount['topPeople'][number]): string {
  return `${p.name ?? 'Unnamed person'}${p.title ? `, ${p.title}` : ''} (${Math.round(p.points * 10) / 10} pts)`;
}

/** The subject, plain text and HTML of one owner's digest. */
export function renderOwnerDigest(
  d: OwnerDigest,
  salesforceUrl?: string,
): { subject: string; text: string; html: string } {
  const count = d.surging.length + d.newlyMqa.length + d.cooling.length;
  const subject = `Pulse weekly digest ${d.weekStart} – ${d.weekEnd}: ${d.surging.length} surging, ${d.newlyMqa.length} newly MQA, ${d.cooling.length} cooling`;
  const hello = `Hello ${d.ownerName ?? d.ownerEmail},`;
  const lines: string[] = [hello, '', `Your accounts that moved in the week ${d.weekStart} to ${d.weekEnd}:`];
  const html: string[] = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(hello)}</p>`,
    `<p>Your accounts that moved in the week ${escapeHtml(d.weekStart)} to ${escapeHtml(d.weekEnd)}:</p>`,
  ];
  for (const [key, title] of SECTIONS) {
    const list = d[key];
    if (list.length === 0) continue;
    lines.push('', `${title} (${list.length})`);
    html.push(`<h2>${title} (${list.length})</h2>`, '<ul>');
    for (const a of list) {
      const url = accountUrl(salesforceUrl, a.accountId);
      const head = `${a.accountName}: ${Math.round(a.score)}${change(a)}, ${a.band}`;
      lines.push(`- ${head}${url ? ` <${url}>` : ''}`);
      for (const p of a.topPeople) lines.push(`    ${person(p)}`);
      const name = url ? `<a href="${escapeHtml(url)}">${escapeHtml(a.accountName)}</a>` : escapeHtml(a.accountName);
      const people = a.topPeople.map((p) => `<li>${escapeHtml(person(p))}</li>`).join('');
      html.push(
        `<li><strong>${name}</strong>: ${Math.round(a.score)}${escapeHtml(change(a))}, ${escapeHtml(a.band)}${people ? `<ul>${people}</ul>` : ''}</li>`,
      );
    }
    html.push('</ul>');
  }
  if (count === 0) {
    lines.push('', 'None of your accounts surged, became MQA or cooled this week.');
    html.push('<p>None of your accounts surged, became MQA or cooled this week.</p>');
  }
  lines.push('', '— Pulse');
  html.push('<p>— Pulse</p></body></html>');
  return { subject, text: `${lines.join('\n')}\n`, html: html.join('\n') };
}

/** One owner's outcome: the sender's words, as the outbox records a delivery. */
export interface DigestOutcome {
  ownerId: string;
  ownerEmail: string;
  outcome: DeliveryOutcome;
}

/** What `sendOwnerDigests` needs besides the digests. */
export interface SendDigestsOptions {
  smtp: SmtpSettings;
  /** A transport to use instead of one built from `smtp` (tests, pooled transports). */
  transport?: Transporter<SMTPTransport.SentMessageInfo>;
  env?: NodeJS.ProcessEnv;
  /** Digests with no account in any list are skipped unless this is true. */
  sendEmpty?: boolean;
}

/**
 * SMTP replies 4xx are transient (RFC 5321 §4.2.1: try again later); 5xx are permanent; no reply at
 * all (a refused connection, a timeout) is transient.
 */
function outcomeOfSmtpError(e: unknown): DeliveryOutcome {
  const err = e as { responseCode?: number; response?: string; message?: string; code?: string };
  const said = `SMTP: ${err.response ?? err.message ?? String(e)}`;
  if (typeof err.responseCode === 'number' && err.responseCode >= 500) return { status: 'failed', error: said };
  if (err.code === 'EAUTH') return { status: 'failed', error: said };
  return { status: 'retry', error: said };
}

/** Sends each owner their digest over SMTP; one outcome per owner (messageId as the external id). */
export async function sendOwnerDigests(digests: OwnerDigest[], opts: SendDigestsOptions): Promise<DigestOutcome[]> {
  const { smtp } = opts;
  const transport =
    opts.transport ??
    nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure ?? false,
      auth:
        smtp.user && smtp.password
          ? { user: smtp.user, pass: resolveSecret(smtp.password, 'SMTP password', opts.env) }
          : undefined,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
  const out: DigestOutcome[] = [];
  try {
    for (const d of digests) {
      if (!opts.sendEmpty && d.surging.length + d.newlyMqa.length + d.cooling.length === 0) continue;
      const { subject, text, html } = renderOwnerDigest(d, smtp.salesforceUrl);
      try {
        const info = await transport.sendMail({
          from: smtp.from,
          to: d.ownerName ? { name: d.ownerName, address: d.ownerEmail } : d.ownerEmail,
          subject,
          text,
          html,
          headers: { 'X-Pulse-Digest': `${d.ownerId}:${d.weekEnd}` },
        });
        out.push({
          ownerId: d.ownerId,
          ownerEmail: d.ownerEmail,
          outcome: { status: 'delivered', externalId: info.messageId },
        });
      } catch (e) {
        out.push({ ownerId: d.ownerId, ownerEmail: d.ownerEmail, outcome: outcomeOfSmtpError(e) });
      }
    }
  } finally {
    if (!opts.transport) transport.close();
  }
  const failed = out.filter((o) => o.outcome.status !== 'delivered');
  log.info(
    { sent: out.length - failed.length, notSent: failed.map((o) => ({ owner: o.ownerId, status: o.outcome.status })) },
    'weekly owner digests sent',
  );
  return out;
}
