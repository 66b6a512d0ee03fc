/**
 * A local Slack: incoming webhooks and the two Web API methods Pulse calls (users.lookupByEmail,
 * chat.postMessage), answering as Slack documents, with every message's Block Kit checked
 * (./blockKit.ts) and refused as Slack refuses it.
 *
 * Incoming webhooks (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
 * `POST /services/T…/B…/secret` with a JSON body; plain-text answers: 200 `ok`, 400
 * `invalid_payload` (not JSON, no text or blocks), 400 `invalid_blocks`, 404 `no_service` (unknown
 * hook), 410 `channel_is_archived`. Rate limit (https://docs.slack.dev/apis/web-api/rate-limits):
 * HTTP 429 with `Retry-After` seconds.
 *
 * Web API (https://docs.slack.dev/apis/web-api/): HTTP 200 with `{ok: true, …}` or `{ok: false,
 * error}`; the token in `Authorization: Bearer`. users.lookupByEmail
 * (https://docs.slack.dev/reference/methods/users.lookupByEmail): `users_not_found`.
 * chat.postMessage (https://docs.slack.dev/reference/methods/chat.postMessage): `channel_not_found`,
 * `is_archived`, `no_text`, `invalid_blocks` (with `response_metadata.messages`), `msg_too_long`;
 * posting to a user id lands in the app's DM with that user. `not_authed` / `invalid_auth` for a
 * missing or wrong token. 429 answers carry `{ok: false, error: "ratelimited"}`.
 */
import express, { type Request, type Response } from 'express';
import { CallLog, recordCall, type Call } from '../kit/callLog';
import { listen } from '../kit/server';
import { LIMITS, validateBlocks, type BlockProblem } from './blockKit';
import { SlackFaults } from './faults';

/** A message Slack accepted. */
export interface SlackMessage {
  via: 'webhook' | 'chat.postMessage';
  /** The channel id (a user id for a DM). */
  channel: string;
  text: string | null;
  blocks: unknown[] | null;
  ts: string;
}

export interface SlackCall extends Call {
  /** The error code answered (`ok`: null), or the webhook's text. */
  error: string | null;
  /** Block Kit problems found, when refused for them. */
  problems: BlockProblem[];
}

export interface SlackUser {
  id: string;
  email: string;
  name: string;
}

export interface SlackReceiverOptions {
  port?: number;
  /** Bot tokens accepted (default one: xoxb-pulse-test). */
  tokens?: string[];
  /** Incoming webhooks: path after /services/ → channel id. */
  hooks?: Record<string, string>;
  /** Channels chat.postMessage may post to, by id and by name (C… ids; names without #). */
  channels?: { id: string; name: string; archived?: boolean }[];
  users?: SlackUser[];
}

export interface SlackReceiver {
  url: string;
  /** `${url}/api/`, what a client's Web API base is set to. */
  apiUrl: string;
  /** The incoming webhook URL of a hook path. */
  hookUrl(path: string): string;
  messages: SlackMessage[];
  calls: CallLog<SlackCall>;
  faults: SlackFaults;
  close(): Promise<void>;
}

/** Starts a Slack receiver (a free port unless `port` is given). */
export async function startSlackReceiver(opts: SlackReceiverOptions = {}): Promise<SlackReceiver> {
  const tokens = new Set(opts.tokens ?? ['xoxb-pulse-test']);
  const hooks = new Map(Object.entries(opts.hooks ?? { 'T0PULSE/B0ALERTS/hooksecret': 'C0ALERTS' }));
  const channels = opts.channels ?? [{ id: 'C0ALERTS', name: 'pulse-alerts' }];
  const users = opts.users ?? [];
  const messages: SlackMessage[] = [];
  const calls = new CallLog<SlackCall>();
  const faults = new SlackFaults();
  let seq = 0;
  const ts = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    recordCall(calls, req, res, (call) => ({
      ...call,
      error: (res.locals.error as string | undefined) ?? null,
      problems: (res.locals.problems as BlockProblem[] | undefined) ?? [],
    }));
    const wait = faults.limited.take(req.path);
    if (wait !== null) {
      res.locals.error = 'ratelimited';
      res.status(429).set('Retry-After', String(wait));
      if (req.path.startsWith('/api/')) res.json({ ok: false, error: 'ratelimited' });
      else res.type('text/plain').send('rate_limited');
      return;
    }
    const status = faults.http.take(req.path);
    if (status !== null) {
      res.locals.error = `HTTP_${status}`;
      res.status(status).type('html').send(`<html><body>${status}</body></html>`);
      return;
    }
    next();
  });
  app.use(express.json({ limit: '1mb', type: ['application/json'] }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));

  const hookAnswer = (res: Response, status: number, text: string) => {
    res.locals.error = status === 200 ? null : text;
    res.status(status).type('text/plain').send(text);
  };

  app.post(/^\/services\/(.+)$/, (req: Request, res: Response) => {
    const channel = hooks.get((req.params as Record<string, string>)[0] ?? '');
    if (!channel) return hookAnswer(res, 404, 'no_service');
    if (channels.find((c) => c.id === channel)?.archived) return hookAnswer(res, 410, 'channel_is_archived');
    const body: unknown = req.is('application/json') ? req.body : null;
    if (!body || typeof body !== 'object') return hookAnswer(res, 400, 'invalid_payload');
    const { text, blocks } = body as { text?: unknown; blocks?: unknown };
    if ((typeof text !== 'string' || text === '') && blocks === undefined)
      return hookAnswer(res, 400, 'invalid_payload');
    if (blocks !== undefined) {
      const problems = validateBlocks(blocks);
      if (problems.length > 0) {
        res.locals.problems = problems;
        return hookAnswer(res, 400, 'invalid_blocks');
      }
    }
    messages.push({
      via: 'webhook',
      channel,
      text: typeof text === 'string' ? text : null,
      blocks: (blocks as unknown[] | undefined) ?? null,
      ts: ts(),
    });
    hookAnswer(res, 200, 'ok');
  });

  const apiError = (res: Response, error: string, extra: object = {}) => {
    res.locals.error = error;
    res.json({ ok: false, error, ...extra });
  };
  const authed = (req: Request, res: Response): boolean => {
    const token = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? (req.body as { token?: string })?.token;
    if (!token) return (apiError(res, 'not_authed'), false);
    if (!tokens.has(token)) return (apiError(res, 'invalid_auth'), false);
    return true;
  };
  const arg = (req: Request, name: string): unknown =>
    (req.body as Record<string, unknown> | undefined)?.[name] ?? req.query[name];

  app.all('/api/users.lookupByEmail', (req, res) => {
    if (!authed(req, res)) return;
    const email = arg(req, 'email');
    if (typeof email !== 'string' || email === '') return apiError(res, 'invalid_arguments');
    const user = users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (!user) return apiError(res, 'users_not_found');
    res.json({
      ok: true,
      user: { id: user.id, name: user.name, real_name: user.name, deleted: false, profile: { email: user.email } },
    });
  });

  app.post('/api/chat.postMessage', (req, res) => {
    if (!authed(req, res)) return;
    const channelArg = arg(req, 'channel');
    if (typeof channelArg !== 'string' || channelArg === '') return apiError(res, 'channel_not_found');
    const name = channelArg.replace(/^#/, '');
    const channel = channels.find((c) => c.id === channelArg || c.name === name);
    const user = users.find((u) => u.id === channelArg);
    if (!channel && !user) return apiError(res, 'channel_not_found');
    if (channel?.archived) return apiError(res, 'is_archived');
    const text = arg(req, 'text');
    let blocks = arg(req, 'blocks');
    // A form post carries blocks as a JSON string.
    if (typeof blocks === 'string') {
      try {
        blocks = JSON.parse(blocks) as unknown;
      } catch {
        return apiError(res, 'invalid_blocks_format');
      }
    }
    if ((typeof text !== 'string' || text === '') && blocks === undefined) return apiError(res, 'no_text');
    if (typeof text === 'string' && text.length > LIMITS.messageText) return apiError(res, 'msg_too_long');
    if (blocks !== undefined) {
      const problems = validateBlocks(blocks);
      if (problems.length > 0) {
        res.locals.problems = problems;
        return apiError(res, 'invalid_blocks', {
          response_metadata: { messages: problems.map((p) => `[ERROR] ${p.message} [json-pointer:/${p.path}]`) },
        });
      }
    }
    const id = channel?.id ?? `D${user!.id.slice(1)}`;
    const message: SlackMessage = {
      via: 'chat.postMessage',
      channel: user ? user.id : id,
      text: typeof text === 'string' ? text : null,
      blocks: (blocks as unknown[] | undefined) ?? null,
      ts: ts(),
    };
    messages.push(message);
    res.json({
      ok: true,
      channel: id,
      ts: message.ts,
      message: { type: 'message', text: message.text, ts: message.ts },
    });
  });

  app.use('/api', (req, res) => apiError(res, 'unknown_method'));

  const http = await listen(app, { port: opts.port });
  return {
    url: http.url,
    apiUrl: `${http.url}/api/`,
    hookUrl: (path) => `${http.url}/services/${path}`,
    messages,
    calls,
    faults,
    close: http.close,
  };
}
